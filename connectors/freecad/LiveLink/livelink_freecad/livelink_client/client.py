"""Request/response calls to the hub over one keep-alive HTTP/1.1 connection per client."""
import http.client
import json
import os
import socket
import threading

from . import batch
from .errors import LiveLinkError
from .hubfile import read_hub


def _connect(port, timeout):
    """A connection with Nagle off: http.client writes headers and body separately, and with Nagle the body
    would wait for the hub's delayed ACK (~40 ms on Linux)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.connect()
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


class HubClient:
    """Calls the hub. Thread-safe: calls are serialised on one connection, reopened after a failure."""

    def __init__(self, port, token, timeout=30.0):
        self.port = port
        self.token = token
        self.timeout = timeout
        self._lock = threading.Lock()
        self._conn = None

    @classmethod
    def discover(cls, home=None, timeout=30.0):
        info = read_hub(home)
        if info is None:
            raise LiveLinkError("no hub is running (no hub.json); start one with: livelink hub")
        return cls(info.port, info.token, timeout)

    def close(self):
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def request(self, method, path, body=None, content_type="application/json", raw=False, timeout=None):
        headers = {"Authorization": "Bearer " + self.token, "Host": "127.0.0.1:%d" % self.port}
        if body is not None and not isinstance(body, (bytes, bytearray, memoryview)):
            body = json.dumps(body).encode("utf-8")
        if body is not None:
            headers["Content-Type"] = content_type
        with self._lock:
            for attempt in (0, 1):
                try:
                    if self._conn is None:
                        self._conn = _connect(self.port, timeout or self.timeout)
                    self._conn.request(method, "/v1/" + path, body=body, headers=headers)
                    resp = self._conn.getresponse()
                    data = resp.read()
                    break
                except (ConnectionError, http.client.HTTPException, OSError) as e:
                    if self._conn is not None:
                        self._conn.close()
                    self._conn = None
                    # A keep-alive connection the hub closed fails once; a second failure is real.
                    if attempt == 1 or isinstance(e, (ConnectionRefusedError, TimeoutError)):
                        raise LiveLinkError("the hub on port %d does not answer: %s" % (self.port, e)) from e
        if resp.status >= 400:
            try:
                err = json.loads(data)
            except ValueError:
                err = {}
            raise LiveLinkError(err.get("error", "HTTP %d" % resp.status), resp.status, err.get("missing", ()))
        if raw:
            return data
        return json.loads(data) if data else {}

    def status(self):
        return self.request("GET", "hub")

    def register(self, app, app_version, document, role="receiver", accepts=("livelink-mesh",), from_apps=("*",)):
        """Registers a peer; returns its id. from_apps: the apps whose versions it receives ("*": any)."""
        o = {"app": app, "appVersion": app_version, "pid": os.getpid(), "document": document, "role": role,
             "accepts": list(accepts), "from": list(from_apps)}
        return self.request("POST", "peers", o)["id"]

    def goodbye(self, peer):
        try:
            self.request("DELETE", "peers/" + peer, timeout=2.0)
        except LiveLinkError:
            pass  # the hub is gone already, which is what goodbye wanted

    def peers(self):
        return self.request("GET", "peers")["peers"]

    def missing(self, hashes):
        return self.request("POST", "blobs/missing", {"hashes": list(hashes)})["missing"]

    def upload(self, blobs):
        """Uploads those of {hash: bytes} the hub lacks, in one request. Returns the hashes sent."""
        need = self.missing(blobs.keys())
        if not need:
            return []
        self.request("POST", "blobs", batch.encode(blobs, need), content_type="application/octet-stream")
        return need

    def publish(self, scene, targets=(), sender=None):
        o = {"scene": scene}
        if targets:
            o["targets"] = list(targets)
        if sender:
            o["sender"] = sender
        return self.request("POST", "scenes", o)

    def send_scene(self, scene, blobs, targets=(), sender=None):
        """Uploads those of {hash: bytes} the hub lacks, then publishes the scene.
        Returns (the publish answer, hashes uploaded, bytes uploaded)."""
        sent = self.upload(blobs)
        return self.publish(scene, targets=targets, sender=sender), sent, sum(len(blobs[h]) for h in sent)

    def delta(self, scene, since):
        return self.request("GET", "scenes/%s/delta?from=%d" % (scene, since))

    def blobs(self, hashes):
        """{hash: bytes} for many blobs in one request, in the batch framing."""
        hashes = list(hashes)
        if not hashes:
            return {}
        out = batch.decode(self.request("POST", "blobs/fetch", {"hashes": hashes}, raw=True))
        missing = [h for h in hashes if h not in out]
        if missing:
            raise LiveLinkError("the hub did not return blob(s) %s" % ", ".join(h[:12] for h in missing))
        return out

    def ack(self, scene, version, peer, ok, reason="", timings=None):
        o = {"peer": peer, "status": "ok" if ok else "failed", "reason": reason, "timings": timings or {}}
        self.request("POST", "scenes/%s/versions/%d/acks" % (scene, version), o)

    def await_acks(self, scene, version, timeout_s):
        return self.request("GET", "scenes/%s/versions/%d/acks?wait=%d" % (scene, version, int(timeout_s * 1000)),
                            timeout=timeout_s + 10)

