"""The Mod's decisions, in plain Python: which Blender a send goes to, which meshes come from the cache, what the
Report view says about a result, when auto-sync sends, and whether FreeCAD receives from Blender (receive/receiver.py
decides the rest of receiving). GUI thread only; FreeCAD is reached through fc, the documents through a source
object, the network through a link, Qt through a small ui object (gui.py gives the real ones; the unit tests give
fakes)."""
import collections
import time

from . import fc, messages
from .net.sender import SendJob
from .receive.receiver import Receiver
from .scene.cache import MeshCache
from .scene.model import ExportError, MeshError, build_scene, safe_id, with_geometry


TURN_S = 0.04  # the longest an export holds FreeCAD's GUI thread before it lets the event loop take a turn


def _run_all(steps):
    """Runs a generator to its end; its return value."""
    try:
        while True:
            next(steps)
    except StopIteration as e:
        return e.value


class Controller:
    """One per FreeCAD session. Collaborators:

    documents    active(), is_open(doc), deviation(), collect(doc) -> (items, mesh sources), mesh(source, deviation)
                 (raises MeshError for an object that cannot be meshed: it is left out and named in one line);
                 its tracker (scene/incremental.py), when it has one, is told what the observers see
    make_sender  make_sender(document label, receive) -> the started link (net/link.py): submit(job), blenders(),
                 hub_state(), set_receiving(on), fetch(request), ack(request), close()
    ui           restart_debounce(), stop_debounce(), show_autosync(on), show_receive(on): the Qt timer and the
                 menu's check marks; later(fn): fn in a later turn of the event loop (without it, an export is
                 done all at once)
    host, record what receiving needs of FreeCAD (receive/apply.py) and its record (receive/record.py); without
                 them this FreeCAD does not receive
    """

    def __init__(self, documents, make_sender, ui, clock=time.perf_counter, host=None, record=None):
        self.documents = documents
        self.ui = ui
        self.receiver = Receiver(self.sender, host, record, self._say, clock)
        self.receiver.enabled = host is not None and fc.params().GetBool("Receive", True)
        self.cache = MeshCache()
        self.tracker = getattr(documents, "tracker", None)
        self.observer = DocumentObserver(self)
        self._nodes = {}  # document Name -> the node dicts of its last scene (model.build_scene's reuse)
        self._exports = []  # (document, steps) of the exports under way (with an event loop), the running one first
        self._made = False  # a mesh was made, not taken from the cache: a place for the GUI to take a turn
        self._deleted = set()  # ids of the objects deleted while exports are under way
        self.autosync = False
        self.last_target = None
        self.history = collections.deque(maxlen=10)  # Report-view lines, for the status dialog
        self.results = collections.deque(maxlen=20)  # SendResult, newest last
        self.in_flight = 0  # jobs submitted whose result has not come back
        self._make_sender = make_sender
        self._sender = None
        self._clock = clock
        self._pending_doc = None  # auto-sync: the document recomputed since the last send
        self._recomputed_at = None  # and when its first recompute since then was

    # ---- sending -------------------------------------------------------------------------------------------------

    def sender(self):
        """The link, made at start-up while FreeCAD receives, else on first use: it connects when a hub runs, and
        starts none until the first send."""
        if self._sender is None:
            doc = self.documents.active()
            self._sender = self._make_sender(doc.Label if doc is not None else "", self.receiver.enabled)
        return self._sender

    def watch(self, observed):
        """The document observer is installed (gui.py): from now on a send collects only what it saw change.
        Without it, every send collects everything."""
        if self.tracker is not None:
            self.tracker.watching = bool(observed)

    def start(self):
        """FreeCAD's start-up: with Receive from Blender on, connect now, so that what Blender sends arrives."""
        if self.receiver.enabled:
            self.sender()

    def start_hub(self):
        """Once FreeCAD is up (gui.py runs it from the event loop): starts the hub if none runs, on the link's own
        thread, as its own process. A hub started by the first Export spent that send cold (200-330 ms of hub time
        for the 410-part document); one started here has warmed itself up (a few seconds) by the first click. Off
        with the preference StartHub = false: then the first send starts it."""
        if fc.params().GetBool("StartHub", True):
            self.sender().start_hub()

    def export(self, doc=None, targets=None, quiet_if_nothing=False, recomputed_at=None):
        """Collects and meshes the document here and queues the send. targets None: the default Blender (see
        default_targets).

        With an event loop (ui.later), the work is split into turns of at most TURN_S, so that FreeCAD's window
        keeps answering during a large first send; an export asked for meanwhile starts when this one is queued.
        Returns None then; without one (the unit tests) everything is done now and the SendJob is returned (None
        when there is nothing to send)."""
        started = self._clock()
        doc = doc or self.documents.active()
        if doc is None:
            self._say("No active document to export. Open or create a document first.", error=True)
            return None
        steps = self._prepare(doc, targets, quiet_if_nothing, recomputed_at, started)
        later = getattr(self.ui, "later", None)
        if later is None:
            return _run_all(steps)
        self._exports.append((doc, steps))
        if len(self._exports) == 1:
            self._turn()
        return None

    def _turn(self):
        """One event-loop turn of the export under way: steps until TURN_S has passed, then the rest later."""
        doc, steps = self._exports[0]
        until = self._clock() + TURN_S
        done = True  # also when the export raised: the next one must not wait behind it
        try:
            # A document closed between two turns has nothing left to send.
            while self.documents.is_open(doc):
                next(steps)
                if self._clock() >= until:
                    done = False
                    self.ui.later(self._turn)
                    return
        except StopIteration:
            pass
        finally:
            if done:
                self._exports.pop(0)
                if self._exports:
                    self.ui.later(self._turn)
                else:
                    self._deleted.clear()

    def _prepare(self, doc, targets, quiet_if_nothing, recomputed_at, started):
        """export's work as a generator: it yields where the GUI may take a turn, and returns the SendJob."""
        sender = self.sender()
        try:
            collect_steps = getattr(self.documents, "collect_steps", None)
            if collect_steps is not None:
                items, sources = yield from collect_steps(doc)
            else:
                items, sources = self.documents.collect(doc)
            meshes, failures, gone = yield from self._meshes(doc, sources)
        except ExportError as e:
            self._say(str(e), error=True)
            return None
        if failures:
            self._say(messages.skipped(failures), warning=True)
        items = with_geometry(items, unmeshed={f[1] for f in failures} | gone)
        if not items:
            if not quiet_if_nothing:
                self._say("Nothing to send: %s has no visible objects with a shape." % doc.Label, error=True)
            return None
        scene = build_scene(safe_id(doc.Name), doc.Label, ("FreeCAD " + fc.app_version()).strip(), items, meshes,
                            self._nodes.setdefault(doc.Name, {}))
        targets = self.default_targets() if targets is None else tuple(targets)
        job = SendJob(scene, tuple(meshes.values()), targets, started,
                      (self._clock() - started) * 1000.0, recomputed_at)
        self.in_flight += 1
        sender.submit(job)
        return job

    def _meshes(self, doc, sources):
        """({source name: Mesh}, [(label, name, reason)], {source names deleted}): an object that cannot be meshed
        is left out, and the others are still meshed (from the cache where they can be). A generator: it yields
        after each mesh made; an object deleted in a turn taken meanwhile is left out (the next send collects
        anew what showed it)."""
        deviation = self.documents.deviation()
        meshes, failures, gone = {}, [], set()
        for s in sources:
            if id(s.obj) in self._deleted:
                gone.add(s.name)
                continue
            try:
                meshes[s.name] = self.cache.mesh(doc.Name, s, deviation, self._make_mesh)
            except MeshError as e:
                failures.append((s.label or s.name, s.name, str(e)))
            if self._made:
                self._made = False
                yield
        return meshes, failures, gone

    def _make_mesh(self, source, deviation):
        self._made = True
        return self.documents.mesh(source, deviation)

    def export_to(self, peer_id):
        """Export to ▸ one Blender; later plain exports go to it while it stays connected."""
        self.last_target = peer_id
        return self.export(targets=[peer_id])

    def default_targets(self):
        """The last Blender chosen while it is connected, else the only one; with several and none chosen, ()
        lets the hub send to every receiver."""
        ids = [b["id"] for b in self.sender().blenders()]
        if self.last_target in ids:
            return (self.last_target,)
        return tuple(ids) if len(ids) == 1 else ()

    def targets(self):
        """(peer id, menu label) per connected Blender, from the list the event stream keeps: never waits."""
        return [(b["id"], "%s %s — %s (pid %s)" % (b["app"], b["appVersion"], b["document"] or "untitled",
                                                   b["pid"]))
                for b in self.sender().blenders()]

    def on_result(self, result):
        """A SendResult, on the GUI thread (gui.py carries it over from the send thread)."""
        self.in_flight -= 1
        self.results.append(result)
        for text, error in messages.describe(result):
            self._say(text, error)

    # ---- receiving ----------------------------------------------------------------------------------------------

    def set_receive(self, on):
        """Receive from Blender: kept in the preferences; the link registers again as "both" or "sender"."""
        on = bool(on) and self.receiver.host is not None
        if on == self.receiver.enabled:
            return
        self.receiver.set_enabled(on)
        fc.params().SetBool("Receive", on)
        self.ui.show_receive(on)
        if self._sender is not None:
            self._sender.set_receiving(on)
        elif on:
            self.sender()
        self._say("Receive from Blender on: what Blender sends to FreeCAD arrives in the active document."
                  if on else "Receive from Blender off.")

    def on_received(self, message):
        """A receive message from the link's threads, on the GUI thread (gui.py carries it)."""
        self.receiver.handle(message)

    # ---- auto-sync -----------------------------------------------------------------------------------------------

    def set_autosync(self, on):
        on = bool(on)
        if on == self.autosync:
            return
        self.autosync = on
        self.ui.show_autosync(on)  # the menu shows it when toggled from a macro
        if on:
            self._say("Auto-sync on: every recompute is sent to Blender.")
        else:
            self._pending_doc = self._recomputed_at = None
            self.ui.stop_debounce()
            self._say("Auto-sync off.")

    @property
    def autosync_pending(self):
        """A recompute is waiting for the debounce to end."""
        return self._pending_doc is not None

    def recomputed(self, doc):
        """With auto-sync on, a recompute (re)starts the debounce: a burst of recomputes sends once, after the
        last. Off, it does nothing."""
        if not self.autosync:
            return
        if self._pending_doc is None:
            self._recomputed_at = self._clock()
        self._pending_doc = doc
        self.ui.restart_debounce()

    def autosync_due(self):
        """The debounce ended: send the recomputed document, if it is still open."""
        doc, at = self._pending_doc, self._recomputed_at
        self._pending_doc = self._recomputed_at = None
        if doc is not None and self.autosync and self.documents.is_open(doc):
            self.export(doc, quiet_if_nothing=True, recomputed_at=at)

    # ---- status --------------------------------------------------------------------------------------------------

    def status_text(self):
        s = self._sender
        lines = ["Hub: " + (s.hub_state() if s is not None else "not connected")]
        space = s.space_state() if s is not None else ""
        if space:
            lines.append(space)
        blenders = s.blenders() if s is not None else []
        lines.append("Blenders: %d" % len(blenders))
        lines += ["  %s %s — %s (pid %s) [%s]" % (b["app"], b["appVersion"], b["document"], b["pid"], b["id"])
                  for b in blenders]
        lines.append("Auto-sync: " + ("on" if self.autosync else "off"))
        lines.append("Last sends:")
        lines += ["  " + h for h in self.history] or ["  none yet"]
        if self.receiver.host is not None:
            lines += self.receiver.status_lines()
        return "\n".join(lines)

    def close(self):
        if self._sender is not None:
            self._sender.close()

    def _say(self, text, error=False, warning=False):
        fc.report(text, error, warning)
        self.history.append(text)


