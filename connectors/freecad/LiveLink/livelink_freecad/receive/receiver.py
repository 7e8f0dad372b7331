"""Receiving on FreeCAD's GUI thread: which announced versions to fetch (one fetch per scene in flight; what is
announced meanwhile only raises the version wanted), which document they go into, the ack with timings, and what
the status dialog shows. No FreeCAD here: the host is apply.FreeCADReceiveHost (the unit tests give a fake), the
link the network side (fetch(FetchRequest), ack(AckRequest)).

Which document: the open one that holds the scene; else, for a scene this FreeCAD never applied (or whose document
was never saved, or whose App::Part the user deleted), the active document or a new one. A scene applied before into
a saved document that is not open waits for that document: opening it brings it up to date. The record (record.py) keeps what was applied across
sessions, so a FreeCAD started again applies no version twice."""
import collections
import os
import time
from dataclasses import dataclass

from .apply import ApplyError
from .messages import (AckFailed, AckRequest, CatchUp, DeltaFetched, FetchFailed, FetchRequest, NotAccepted,
                       VersionAnnounced)


@dataclass(frozen=True)
class Received:
    """One version applied, for the status dialog."""
    name: str
    version: int
    source: str
    objects: int
    skipped: int
    fetch_ms: float
    build_ms: float
    document: str

    def text(self):
        return "%s v%d from %s into %s: %d object%s%s (fetch %.0f ms, build %.0f ms)" % (
            self.name, self.version, self.source or "?", self.document, self.objects, "" if self.objects == 1 else "s",
            ", %d skipped" % self.skipped if self.skipped else "", self.fetch_ms, self.build_ms)


