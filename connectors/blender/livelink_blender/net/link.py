"""The add-on's connection to the hub: a PeerSession (connect, register, events, back-off) and one fetch worker.
Neither thread touches bpy; the main thread drains their typed messages (logic.messages) from one queue.

session thread: events -> StatusChanged / CatchUp / VersionAnnounced on the inbox
fetch worker:   FetchRequest -> delta + the blobs it lacks -> DeltaFetched; AckRequest -> the hub
"""
import queue
import threading
import time

from ..livelink_client import (Connected, Disconnected, Hello, LiveLinkError, PeerSession, Registration,
                               VersionReady)
from ..logic.messages import (AckFailed, AckRequest, CatchUp, DeltaFetched, FetchFailed, FetchRequest,
                              StatusChanged, VersionAnnounced)
from ..logic.plan import delta_meshes

_STOP = object()


class Link:
    def __init__(self, app_version, document, home=None, launcher="", auto_start=True):
        self._inbox = queue.Queue()
        self._jobs = queue.Queue()
        self._session = PeerSession(Registration("Blender", app_version, document, "receiver", ("livelink-mesh",)),
                                    self._on_event, home=home, launcher=launcher, auto_start=auto_start)
        self._worker = threading.Thread(target=self._work, name="livelink-fetch", daemon=True)

    def start(self):
        self._worker.start()
        self._session.start()
        return self

    # ---- main thread -------------------------------------------------------------------------------------------

    def drain(self):
        """Every message queued so far, oldest first; never blocks."""
        out = []
        while True:
            try:
                out.append(self._inbox.get_nowait())
            except queue.Empty:
                return out

    def fetch(self, request):
        self._jobs.put(request)

    def ack(self, request):
        self._jobs.put(request)

    def reregister(self, document):
        self._session.reregister(document)

    def close(self, timeout=1.0):
        """Stops both threads and closes the sockets; returns promptly even if the hub is gone."""
        self._jobs.put(_STOP)
        self._session.close(timeout)
        if self._worker.is_alive():
            self._worker.join(timeout)

    # ---- session thread ----------------------------------------------------------------------------------------

    def _on_event(self, event):
        if isinstance(event, Connected):
            self._inbox.put(StatusChanged("connected", event.peer))
        elif isinstance(event, Disconnected):
            self._inbox.put(StatusChanged("not connected (retry in %.0f s)" % event.retry_in, "", event.reason))
        elif isinstance(event, Hello):
            self._inbox.put(CatchUp(tuple((s["id"], int(s["version"])) for s in event.scenes)))
        elif isinstance(event, VersionReady):
            self._inbox.put(VersionAnnounced(event.scene, event.version))

    # ---- fetch worker ------------------------------------------------------------------------------------------

    def _work(self):
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            if isinstance(job, FetchRequest):
                self._inbox.put(self._fetch(job))
            elif isinstance(job, AckRequest):
                client, _ = self._session.connection
                try:
                    if client is None:
                        raise LiveLinkError("not connected to the hub")
                    client.ack(job.scene, job.version, job.peer, job.ok, job.reason, job.timings)
                except (LiveLinkError, OSError, ValueError) as e:
                    self._inbox.put(AckFailed(str(e)))

    def _fetch(self, job):
        client, peer = self._session.connection
        if client is None:
            return FetchFailed(job.scene, job.version, "not connected to the hub", report=False)
        t0 = time.perf_counter()
        try:
            delta = client.delta(job.scene, job.since)
            blobs = client.blobs(delta_meshes(delta, job.have))
        except (LiveLinkError, OSError, ValueError, KeyError) as e:
            return FetchFailed(job.scene, job.version, str(e))
        now = time.perf_counter()
        return DeltaFetched(delta, blobs, (now - t0) * 1000.0, peer, now)