class DocumentObserver:
    """FreeCAD's document events (FreeCAD calls these names): a changed shape drops its cached mesh; a changed,
    created or deleted object is redone at the next send (the tracker), and what the tracker cannot follow (undo,
    redo, an aborted transaction, a document restored, made or closed) makes that send collect everything; a
    recompute feeds auto-sync; an opened, saved or closed document tells the receiver which scenes it holds where."""

    def __init__(self, controller):
        self.controller = controller
        self.tracker = controller.tracker

    def slotChangedObject(self, obj, prop):
        if prop in ("Shape", "Mesh") and obj.Document is not None:
            self.controller.cache.invalidate(obj.Document.Name, obj.Name)
        if self.tracker is not None:
            self.tracker.changed(obj, prop)

    def slotCreatedObject(self, obj):
        if self.tracker is not None:
            self.tracker.created(obj)

    def slotDeletedObject(self, obj):
        if obj.Document is not None:
            self.controller.cache.invalidate(obj.Document.Name, obj.Name)
        if self.controller._exports:
            self.controller._deleted.add(id(obj))  # held by the export's sources: the id is not reused meanwhile
        if self.tracker is not None:
            self.tracker.deleted(obj)

    def _forget(self, doc):
        if self.tracker is not None:
            self.tracker.forget(doc.Name)

    slotUndoDocument = slotRedoDocument = slotAbortTransaction = _forget
    slotStartRestoreDocument = slotFinishRestoreDocument = _forget

    def slotCreatedDocument(self, doc):
        self.controller.cache.invalidate(doc.Name)
        self._forget(doc)

    def slotDeletedDocument(self, doc):
        self.controller.cache.invalidate(doc.Name)
        self._forget(doc)
        self.controller._nodes.pop(doc.Name, None)
        if self.controller.receiver.host is not None:
            self.controller.receiver.document_saved(doc, doc.FileName)

    def slotActivateDocument(self, doc):
        # Also when a saved document has been opened (its objects are there by then; FreeCAD 1.1 sends Python
        # observers no restore signal).
        if self.controller.receiver.host is not None:
            self.controller.receiver.document_activated(doc)

    def slotFinishSaveDocument(self, doc, filename):
        if self.controller.receiver.host is not None:
            self.controller.receiver.document_saved(doc, filename)

    def slotRecomputedDocument(self, doc):
        self.controller.recomputed(doc)

