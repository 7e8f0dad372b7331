"""The peer's Server-Sent Events stream (frames delimited by blank lines), turned into typed events."""
import http.client
import json
import socket
from dataclasses import dataclass

from .errors import LiveLinkError


@dataclass(frozen=True)
class SpaceState:
    """The hub's link to its studio space through NATS (docs/studio.md), in `hello` and in `space` events."""
    space: str
    nats: str = ""
    host: str = ""
    state: str = ""  # "connecting", "connected", "disconnected" or "closed": the hub's connection to NATS
    ready: bool = False  # connected and the space open: versions cross
    error: str = ""

    @property
    def line(self):
        """One line for a status panel: local linking works whatever the space's state."""
        if self.ready:
            return "Studio space %s: connected" % self.space
        if self.state in ("disconnected", "closed"):
            return "Studio space %s: unreachable — local link works" % self.space
        return "Studio space %s: connecting — local link works" % self.space


@dataclass(frozen=True)
class Hello:
    """First frame: the peer's id and the latest version of every scene the hub holds; `space` when the hub is in a
    studio space, else None."""
    peer: str
    scenes: tuple  # ({"id", "name", ..., "version"}, ...)
    space: SpaceState = None


@dataclass(frozen=True)
class VersionReady:
    """A version targets this peer: fetch its delta from the version held."""
    scene: str
    version: int
    name: str = ""
    sender: str = ""


@dataclass(frozen=True)
class Ack:
    """A receiver acknowledged a version this peer sent."""
    scene: str
    version: int
    peer: str
    ok: bool
    reason: str = ""
    app: str = ""
    app_version: str = ""
    document: str = ""
    timings: dict = None


@dataclass(frozen=True)
class PeersChanged:
    peers: tuple  # ({"id", "app", "appVersion", "document", "role", ...}, ...)


def space_state(data):
    return SpaceState(str(data.get("space") or ""), str(data.get("nats") or ""), str(data.get("host") or ""),
                      str(data.get("state") or ""), bool(data.get("ready")), str(data.get("error") or ""))


def parse(event, data):
    """A typed event from one SSE frame, or None for an event this client does not know (forward compatible)."""
    if event == "hello":
        space = data.get("space")
        return Hello(str(data.get("peer", "")), tuple(data.get("scenes", ())),
                     space_state(space) if isinstance(space, dict) else None)
    if event == "space":
        return space_state(data)
    if event == "version":
        return VersionReady(str(data["scene"]), int(data["version"]), str(data.get("name") or ""),
                            str(data.get("sender") or ""))
    if event == "ack":
        return Ack(str(data["scene"]), int(data["version"]), str(data.get("peer", "")), data.get("status") == "ok",
                   str(data.get("reason") or ""), str(data.get("app") or ""), str(data.get("appVersion") or ""),
                   str(data.get("document") or ""), dict(data.get("timings") or {}))
    if event == "peers":
        return PeersChanged(tuple(data.get("peers", ())))
    return None


class EventStream:
    """Opens /v1/peers/{id}/events. Iterate for typed events; close() from any thread ends the iteration."""

    def __init__(self, port, token, peer, connect_timeout=5.0):
        self._conn = http.client.HTTPConnection("127.0.0.1", port, timeout=connect_timeout)
        try:
            self._conn.request("GET", "/v1/peers/%s/events" % peer,
                               headers={"Authorization": "Bearer " + token, "Accept": "text/event-stream"})
            self._resp = self._conn.getresponse()
        except OSError as e:
            self._conn.close()
            raise LiveLinkError("the hub on port %d does not answer: %s" % (port, e)) from e
        if self._resp.status != 200:
            body = self._resp.read()
            self._conn.close()
            try:
                msg = json.loads(body).get("error")
            except ValueError:
                msg = None
            raise LiveLinkError(msg or "event stream refused: HTTP %d" % self._resp.status, self._resp.status)
        # The hub sends a heartbeat every second; no read timeout, close() wakes the reader.
        self._conn.sock.settimeout(None)

    def __iter__(self):
        for event, data in self.frames():
            typed = parse(event, data)
            if typed is not None:
                yield typed

    def frames(self):
        """(event name, decoded JSON) per frame, until the stream ends or close() is called."""
        event, data = "message", []
        while True:
            try:
                line = self._resp.fp.readline()
            except (OSError, ValueError, AttributeError):
                return
            if not line:
                return
            line = line.rstrip(b"\r\n")
            if not line:
                if data:
                    yield event, json.loads(b"\n".join(data))
                event, data = "message", []
            elif line.startswith(b"event:"):
                event = line[6:].strip().decode("utf-8")
            elif line.startswith(b"data:"):
                data.append(line[5:].strip())

    def close(self):
        sock = self._conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the other side
        self._conn.close()
