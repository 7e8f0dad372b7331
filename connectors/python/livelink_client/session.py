"""A peer's session with the hub: connect (starting the hub when allowed), register, follow the event stream, back
off and reconnect when the hub goes away, close. Both connectors use it; neither writes this loop again."""
import dataclasses
import threading
import time
from dataclasses import dataclass

from .client import HubClient
from .errors import LiveLinkError
from .events import EventStream, Hello, PeersChanged, SpaceState
from .launch import ensure_hub

BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 10.0


@dataclass(frozen=True)
class Connected:
    """Registered and streaming; `client` calls the hub as this peer."""
    peer: str
    client: HubClient


@dataclass(frozen=True)
class Disconnected:
    """Not connected; the session retries after `retry_in` seconds (sooner when woken)."""
    reason: str
    retry_in: float


@dataclass(frozen=True)
class Registration:
    """Who this peer is, as POST /v1/peers takes it."""
    app: str
    app_version: str
    document: str
    role: str = "receiver"
    accepts: tuple = ("livelink-mesh",)
    from_apps: tuple = ("*",)  # the apps whose versions this peer receives (sent as "from"); "*": any


class PeerSession:
    """Owns one thread that keeps this peer connected. on_event(event) runs on that thread for every typed event
    (Connected, Disconnected, and the stream's Hello, VersionReady, Ack, PeersChanged, SpaceState); it must not
    block long.

    auto_start: whether the session may start a hub with the recorded launcher; allow_hub_start() turns it on
    later (FreeCAD starts none until the user first sends)."""

    def __init__(self, registration, on_event, home=None, launcher="", auto_start=True):
        self.home = home
        self.launcher = launcher
        self._registration = registration
        self._on_event = on_event
        self._may_start = threading.Event()
        if auto_start:
            self._may_start.set()
        self._lock = threading.Condition()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._client = self._peer = self._stream = None
        self._peers = ()
        self._space = None
        self._last_error = ""
        self._thread = threading.Thread(target=self._run, name="livelink-session", daemon=True)

    def start(self):
        self._thread.start()
        return self

    # ---- what other threads ask ----------------------------------------------------------------------------------

    @property
    def connection(self):
        """(client, peer id) while connected, else (None, None)."""
        with self._lock:
            return self._client, self._peer

    def peers(self):
        """The other peers, as the last `peers` event listed them."""
        with self._lock:
            return self._peers

    def space(self):
        """The hub's studio space as last told (a SpaceState), or None: no space, or not connected to the hub."""
        with self._lock:
            return self._space

    def wait_connected(self, timeout):
        """(client, peer id) once connected; LiveLinkError with the last failure when `timeout` passes first."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._client is None and not self._stop.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._lock.wait(left)
            if self._client is None:
                raise LiveLinkError(self._last_error or "the hub does not answer")
            return self._client, self._peer

    def ack(self, scene, version, peer, ok, reason, timings):
        """Acks a version on the current connection; returns why that failed, or None. A 403 is not a failure: the
        version was caught up on and was sent to another peer, so nobody waits for this ack."""
        client, _ = self.connection
        try:
            if client is None:
                raise LiveLinkError("not connected to the hub")
            client.ack(scene, version, peer, ok, reason, timings)
        except LiveLinkError as e:
            return None if e.status == 403 else str(e)
        except (OSError, ValueError) as e:
            return str(e)
        return None

    def allow_hub_start(self):
        self._may_start.set()
        self._wake.set()

    def reregister(self, document=None, role=None):
        """Registers again under another document name (Blender loaded another .blend) or role (FreeCAD's Receive
        from Blender turned on or off); None keeps what the registration had."""
        with self._lock:
            r = self._registration
            self._registration = dataclasses.replace(r, document=r.document if document is None else document,
                                                     role=r.role if role is None else role)
            stream = self._stream
        self._wake.set()
        if stream is not None:
            stream.close()  # the session thread says goodbye and registers again at once

    def close(self, timeout=1.0):
        """Ends the stream, says goodbye and joins the thread; prompt even when the hub is gone."""
        self._stop.set()
        self._wake.set()
        with self._lock:
            stream, client, peer = self._stream, self._client, self._peer
            self._lock.notify_all()
        end_session(stream, client, peer)
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    # ---- the session thread --------------------------------------------------------------------------------------

    def _run(self):
        backoff = BACKOFF_FIRST_S
        while not self._stop.is_set():
            reason = "the hub closed the event stream"
            try:
                if self._stream_once():
                    backoff = BACKOFF_FIRST_S
                    if self._wake.is_set():  # re-registration: straight back in
                        self._wake.clear()
                        continue
            except (LiveLinkError, OSError, ValueError) as e:
                reason = str(e)
            with self._lock:
                self._client = self._peer = self._stream = None
                self._peers = ()
                self._space = None
                self._last_error = reason
            if self._stop.is_set():
                return
            self._emit(Disconnected(reason, backoff))
            # Waits on an event: a send, a re-registration or close() wakes it at once.
            self._wake.wait(backoff)
            self._wake.clear()
            backoff = min(backoff * 2, BACKOFF_MAX_S)

    def _stream_once(self):
        """One connection: returns True when it was established (and has now ended)."""
        info = ensure_hub(self.home, self.launcher, self._may_start.is_set())
        client = HubClient(info.port, info.token)
        with self._lock:
            r = self._registration
        try:
            peer = client.register(r.app, r.app_version, r.document, role=r.role, accepts=r.accepts,
                                   from_apps=r.from_apps)
            stream = EventStream(info.port, info.token, peer)
        except LiveLinkError:
            client.close()
            raise
        with self._lock:
            if self._stop.is_set() or self._registration is not r:
                # Closed, or re-registered while this registration was on its way: it must not stay.
                end_session(stream, client, peer)
                return True
            self._client, self._peer, self._stream = client, peer, stream
            self._lock.notify_all()
        self._emit(Connected(peer, client))
        for event in stream:
            if isinstance(event, PeersChanged):
                with self._lock:
                    self._peers = tuple(p for p in event.peers if p.get("id") != peer)
            elif isinstance(event, Hello):
                with self._lock:
                    self._peers = tuple(p for p in client.peers() if p.get("id") != peer)
                    self._space = event.space
            elif isinstance(event, SpaceState):
                with self._lock:
                    self._space = event
            self._emit(event)
        end_session(stream, client, None if self._stop.is_set() else peer)
        return True

    def _emit(self, event):
        if not self._stop.is_set():
            self._on_event(event)


def end_session(stream, client, peer):
    """Closes a peer's event stream, says goodbye and closes its connection; quick even when the hub is gone."""
    if stream is not None:
        stream.close()
    if client is not None:
        if peer:
            client.goodbye(peer)
        client.close()
