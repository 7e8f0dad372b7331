"""The Mod's one peer: a PeerSession registered as FreeCAD, role "both" receiving from Blender (or "sender" while
Receive from Blender is off), with a send thread (sender.py) and a fetch thread. No FreeCAD objects: what arrives
goes to the GUI thread as typed messages (receive/messages.py) through on_receive, which gui.py makes a Qt signal.

session thread: Connected / Disconnected -> hub state; hello -> CatchUp; version -> VersionAnnounced
fetch thread:   FetchRequest -> delta, the blobs it needs, decoded and checked -> DeltaFetched (or NotAccepted,
                FetchFailed); AckRequest -> the hub (the shared client's FetchWorker with _fetch as its hook)
send thread:    SendJob -> blobs + publish + acks -> SendResult (sender.py)
"""
import time

from ..livelink_client import Connected, Disconnected, FetchWorker, Hello, PeerSession, Registration, VersionReady
from ..receive import meshes, plan
from ..receive.messages import CatchUp, DeltaFetched, NotAccepted, VersionAnnounced
from .sender import Sender

FROM = ("Blender",)  # the apps whose versions FreeCAD receives


def role(receive):
    return "both" if receive else "sender"


class Link:
    def __init__(self, app_version, document, on_result, on_receive, receive=True, home=None, launcher=""):
        self._on_receive = on_receive
        self._receiving = bool(receive)
        self._hub_state = "connecting"
        self._session = PeerSession(Registration("FreeCAD", app_version, document, role(receive), ("livelink-mesh",),
                                                 FROM), self._on_event, home=home, launcher=launcher,
                                    auto_start=False)
        self._sender = Sender(self._session, on_result)
        self._fetcher = FetchWorker(self._session, on_receive, _fetch)

    def start(self):
        self._sender.start()
        self._fetcher.start()
        self._session.start()
        return self

    # ---- GUI thread ----------------------------------------------------------------------------------------------

    def submit(self, job):
        self._sender.submit(job)

    def start_hub(self):
        """Lets the session start a hub with the recorded launcher when none runs (it connects to one that does)."""
        self._session.allow_hub_start()

    def blenders(self):
        return self._sender.blenders()

    def hub_state(self):
        """'connected', or why not, for the status dialog."""
        return self._hub_state

    def space_state(self):
        """The hub's studio space as one line, or "" without one."""
        return self._sender.space_state()

    def set_receiving(self, on):
        """Registers again as "both" or "sender": Blender lists (and targets) only FreeCADs that receive."""
        if bool(on) != self._receiving:
            self._receiving = bool(on)
            self._session.reregister(role=role(on))

    def fetch(self, request):
        self._fetcher.fetch(request)

    def ack(self, request):
        self._fetcher.ack(request)

    def close(self, timeout=1.0):
        self._fetcher.stop()
        self._session.close(timeout)
        self._sender.close(timeout)
        self._fetcher.join(timeout)

    # ---- session thread ------------------------------------------------------------------------------------------

    def _on_event(self, event):
        # A str assignment is atomic, and the status dialog only reads it.
        if isinstance(event, Connected):
            self._hub_state = "connected"
        elif isinstance(event, Disconnected):
            self._hub_state = "not connected (%s)" % event.reason
        elif isinstance(event, Hello) and self._receiving:
            self._on_receive(CatchUp(tuple((s["id"], int(s["version"])) for s in event.scenes)))
        elif isinstance(event, VersionReady) and self._receiving:
            self._on_receive(VersionAnnounced(event.scene, event.version))


def _fetch(client, peer, job):
    """On the fetch thread: the delta, and unless it comes from an app FreeCAD does not receive from, the blobs the
    document lacks, decoded and checked here so that the GUI thread only builds."""
    t0 = time.perf_counter()
    delta = client.delta(job.scene, job.since)
    source = delta["scene"].get("source", "")
    if not plan.accepted(source, FROM):
        return NotAccepted(job.scene, job.version, peer, source)
    blobs = client.blobs(plan.blobs_to_fetch(delta, job.held))
    t1 = time.perf_counter()
    decoded = meshes.decode_all(blobs)
    now = time.perf_counter()
    return DeltaFetched(delta, decoded, (t1 - t0) * 1000.0, (now - t1) * 1000.0, peer, now)

