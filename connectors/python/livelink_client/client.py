"""Request/response calls to the hub over one keep-alive HTTP/1.1 connection per client."""
import http.client
import json
import os
import socket
import threading

from . import batch, patch
from .errors import LiveLinkError
from .hubfile import read_hub


def _connect(port, timeout):
    """A connection with Nagle off: http.client writes headers and body separately, and with Nagle the body
    would wait for the hub's delayed ACK (~40 ms on Linux)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.connect()
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


# Bodies up to this size go out in one send with their headers; a larger one is sent from where it lies, not copied
# behind the headers first.
_ONE_SEND = 256 << 10
# The most hashes remembered as stored on the hub (about 100 bytes each).
_KNOWN_MAX = 200_000


def _json(o):
    # No spaces after separators: a 410-node scene's body is 10% shorter.
    return json.dumps(o, separators=(",", ":")).encode("utf-8")


def _server_timing(header):
    """{metric: ms} from a Server-Timing header, e.g. "hub;dur=2.1, body;dur=1.5"."""
    out = {}
    for metric in (header or "").split(","):
        name, _, params = metric.strip().partition(";")
        for p in params.split(";"):
            k, _, v = p.strip().partition("=")
            if k == "dur":
                try:
                    out[name] = float(v)
                except ValueError:
                    pass  # a timing the client cannot read is left out; it only informs
    return out


class HubClient:
    """Calls the hub. Thread-safe: calls are serialised on one connection, reopened after a failure.

    It remembers which blobs the hub said it holds, so sending a scene whose meshes it already has is one request
    (the publish); a hub that lost one since answers 409 with the list, and those are uploaded then.
    `last_timing` is the Server-Timing of the last answer, {"hub": ms, ...}: the hub's own time.
    `last_patched` says whether the last send_scene went as a patch (what changed) rather than the whole scene."""

    def __init__(self, port, token, timeout=30.0):
        self.port = port
        self.token = token
        self.timeout = timeout
        self.last_timing = {}
        self._lock = threading.Lock()
        self._conn = None
        self._known = set()
        self._sent = {}  # scene id -> patch.Sent: what send_scene last published of it
        self.last_patched = False

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
            body = _json(body)
        if body is not None:
            headers["Content-Type"] = content_type
            if isinstance(body, bytes) and len(body) > _ONE_SEND:
                body = memoryview(body)  # http.client copies bytes behind the headers, a view it sends as is
        with self._lock:
            for attempt in (0, 1):
                try:
                    if self._conn is None:
                        self._conn = _connect(self.port, timeout or self.timeout)
                    self._conn.request(method, "/v1/" + path, body=body, headers=headers)
                    resp = self._conn.getresponse()
                    data = resp.read()
                    self.last_timing = _server_timing(resp.getheader("Server-Timing"))
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
        hashes = list(hashes)
        need = self.request("POST", "blobs/missing", {"hashes": hashes})["missing"]
        self._remember(set(hashes).difference(need))
        return need

    def upload(self, blobs):
        """Uploads those of {hash: bytes} the hub lacks, in one request. Returns the hashes sent."""
        need = self.missing(blobs.keys())
        if not need:
            return []
        self.request("POST", "blobs", batch.encode(blobs, need), content_type="application/octet-stream")
        self._remember(need)
        return need

    def _remember(self, hashes):
        # Set operations are atomic under the GIL; a lost race only costs a `missing` request.
        if len(self._known) > _KNOWN_MAX:
            self._known = set()
        self._known.update(hashes)

    def publish(self, scene, targets=(), sender=None):
        o = {"scene": scene}
        if targets:
            o["targets"] = list(targets)
        if sender:
            o["sender"] = sender
        return self.request("POST", "scenes", o)

    def send_scene(self, scene, blobs, targets=(), sender=None):
        """Uploads those of {hash: bytes} the hub lacks, then publishes the scene.
        Returns (the publish answer, hashes uploaded, bytes uploaded).

        Blobs this client saw the hub hold are not asked about: a re-send of an unchanged document is one request.
        The hub checks every mesh of a publish; if it lost some meanwhile (restarted with another store, or
        collected them), it names them in a 409, and they are uploaded and the publish made again, once.

        After one send of a scene, the next sends only the nodes that changed since (see patch.py) when that is
        fewer than all: node dicts are compared by identity, then equality, so they must not be changed in place
        once sent. If the hub holds a newer version than the one this client sent (409), the whole scene goes."""
        unknown = [h for h in blobs if h not in self._known]
        sent = self.upload({h: blobs[h] for h in unknown}) if unknown else []
        try:
            answer = self._publish_changes(scene, targets, sender)
        except LiveLinkError as e:
            lost = [h for h in e.missing if h in blobs]
            if e.status != 409 or not lost:
                raise
            self._known.difference_update(lost)
            sent = sent + self.upload({h: blobs[h] for h in lost})
            answer = self._publish_changes(scene, targets, sender)
        self._remember(blobs)
        return answer, sent, sum(len(blobs[h]) for h in sent)

    def _publish_changes(self, scene, targets, sender):
        last = self._sent.get(scene["id"])
        body = None if last is None else patch.changes(last, scene)
        answer = None
        if body is not None:
            if targets:
                body["targets"] = list(targets)
            if sender:
                body["sender"] = sender
            try:
                answer = self.request("POST", "scenes/%s/versions" % scene["id"], body)
            except LiveLinkError as e:
                if e.status != 409 or e.missing:
                    raise  # refused as the whole scene would be, or blobs to upload first
                last = None  # a version came in since ours: the whole scene goes
        self.last_patched = answer is not None
        if answer is None:
            answer = self.publish(scene, targets=targets, sender=sender)
        self._sent[scene["id"]] = patch.remember(scene, int(answer["version"]), last)
        return answer

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

