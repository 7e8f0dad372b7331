"""The peer's Server-Sent Events stream, read line by line (the frames are delimited by blank lines)."""
import http.client
import json
import socket

from .errors import LiveLinkError


class EventStream:
    """Opens /v1/peers/{id}/events. Iterate for (event, data) pairs; close() from any thread ends the iteration."""

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
