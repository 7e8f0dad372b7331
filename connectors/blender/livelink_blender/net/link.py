"""The add-on's connection to the hub: a PeerSession (connect, register as "both", events, back-off), one fetch
worker and one send worker. No thread touches bpy; the main thread drains their typed messages (logic.messages):
the receiver's from one queue, the sender's from another.

session thread: events -> StatusChanged / CatchUp / VersionAnnounced / SpaceChanged on the inbox; Ack / peers ->
                the send inbox
fetch worker:   FetchRequest -> delta + the blobs it lacks -> DeltaFetched; AckRequest -> the hub (the shared
                client's FetchWorker with _fetch as its hook)
send worker:    SendJob -> blobs + publish -> SendDone / SendFailed on the send inbox
"""
import queue
import time

from ..livelink_client import (Ack, Connected, Disconnected, FetchWorker, Hello, PeerSession, PeersChanged,
                               Registration, SpaceState, VersionReady)
from ..logic.messages import (AckReceived, CatchUp, DeltaFetched, PeersUpdated, SpaceChanged, StatusChanged,
                              VersionAnnounced)
from ..logic.plan import delta_meshes
from .send import SendWorker


class Link:
    def __init__(self, app_version, document, home=None, launcher="", auto_start=True):
        self._inbox = queue.Queue()
        self._sends = queue.Queue()
        self._session = PeerSession(Registration("Blender", app_version, document, "both", ("livelink-mesh",)),
                                    self._on_event, home=home, launcher=launcher, auto_start=auto_start)
        self._fetcher = FetchWorker(self._session, self._inbox.put, _fetch)
        self._sender = SendWorker(self._session, self._sends.put)

    def start(self):
        self._fetcher.start()
        self._sender.start()
        self._session.start()
        return self

    # ---- main thread -------------------------------------------------------------------------------------------

    def drain(self):
        """Every message queued for the receiver so far, oldest first; never blocks."""
        return _drain(self._inbox)

    def drain_sends(self):
        """Every message queued for the sender so far, oldest first; never blocks."""
        return _drain(self._sends)

    def send(self, job):
        self._sender.submit(job)

    def peers(self):
        """The other peers, as the session's last peer list has them."""
        return self._session.peers()

    def fetch(self, request):
        self._fetcher.fetch(request)

    def ack(self, request):
        self._fetcher.ack(request)

    def reregister(self, document):
        self._session.reregister(document)

    def close(self, timeout=1.0):
        """Stops both threads and closes the sockets; returns promptly even if the hub is gone."""
        self._fetcher.stop()
        self._session.close(timeout)
        self._sender.close(timeout)
        self._fetcher.join(timeout)

    # ---- session thread ----------------------------------------------------------------------------------------

    def _on_event(self, event):
        if isinstance(event, Connected):
            self._inbox.put(StatusChanged("connected", event.peer))
        elif isinstance(event, Disconnected):
            self._inbox.put(StatusChanged("not connected (retry in %.0f s)" % event.retry_in, "", event.reason))
            self._inbox.put(SpaceChanged(""))
        elif isinstance(event, Hello):
            self._inbox.put(CatchUp(tuple((s["id"], int(s["version"])) for s in event.scenes)))
            space = event.space
            self._inbox.put(SpaceChanged(space.line, space.ready) if space is not None else SpaceChanged(""))
            self._sends.put(PeersUpdated())
        elif isinstance(event, SpaceState):
            self._inbox.put(SpaceChanged(event.line, event.ready))
        elif isinstance(event, VersionReady):
            self._inbox.put(VersionAnnounced(event.scene, event.version))
        elif isinstance(event, Ack):
            self._sends.put(AckReceived(event.scene, event.version, event.peer, event.ok, event.reason, event.app,
                                        event.app_version, event.document, event.timings or {}))
        elif isinstance(event, PeersChanged):
            self._sends.put(PeersUpdated())



def _fetch(client, peer, job):
    """On the fetch thread: the delta and the blobs of the meshes the .blend lacks."""
    t0 = time.perf_counter()
    delta = client.delta(job.scene, job.since)
    blobs = client.blobs(delta_meshes(delta, job.held))
    now = time.perf_counter()
    return DeltaFetched(delta, blobs, (now - t0) * 1000.0, peer, now)


def _drain(q):
    out = []
    while True:
        try:
            out.append(q.get_nowait())
        except queue.Empty:
            return out
