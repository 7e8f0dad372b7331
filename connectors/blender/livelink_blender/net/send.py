"""The send worker: encodes and hashes the meshes Blender's main thread read, uploads the blobs the hub lacks and
publishes the version as this peer (the hub relays the receivers' acks to it as events). No bpy.

A thread of its own, with a connection of its own: an upload never holds up the fetches and acks of receiving."""
import hashlib
import queue
import threading
import time

from ..livelink_client import HubClient, LiveLinkError, meshblob
from ..logic.messages import SendDone, SendFailed

CONNECT_TIMEOUT_S = 10.0
_STOP = object()


def encode(meshes):
    """{key: MeshArrays} -> ({key: hash}, {hash: blob}); equal meshes become one blob."""
    hashes, blobs = {}, {}
    for key, m in meshes.items():
        blob = meshblob.encode(m.positions, m.indices, material_index=m.material_index)
        h = hashlib.sha256(blob).hexdigest()
        hashes[key] = h
        blobs[h] = blob
    return hashes, blobs


class SendWorker:
    """session: the PeerSession whose peer id the versions go out as; post(message) queues a result for the main
    thread."""

    def __init__(self, session, post):
        self._session = session
        self._post = post
        self._jobs = queue.Queue()
        self._client = None
        self._thread = threading.Thread(target=self._run, name="livelink-send", daemon=True)

    def start(self):
        self._thread.start()
        return self

    def submit(self, job):
        self._jobs.put(job)

    def close(self, timeout=1.0):
        self._jobs.put(_STOP)
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self):
        while True:
            job = self._jobs.get()
            if job is _STOP:
                break
            self._post(self._send(job))
        if self._client is not None:
            self._client.close()

    def _connect(self):
        session_client, peer = self._session.wait_connected(CONNECT_TIMEOUT_S)
        c = self._client
        if c is None or (c.port, c.token) != (session_client.port, session_client.token):
            if c is not None:
                c.close()
            c = self._client = HubClient(session_client.port, session_client.token)
        return c, peer

    def _send(self, job):
        try:
            t0 = time.perf_counter()
            hashes, blobs = encode(job.meshes)
            t1 = time.perf_counter()
            nodes = [dict(n, mesh=hashes[n["mesh"]]) if n.get("mesh") in hashes else n for n in job.nodes]
            client, peer = self._connect()
            t2 = time.perf_counter()
            r, sent, sent_bytes = client.send_scene(dict(job.scene, nodes=nodes), blobs, job.targets, peer)
            network_ms = (time.perf_counter() - t2) * 1000.0
            return SendDone(job.serial, str(r["scene"]), int(r["version"]), tuple(r["targets"]), hashes, len(sent),
                            sent_bytes, dict(r["delta"]), (t1 - t0) * 1000.0, network_ms)
        except LiveLinkError as e:
            return SendFailed(job.serial, str(e))
        except (KeyError, TypeError, ValueError) as e:
            # A hub speaking another protocol version, or a mesh the codec refuses: say so, keep the thread.
            return SendFailed(job.serial, "%s: %s" % (type(e).__name__, e))