class Receiver:
    """link: a callable giving the network side; host: FreeCAD's side; record: record.Record; say(text, error,
    warning): the Report view."""

    def __init__(self, link, host, record, say, clock=time.perf_counter):
        self.link = link
        self.host = host
        self.record = record
        self.say = say
        self.clock = clock
        self.enabled = True
        self.history = collections.deque(maxlen=10)  # Received, newest last
        self.latest = {}  # scene id -> the newest version the hub announced
        self._wanted = {}  # scene id -> the newest version announced while its fetch is in flight
        self._waiting = {}  # scene id -> (file, version) it waits for, once said

    def handle(self, m):
        if isinstance(m, CatchUp):
            for scene, version in m.scenes:
                self.latest[scene] = max(self.latest.get(scene, 0), version)
            problem = self.record.problem()
            if problem:
                self.say(problem, warning=True)
            # Only scenes an open document holds: a scene this FreeCAD never had comes as a version announced to it.
            for scene, version in m.scenes:
                if self.host.holder(scene) is not None:
                    self.want(scene, version)
        elif isinstance(m, VersionAnnounced):
            self.latest[m.scene] = max(self.latest.get(m.scene, 0), m.version)
            self.want(m.scene, m.version, new=True)
        elif isinstance(m, DeltaFetched):
            self._apply(m)
        elif isinstance(m, NotAccepted):
            self._wanted.pop(m.scene, None)
            self.link().ack(AckRequest(m.scene, m.version, m.peer, False,
                                       "FreeCAD receives from Blender only; this version comes from %s" % m.source))
        elif isinstance(m, FetchFailed):
            self._wanted.pop(m.scene, None)
            if m.report:
                self.say("could not fetch %s v%d from the hub: %s" % (m.scene, m.version, m.reason), error=True)
        elif isinstance(m, AckFailed):
            self.say("could not answer Blender: " + m.reason, warning=True)

    def want(self, scene, version, new=False):
        """Fetches the version unless the document that holds the scene has it, a fetch is on its way, or it waits
        for its document. new: a scene no open document holds may be applied (an announcement, not a catch-up)."""
        if not self.enabled:
            return
        if scene in self._wanted:
            self._wanted[scene] = max(self._wanted[scene], version)
            return
        holder = self.host.holder(scene)
        if holder is not None:
            if version > holder.version:
                self._fetch(scene, holder.version, version, self.host.held(holder))
            return
        entry = self.record.get(scene)
        if entry is not None and entry.version >= version:
            return  # applied already, into a document that is not open now
        if entry is not None and entry.file and os.path.exists(entry.file) and not self.host.is_open(entry.file):
            if self._waiting.get(scene) != (entry.file, version):
                self._waiting[scene] = (entry.file, version)
                self.say("%s v%d from Blender waits for %s, which holds that scene: it is brought up to date when you "
                         "open it." % (scene, version, entry.file))
            return
        if new:
            self._fetch(scene, 0, version, {})

    def _fetch(self, scene, since, version, held):
        self._wanted[scene] = version
        self.link().fetch(FetchRequest(scene, since, version, held))

    def _apply(self, m):
        pickup_ms = (self.clock() - m.posted_at) * 1000.0
        delta = m.delta
        scene, version = delta["scene"]["id"], int(delta["to"])
        wanted = max(self._wanted.pop(scene, version), version)
        if not self.enabled:
            return  # Receive from Blender was turned off meanwhile
        holder = self.host.holder(scene)
        base = holder.version if holder is not None else 0
        if not delta.get("full") and int(delta["from"]) != base:
            # The document does not hold the version this delta starts from (it was closed, an undo went back, a
            # version came in between): fetch again from what it holds.
            self.want(scene, wanted, new=True)
            return
        if holder is not None and version <= base:
            return
        name = delta["scene"].get("name") or scene
        source = delta["scene"].get("source") or ""
        t0 = self.clock()
        fetch_ms = m.fetch_ms + m.decode_ms
        try:
            applied = self.host.apply(delta, m.meshes, holder)
        except Exception as e:  # noqa: BLE001 - whatever failed, the sender and the user are told
            reason = str(e) if isinstance(e, ApplyError) else "%s: %s" % (type(e).__name__, e)
            self.say("could not apply %s v%d from %s: %s" % (name, version, source or "Blender", reason), error=True)
            self.link().ack(AckRequest(scene, version, m.peer, False, reason, {"fetch_ms": round(fetch_ms, 2)}))
            return
        build_ms = (self.clock() - t0) * 1000.0
        doc = applied.doc
        self.record.put(scene, version, getattr(doc, "FileName", ""), doc.Name)
        self._waiting.pop(scene, None)
        reason = ""
        if applied.skipped:
            reason = "skipped %d object%s whose mesh could not be made: %s" % (
                len(applied.skipped), "" if len(applied.skipped) == 1 else "s",
                "; ".join("%s (%s): %s" % s for s in applied.skipped))
            self.say("%s v%d: %s" % (name, version, reason), warning=True)
        timings = {"fetch_ms": round(m.fetch_ms, 2), "decode_ms": round(m.decode_ms, 2),
                   "pickup_ms": round(pickup_ms, 2), "build_ms": round(build_ms, 2),
                   "total_ms": round(fetch_ms + pickup_ms + build_ms, 2), "objects": applied.touched}
        ok = applied.touched > 0 or not applied.skipped
        self.link().ack(AckRequest(scene, version, m.peer, ok, reason, timings))
        r = Received(name, version, source, applied.touched, len(applied.skipped), fetch_ms, build_ms, doc.Label)
        self.history.append(r)
        self.say("Received " + r.text())
        if wanted > version:
            self.want(scene, wanted, new=True)

    # ---- documents (the Controller's observer calls these) ------------------------------------------------------

    def document_activated(self, doc):
        """An opened (or re-activated) document: its scenes catch up with what the hub announced."""
        self.host.refresh_colors(doc)
        for scene, version in self.host.scenes_in(doc):
            newest = self.latest.get(scene, 0)
            if newest > version:
                self.want(scene, newest)

    def document_saved(self, doc, file):
        self.record.saved(doc.Name, file, [s for s, _ in self.host.scenes_in(doc)])

    def set_enabled(self, on):
        self.enabled = bool(on)
        if not self.enabled:
            self._wanted.clear()
            self._waiting.clear()

    def status_lines(self):
        lines = ["Receive from Blender: " + ("on" if self.enabled else "off"), "Last received:"]
        return lines + (["  " + r.text() for r in self.history] or ["  none yet"])
