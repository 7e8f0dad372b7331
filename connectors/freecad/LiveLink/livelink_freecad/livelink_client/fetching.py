"""A receiver's fetch thread, the same in every connector: a FetchRequest becomes the hub's delta and the blobs the
application lacks, handed back to its main thread as a message; an AckRequest goes to the hub. What to fetch and what
to hand back are the connector's, in a hook run on this thread (it must not touch the application: no bpy, no
FreeCAD objects). Typed messages both ways, never positional tuples."""
import queue
import threading
from dataclasses import dataclass

from .errors import LiveLinkError

# What a hook may raise when the hub's answer is not what it needs: delivered as FetchFailed with the message.
FETCH_ERRORS = (LiveLinkError, OSError, ValueError, KeyError, TypeError)


@dataclass(frozen=True)
class FetchRequest:
    """main -> fetch thread."""
    scene: str
    since: int  # the version the application holds (0: none, the delta is the whole scene)
    version: int  # the version announced
    held: object  # what the application holds of the scene, for the hook: mesh hashes (Blender), or per node


@dataclass(frozen=True)
class AckRequest:
    """main -> fetch thread: acked in the order it was asked, after the fetches before it."""
    scene: str
    version: int
    peer: str
    ok: bool
    reason: str = ""
    timings: dict = None


@dataclass(frozen=True)
class FetchFailed:
    """fetch thread -> main."""
    scene: str
    version: int
    reason: str
    report: bool = True  # False when there was simply no connection: the next hello catches up


@dataclass(frozen=True)
class AckFailed:
    """fetch thread -> main: the hub refused or did not take an ack."""
    reason: str


_STOP = object()


class FetchWorker:
    """One thread: fetches and acks, in the order they were asked.

    session: the connector's PeerSession (its connection and ack); deliver(message): hands a message to the main
    thread (a queue's put, a Qt signal's emit); fetch(client, peer, job): the connector's hook, returns the message
    for a fetched delta (or any other), may raise one of FETCH_ERRORS."""

    def __init__(self, session, deliver, fetch):
        self._session = session
        self._deliver = deliver
        self._hook = fetch
        self._jobs = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="livelink-fetch", daemon=True)

    def start(self):
        self._thread.start()
        return self

    def fetch(self, request):
        self._jobs.put(request)

    def ack(self, request):
        self._jobs.put(request)

    def stop(self):
        """Asks the thread to end after what it is doing; join() waits for it (close the session in between, so that
        a fetch blocked on the hub ends too)."""
        self._jobs.put(_STOP)

    def join(self, timeout=1.0):
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _work(self):
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            if isinstance(job, FetchRequest):
                self._deliver(self._fetch(job))
            elif isinstance(job, AckRequest):
                failed = self._session.ack(job.scene, job.version, job.peer, job.ok, job.reason, job.timings)
                if failed is not None:
                    self._deliver(AckFailed(failed))

    def _fetch(self, job):
        client, peer = self._session.connection
        if client is None:
            return FetchFailed(job.scene, job.version, "not connected to the hub", report=False)
        try:
            return self._hook(client, peer, job)
        except FETCH_ERRORS as e:
            return FetchFailed(job.scene, job.version, str(e))
