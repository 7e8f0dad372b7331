"""The sender's main-thread side: what a send collects, what it keeps from the last version, one send in flight,
Auto-send's debounce, and what the user is told when the hub and the receivers answer. No bpy: the SendHost is
the bpy side, the link the network side (send(job), drain_sends(), peers()).

A send publishes every object that takes part (it carries a send id), never fewer: the objects the user selected
and those Auto-send saw change are read again; the others go as they were last sent. Objects that arrived from the
link are re-read only when the user selects them, so Auto-send never echoes what a receiver applied."""
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from . import sendscene
from .messages import AckReceived, SendDone, SendFailed, SendJob

DEBOUNCE_S = 0.3
RECEIVES = ("receiver", "both")
EARLY_ACKS = 50  # acks that overtook their SendDone (the worker posts it after the publish answer), bounded


class SendError(Exception):
    """Why a send cannot start; the operator reports it."""


class SendStatus:
    """What the panel shows about sending; main thread only."""

    def __init__(self):
        self.scene = ""  # the scene id this .blend sends as, once it has sent
        self.last = ""
        self.error = ""
        self.collect_ms = 0.0  # the last send's collection on the main thread
        self.objects = 0  # and how many objects it read


@dataclass
class _Flight:
    job: SendJob
    families: dict
    fresh: frozenset
    text: str  # "3 objects"
    started: float
    collect_ms: float


@dataclass
class _Awaiting:
    name: str
    text: str
    started: float
    pending: set = field(default_factory=set)


