"""Publishes scenes over the Mod's PeerSession (net/link.py owns it). No FreeCAD objects: jobs come in as SendJob,
results go out as SendResult through on_result, on the send thread (the GUI carries them to its own thread by a Qt
signal).

One send thread uploads the blobs the hub lacks, publishes, and waits for the receivers' acks. The first send lets
the session start a hub; FreeCAD's start-up must not.
"""
import queue
import threading
import time
from dataclasses import dataclass

from ..livelink_client import LiveLinkError
from ..livelink_client.events import parse as parse_event

ACK_TIMEOUT_S = 15.0
CONNECT_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class SendJob:
    """One publish. meshes: the blobs the scene's nodes name (objects with .hash and .data; equal meshes of two
    objects are uploaded once)."""
    scene: dict
    meshes: tuple
    targets: tuple  # receiver peer ids; () lets the hub send to every receiver
    started: float  # perf_counter() when the export began (the click, or the debounced auto-sync)
    prepare_ms: float  # what the GUI thread spent collecting and meshing
    recomputed_at: float = None  # auto-sync: perf_counter() of the recompute that asked for this send

    @property
    def objects(self):
        """Nodes with a mesh: what the user counts as objects sent."""
        return sum(1 for n in self.scene["nodes"] if n["mesh"])


@dataclass(frozen=True)
class SendResult:
    """How a job ended; finished is the perf_counter() when the acks (or the failure) came back."""
    job: SendJob
    finished: float

    @property
    def elapsed_ms(self):
        return (self.finished - self.job.started) * 1000.0

    @property
    def since_recompute_ms(self):
        """Auto-sync: from the recompute to the acks, debounce included; None for a send the user asked for."""
        at = self.job.recomputed_at
        return None if at is None else (self.finished - at) * 1000.0


@dataclass(frozen=True)
class Published(SendResult):
    """The hub took the version; acks and pending say what each target did with it."""
    version: int
    targets: tuple  # peer ids the hub sent the version to; () when no receiver is connected
    acks: tuple  # livelink_client.Ack, one per target that answered
    pending: tuple  # peer ids that did not answer within ACK_TIMEOUT_S
    uploaded: int  # blobs the hub lacked
    uploaded_bytes: int
    changed: int  # nodes the hub found changed since the previous version
    network_ms: float  # upload and publish


@dataclass(frozen=True)
class NotSent(SendResult):
    error: str


class Sender:
    def __init__(self, session, on_result):
        self._on_result = on_result
        self._session = session
        self._jobs = queue.Queue()
        self._thread = threading.Thread(target=self._send_loop, name="livelink-send", daemon=True)

    def start(self):
        self._thread.start()
        return self

    def blenders(self):
        """Connected receivers other than FreeCADs (which receive from Blender only), newest last:
        [{id, app, appVersion, document, pid, ...}]."""
        return [p for p in self._session.peers()
                if p.get("role") in ("receiver", "both") and p.get("connected", True) and p.get("app") != "FreeCAD"]

    def submit(self, job):
        """Queues a send; returns at once. The first send also lets the session start a hub."""
        self._session.allow_hub_start()
        self._jobs.put(job)

    def close(self, timeout=1.0):
        self._jobs.put(None)
        if self._thread.is_alive():
            self._thread.join(timeout)

    # ---- the send thread ---------------------------------------------------------------------------------------

    def _send_loop(self):
        while True:
            job = self._jobs.get()
            if job is None:
                return
            self._on_result(self._send(job))

    def _send(self, job):
        try:
            client, peer = self._session.wait_connected(CONNECT_TIMEOUT_S)
            t0 = time.perf_counter()
            r, sent, sent_bytes = client.send_scene(job.scene, {m.hash: m.data for m in job.meshes}, job.targets, peer)
            network_ms = (time.perf_counter() - t0) * 1000.0
            answer = {"acks": [], "pending": []}
            if r["targets"]:
                answer = client.await_acks(job.scene["id"], r["version"], ACK_TIMEOUT_S)
            return Published(job, time.perf_counter(), int(r["version"]), tuple(r["targets"]),
                             tuple(parse_event("ack", a) for a in answer["acks"]), tuple(answer["pending"]),
                             len(sent), sent_bytes, int(r["delta"]["changed"]), network_ms)
        except LiveLinkError as e:
            return NotSent(job, time.perf_counter(), str(e))
        except (KeyError, TypeError, ValueError) as e:
            # A hub of another protocol version: say so rather than lose the send thread.
            reason = "unexpected answer from the hub: %s: %s" % (type(e).__name__, e)
            return NotSent(job, time.perf_counter(), reason)
