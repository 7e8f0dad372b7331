"""Network side of the FreeCAD connector: two worker threads, no FreeCAD objects.

events: registers as a sender, follows the event stream for the list of peers (so menus never wait on the
        network), reconnects with backoff
send:   uploads the blobs the hub lacks, publishes, waits for the receivers' acks, reports through on_result
"""
import queue
import threading
import time

from .livelink_client import EventStream, HubClient, LiveLinkError, end_session, ensure_hub
from .scene import describe_targets

STOP = object()
ACK_TIMEOUT_S = 15.0


class Sender:
    def __init__(self, app_version, document, on_result, on_peers=None, home=None, launcher=""):
        self.app_version = app_version
        self.home = home
        self.launcher = launcher
        self._on_result = on_result
        self._on_peers = on_peers
        self._document = document
        self._lock = threading.Lock()
        self._peers = []
        self._client = None
        self._peer = None
        self._stream = None
        self._connected = threading.Condition(self._lock)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._may_start_hub = threading.Event()  # set by the first send: FreeCAD's start-up never starts a hub
        self._last_error = ""
        self._jobs = queue.Queue()
        self._events = threading.Thread(target=self._event_loop, name="livelink-events", daemon=True)
        self._sender = threading.Thread(target=self._send_loop, name="livelink-send", daemon=True)

    def start(self):
        self._events.start()
        self._sender.start()

    def blenders(self):
        """Connected receivers, newest last: [{id, app, appVersion, document, pid}]."""
        with self._lock:
            return [p for p in self._peers if p.get("role") in ("receiver", "both") and p.get("connected", True)]

    def connected(self):
        with self._lock:
            return self._client is not None

    def submit(self, scene, blobs, targets, started, prepare_ms=0.0):
        """Queues a send; returns at once. `started` is the perf_counter() of the user's click; prepare_ms is
        what the GUI thread spent collecting and meshing, reported with the result."""
        self._may_start_hub.set()
        self._wake.set()
        self._jobs.put((scene, blobs, list(targets), started, prepare_ms))

    # ---- worker threads ----------------------------------------------------------------------------------------

    def _event_loop(self):
        backoff = 0.5
        while not self._stop.is_set():
            try:
                info = ensure_hub(self.home, self.launcher, auto_start=self._may_start_hub.is_set())
                client = HubClient(info.port, info.token)
                peer = client.register("FreeCAD", self.app_version, self._document, role="sender", accepts=())
                stream = EventStream(info.port, info.token, peer)
                with self._lock:
                    self._client, self._peer, self._stream = client, peer, stream
                    self._peers = [p for p in client.peers() if p["id"] != peer]
                    self._connected.notify_all()
                self._notify_peers()
                backoff = 0.5
                for event, data in stream:
                    if event == "peers":
                        with self._lock:
                            self._peers = [p for p in data["peers"] if p["id"] != peer]
                        self._notify_peers()
            except (LiveLinkError, OSError, ValueError) as e:
                with self._lock:
                    self._last_error = str(e)
            with self._lock:
                self._client = self._stream = None
                self._peers = []
            self._notify_peers()
            # Waits on an event: a send or close() wakes it at once.
            self._wake.wait(backoff)
            self._wake.clear()
            backoff = min(backoff * 2, 10.0)

    def _notify_peers(self):
        if self._on_peers is not None:
            self._on_peers(self.blenders())

    def _wait_connected(self, timeout):
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._client is None and not self._stop.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    return None, None, self._last_error or "the hub does not answer"
                self._connected.wait(left)
            return self._client, self._peer, None

    def _send_loop(self):
        while True:
            job = self._jobs.get()
            if job is STOP:
                return
            scene, blobs, targets, started, prepare_ms = job
            result = {"scene": scene, "prepare_ms": prepare_ms, "objects": sum(1 for n in scene["nodes"] if n.get("mesh")), "ok": False}
            try:
                client, peer, err = self._wait_connected(10.0)
                if client is None:
                    raise LiveLinkError(err)
                t0 = time.perf_counter()
                sent = client.upload(blobs)
                result["uploaded"] = len(sent)
                result["uploaded_bytes"] = sum(len(blobs[h]) for h in sent)
                r = client.publish(scene, targets=targets, sender=peer)
                result["version"] = r["version"]
                result["targets"] = r["targets"]
                result["delta"] = r["delta"]
                result["network_ms"] = (time.perf_counter() - t0) * 1000.0
                acks = {"acks": [], "pending": []}
                if r["targets"]:
                    acks = client.await_acks(scene["id"], r["version"], ACK_TIMEOUT_S)
                result["acks"] = acks["acks"]
                result["pending"] = acks["pending"]
                result["lines"] = describe_targets(acks["acks"])
                result["ok"] = all(a["status"] == "ok" for a in acks["acks"]) and not acks["pending"]
            except LiveLinkError as e:
                result["error"] = str(e)
            result["elapsed_ms"] = (time.perf_counter() - started) * 1000.0
            self._on_result(result)

    def close(self, timeout=1.0):
        self._stop.set()
        self._wake.set()
        with self._lock:
            stream, client, peer = self._stream, self._client, self._peer
            self._connected.notify_all()
        self._jobs.put(STOP)
        end_session(stream, client, peer)
        for t in (self._events, self._sender):
            if t.is_alive():
                t.join(timeout)