def plural(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


def peer_label(p):
    """"FreeCAD 1.0 (Demo)": app, major.minor of its version, document; "… on artist-pc" on another machine."""
    version = ".".join(str(p.get("appVersion") or "").split(".")[:2])
    where = " on %s" % p["host"] if p.get("remote") and p.get("host") else ""
    return "%s %s (%s)%s" % (p.get("app") or "?", version, p.get("document") or "untitled", where)


class Sender:
    def __init__(self, link, host, clock=time.perf_counter):
        self.link = link
        self.host = host
        self.clock = clock
        self.status = SendStatus()
        self.last_targets = ()  # what the last send targeted: Auto-send goes there while they stay connected
        self._cache = {}  # {send id: Sent} as last published
        self._cache_key = None  # (scene id, unit scale) the cache was made for
        self._owners = {}  # {send id: uid} from the last scan
        self._dirty = set()
        self._dirty_materials = set()
        self._armed = False
        self._last_change = 0.0
        self._serial = 0
        self._flight = None
        self._queued = None  # (names, targets) of a send asked for while another was in flight
        self._auto_due = False  # the debounce ended while a send was in flight
        self._awaiting = OrderedDict()  # (scene, version) -> _Awaiting
        self._early = []

    @property
    def idle(self):
        """Nothing on its way and nothing due: no send in flight or queued, no Auto-send debounce running or owed.
        What a caller checks before it calls the link quiet."""
        return self._flight is None and self._queued is None and not self._armed and not self._auto_due

    # ---- receivers ---------------------------------------------------------------------------------------------

    def receivers(self):
        """Registered peers that receive, other than this Blender, as the session's peer list has them. Not
        filtered on "connected": the hub announces a peer when it registers, before its event stream opens, and
        sends no new list when the stream does; a peer that leaves is dropped from the list. Peers on other
        machines ("remote", listed by a hub in a studio space) only when online access is allowed."""
        online = self.host.online_access()
        return [p for p in self.link.peers() if p.get("role") in RECEIVES and (online or not p.get("remote"))]

    def default_targets(self):
        """Every connected FreeCAD; () when there is none: the hub keeps the version for catch-up."""
        return tuple(p["id"] for p in self.receivers() if p.get("app") == "FreeCAD")

    def _where(self, targets):
        labels = {p["id"]: peer_label(p) for p in self.receivers()}
        if not targets:
            return "the hub (no FreeCAD connected; it catches up when one connects)"
        return ", ".join(labels.get(t, t) for t in targets)

    # ---- sending -----------------------------------------------------------------------------------------------

    def send(self, names, target=""):
        """The operator: sends the selected objects (names) with every object sent before. Returns what to tell
        the user; raises SendError when there is nothing to send."""
        if not names:
            raise SendError("Select the objects to send")
        targets = (target,) if target else self.default_targets()
        self.last_targets = targets
        if self._flight is not None:
            self._queued = (tuple(names), targets)
            return "Send queued: the previous one is on its way"
        return self._start(tuple(names), targets, auto=False)

    def _start(self, names, targets, auto):
        t0 = self.clock()
        scan = self.host.scan(self._owners, names)
        self._owners = scan.owners
        if (scan.scene["id"], scan.scale) != self._cache_key:
            self._cache, self._cache_key = {}, (scan.scene["id"], scan.scale)
        present = scan.present
        explicit = [i for i in scan.explicit if i in present]
        if names and not explicit:
            raise SendError("None of the selected objects can be sent (linked from a library?)")
        taken, taken_materials = set(self._dirty), set(self._dirty_materials)
        dirty = set(taken)
        if taken_materials:
            dirty |= set(self.host.material_users(taken_materials))
        dirty = {i for i in dirty if i in present and not present[i].from_link}
        waiting = dirty & scan.editing
        names_now = {i: p.name for i, p in present.items()}
        if (auto and not self._cache and not (dirty - waiting) and names_now == scan.sent
                and scan.scale == scan.sent_scale):
            self._dirty_materials = set()
            return None  # just reopened: what the .blend recorded is what the hub holds; wait for an edit
        fresh = set(explicit) | (dirty - waiting) | (present.keys() - self._cache.keys())
        removed = set(self._cache or scan.sent) - present.keys()
        collected, meshes = self.host.collect(sorted(fresh))
        nodes, families = sendscene.build(present, collected, self._cache)
        # Marks made while this send read (Blender evaluates pending edits when it is read, and the depsgraph
        # handler runs then) stay for the next send, except for the objects just read after that evaluation.
        self._dirty = waiting | (self._dirty - taken - fresh)
        self._dirty_materials -= taken_materials
        touched = len(fresh) + sum(1 for i in families if i not in fresh and families[i].nodes != self._cache[i].nodes)
        if auto and not touched and not removed:
            return None  # a selection or an update from the link: nothing this .blend sends changed
        collect_ms = (self.clock() - t0) * 1000.0
        text = plural(touched, "object") if touched or not removed else "the removal of " + plural(len(removed),
                                                                                                "object")
        self._serial += 1
        job = SendJob(self._serial, scan.scene, tuple(nodes), meshes, tuple(targets))
        self._flight = _Flight(job, families, frozenset(fresh), text, t0, collect_ms)
        self.host.remember(scan.scene, names_now, scan.scale)
        self.link.send(job)
        self.status.scene = scan.scene["id"]
        self.status.collect_ms, self.status.objects = collect_ms, len(fresh)
        self.status.last = "Sending %s (read in %.0f ms)" % (text, collect_ms)
        self.status.error = ""
        self.host.redraw()
        return "Sending %s to %s" % (text, self._where(targets))

    def _next(self):
        if self._queued is not None:
            (names, targets), self._queued = self._queued, None
            try:
                self._start(names, targets, auto=False)
            except SendError as e:
                self._fail(str(e))
        elif self._auto_due:
            self._auto_due = False
            self.auto_send()

    # ---- Auto-send ---------------------------------------------------------------------------------------------

    def changed(self, ids=(), materials=(), structure=False):
        """The depsgraph handler saw objects (send ids) or materials (names) change, or objects come and go.
        Returns True when the caller should start the debounce timer (none is running)."""
        if not (ids or materials or structure):
            return False
        self._dirty.update(ids)
        self._dirty_materials.update(materials)
        self._last_change = self.clock()
        if self._armed:
            return False
        self._armed = True
        return True

    def debounce(self):
        """The debounce timer: the seconds to wait again while edits go on; None once it has sent."""
        left = self._last_change + DEBOUNCE_S - self.clock()
        if left > 0.001:
            return left
        self._armed = False
        self.auto_send()
        if self._armed:
            # Edits marked while the send read the scene: this timer, still running, waits for them (the handler
            # saw it registered and started none).
            return DEBOUNCE_S
        return None

    def forget_changes(self):
        """Auto-send was turned off."""
        self._dirty.clear()
        self._dirty_materials.clear()
        self._armed = False

    def auto_send(self):
        if self._flight is not None:
            self._auto_due = True
            return
        connected = {p["id"] for p in self.receivers()}
        if not (self.last_targets and all(t in connected for t in self.last_targets)):
            self.last_targets = self.default_targets()
        try:
            self._start((), self.last_targets, auto=True)
        except SendError as e:
            self._fail(str(e))

    # ---- answers -----------------------------------------------------------------------------------------------

    def tick(self):
        """Handles what the send worker and the session queued; returns True when there was any."""
        messages = self.link.drain_sends()
        for m in messages:
            if isinstance(m, SendDone):
                self._done(m)
            elif isinstance(m, SendFailed):
                self._failed(m)
            elif isinstance(m, AckReceived):
                self._ack(m)
        if messages:
            self.host.redraw()
        return bool(messages)

    def _done(self, m):
        f = self._flight
        if f is None or f.job.serial != m.serial:
            return  # another .blend was loaded meanwhile
        self._flight = None
        self._cache = sendscene.resolve(f.families, m.hashes)
        name = f.job.scene.get("name")
        if m.targets:
            self._awaiting[(m.scene, m.version)] = _Awaiting(name, f.text, f.started, set(m.targets))
            while len(self._awaiting) > 20:
                self._awaiting.popitem(last=False)
            self.status.last = "%s v%d: sent %s to %s, waiting for %s" % (
                name, m.version, f.text, plural(len(m.targets), "receiver"),
                "its answer" if len(m.targets) == 1 else "their answers")
            early, self._early = self._early, []
            for a in early:
                self._ack(a)
        else:
            self.status.last = "Sent %s as %s v%d: no receiver connected, the hub keeps it" % (f.text, name,
                                                                                              m.version)
            self.host.report(self.status.last, "INFO")
        self._next()

    def _failed(self, m):
        f = self._flight
        if f is None or f.job.serial != m.serial:
            return
        self._flight = None
        self._dirty |= f.fresh  # Auto-send tries them again with the next change
        self._fail("Could not send %s: %s" % (f.text, m.reason))
        self._next()

    def _ack(self, m):
        a = self._awaiting.get((m.scene, m.version))
        if a is None:
            self._early = (self._early + [m])[-EARLY_ACKS:]
            return
        a.pending.discard(m.peer)
        if not a.pending:
            del self._awaiting[(m.scene, m.version)]
        who = peer_label({"app": m.app, "appVersion": m.app_version, "document": m.document})
        if m.ok:
            self.status.last = "Sent %s to %s: applied in %.0f ms" % (a.text, who,
                                                                      (self.clock() - a.started) * 1000.0)
            self.status.error = ""
            if m.reason:  # applied, less what the receiver names (FreeCAD: objects whose mesh it could not make)
                self.status.last += "; " + m.reason
            self.host.report(self.status.last, "WARNING" if m.reason else "INFO")
        else:
            self._fail("%s could not apply %s: %s" % (who, a.name, m.reason or "no reason given"))

    def _fail(self, message):
        self.status.error = message
        self.host.report(message, "ERROR")

    def file_loaded(self):
        """Another .blend: nothing sent from the previous one carries over."""
        self._cache, self._cache_key, self._owners = {}, None, {}
        self._flight = self._queued = None
        self._auto_due = False
        self._awaiting.clear()
        self._early = []
        self.forget_changes()
        self.status = SendStatus()
