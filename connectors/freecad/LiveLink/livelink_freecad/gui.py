"""The Blender menu in FreeCAD: commands, the menu itself, auto-sync and the status dialog. GUI thread only."""
import collections
import time

import FreeCAD as App
import FreeCADGui as Gui
from PySide import QtCore, QtGui

from . import freecad_doc
from .scene import MeshCache, build_scene, safe_id

MENU_NAME = "&Blender"
DEBOUNCE_MS = 300


class Bridge(QtCore.QObject):
    """Carries results from worker threads to the GUI thread (queued signal delivery)."""
    result = QtCore.Signal(object)


def _say(msg, error=False):
    (App.Console.PrintError if error else App.Console.PrintMessage)("Live Link: " + msg + "\n")
    mw = Gui.getMainWindow()
    if mw is not None:
        mw.statusBar().showMessage("Live Link: " + msg, 15000)


class Controller:
    """Owns the sender, the mesh cache, the chosen target and auto-sync. One per FreeCAD session."""

    def __init__(self):
        self.cache = MeshCache()
        self.sender = None
        self.last_target = None
        self.history = collections.deque(maxlen=10)
        self.bridge = Bridge()
        self.bridge.result.connect(self._on_result)
        self.autosync = False
        self._observer = _DocumentObserver(self)
        App.addDocumentObserver(self._observer)
        self._timer = QtCore.QTimer()
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._autosync_now)
        self._pending_doc = None

    def ensure_sender(self):
        if self.sender is None:
            from .sender import Sender
            doc = App.ActiveDocument
            self.sender = Sender("%s.%s.%s" % tuple(App.Version()[:3]), doc.Label if doc else "",
                                 on_result=self.bridge.result.emit,
                                 launcher=App.ParamGet(freecad_doc.PARAMS).GetString("Launcher", ""))
            self.sender.start()
        return self.sender

    def export(self, doc=None, targets=None, quiet_if_nothing=False):
        started = time.perf_counter()
        doc = doc or App.ActiveDocument
        if doc is None:
            _say("No active document to export. Open or create a document first.", error=True)
            return None
        sender = self.ensure_sender()
        try:
            items, sources = freecad_doc.collect(doc)
            hashes, blobs = {}, {}
            tolerance = freecad_doc.deviation_percent()
            for name, (obj, slots) in sources.items():
                hit = self.cache.get(doc.Name, name, tolerance)
                if hit is None:
                    hit = freecad_doc.mesh_blob(obj, slots)
                    self.cache.put(doc.Name, name, tolerance, *hit)
                hashes[name] = hit[0]
                blobs[hit[0]] = hit[1]
        except freecad_doc.ExportError as e:
            _say(str(e), error=True)
            return None
        if not items:
            if not quiet_if_nothing:
                _say("Nothing to send: %s has no visible objects with a shape." % doc.Label, error=True)
            return None
        scene = build_scene(safe_id(doc.Name), doc.Label, "FreeCAD %s.%s.%s" % tuple(App.Version()[:3]), items,
                            hashes)
        if targets is None:
            targets = self._default_targets(sender)
        prepare_ms = (time.perf_counter() - started) * 1000
        sender.submit(scene, blobs, targets, started, prepare_ms)
        return {"nodes": len(items), "blobs": len(blobs), "prepare_ms": prepare_ms}

    def _default_targets(self, sender):
        ids = [b["id"] for b in sender.blenders()]
        if self.last_target in ids:
            return [self.last_target]
        return ids[:1] if len(ids) == 1 else []

    def export_to(self, peer_id):
        self.last_target = peer_id
        return self.export(targets=[peer_id])

    def _on_result(self, r):
        name = r["scene"].get("name")
        if "error" in r:
            _say("Could not send %s: %s" % (name, r["error"]), error=True)
            self.history.append("%s: %s" % (name, r["error"]))
            return
        if not r.get("targets"):
            msg = ("No Blender is connected to livelink: %s (v%d) is kept on the hub and will appear in Blender "
                   "when one connects with the Live Link add-on." % (name, r["version"]))
            _say(msg, error=True)
            self.history.append(msg)
            return
        for a in r["acks"]:
            app = "%s %s" % (a.get("app", "Blender"), ".".join(a.get("appVersion", "").split(".")[:2]))
            if a["status"] == "ok":
                t = a.get("timings", {})
                msg = ("Sent %d objects to %s (%s): applied in %.0f ms; %d new mesh(es), %.0f KB "
                       "(FreeCAD %.0f ms, hub %.0f ms, Blender fetch %.0f + wait %.0f + build %.0f ms)") % (
                    r["objects"], app, a.get("document", "?"), r["elapsed_ms"], r["uploaded"],
                    r["uploaded_bytes"] / 1024.0, r["prepare_ms"], r["network_ms"], t.get("fetch_ms", 0),
                    t.get("pickup_ms", 0), t.get("build_ms", 0))
                _say(msg)
            else:
                msg = "%s (%s) could not apply %s: %s" % (app, a.get("document", "?"), name, a.get("reason"))
                _say(msg, error=True)
            self.history.append(msg)
        for p in r["pending"]:
            msg = "%s did not answer within %.0f s" % (p, 15)
            _say(msg, error=True)
            self.history.append(msg)

    # ---- auto-sync -------------------------------------------------------------------------------------------

    def set_autosync(self, on):
        if on == self.autosync:
            return
        self.autosync = on
        _check_menu_action("LiveLink_AutoSync", on)  # the menu shows it when toggled from a macro
        if on:
            _say("Auto-sync on: every recompute is sent to Blender.")
        else:
            self._timer.stop()
            _say("Auto-sync off.")

    def recomputed(self, doc):
        if self.autosync:
            self._pending_doc = doc
            self._timer.start()  # restarting the single-shot timer is the debounce

    def _autosync_now(self):
        doc = self._pending_doc
        self._pending_doc = None
        if doc is not None and doc in App.listDocuments().values():
            self.export(doc, quiet_if_nothing=True)

    def status_text(self):
        s = self.sender
        lines = ["Hub: " + ("connected" if s is not None and s.connected() else "not connected")]
        blenders = s.blenders() if s is not None else []
        lines.append("Blenders: %d" % len(blenders))
        lines += ["  %s %s — %s (pid %s) [%s]" % (b["app"], b["appVersion"], b["document"], b["pid"], b["id"])
                  for b in blenders]
        lines.append("Auto-sync: " + ("on" if self.autosync else "off"))
        lines.append("Last sends:")
        lines += ["  " + h for h in self.history] or ["  none yet"]
        return "\n".join(lines)


class _DocumentObserver:
    """FreeCAD's document events: a changed shape drops its cached mesh; a recompute feeds auto-sync."""

    def __init__(self, controller):
        self.controller = controller

    def slotChangedObject(self, obj, prop):
        if prop in ("Shape", "Mesh") and obj.Document is not None:
            self.controller.cache.invalidate(obj.Document.Name, obj.Name)

    def slotDeletedObject(self, obj):
        if obj.Document is not None:
            self.controller.cache.invalidate(obj.Document.Name, obj.Name)

    def slotCreatedDocument(self, doc):
        self.controller.cache.invalidate(doc.Name)

    def slotDeletedDocument(self, doc):
        self.controller.cache.invalidate(doc.Name)

    def slotRecomputedDocument(self, doc):
        self.controller.recomputed(doc)


class ExportCommand:
    def __init__(self, controller):
        self.c = controller

    def GetResources(self):
        return {"MenuText": "Export to Blender",
                "ToolTip": "Send the active document to Blender (the only connected one, or the last chosen)"}

    def Activated(self):
        self.c.export()

    def IsActive(self):
        return True


class AutoSyncCommand:
    def __init__(self, controller):
        self.c = controller

    def GetResources(self):
        return {"MenuText": "Auto-sync", "ToolTip": "Send what changed to Blender after every recompute",
                "Checkable": False}

    def Activated(self, checked=None):
        self.c.set_autosync(not self.c.autosync if checked is None else bool(checked))

    def IsActive(self):
        return True


class StatusCommand:
    def __init__(self, controller):
        self.c = controller

    def GetResources(self):
        return {"MenuText": "Live Link status…", "ToolTip": "Hub state, connected Blenders, last sends"}

    def Activated(self):
        QtGui.QMessageBox.information(Gui.getMainWindow(), "Live Link", self.c.status_text())

    def IsActive(self):
        return True


def _build_menu(controller):
    mw = Gui.getMainWindow()
    bar = mw.menuBar()
    existing = next((a for a in bar.actions() if a.objectName() == "LiveLinkBlenderMenu"), None)
    if existing is not None:
        bar.removeAction(existing)
        _insert_before_help(bar, existing.menu())
        return
    menu = QtGui.QMenu(MENU_NAME, mw)
    menu.menuAction().setObjectName("LiveLinkBlenderMenu")
    export = menu.addAction("Export to Blender")
    export.setObjectName("LiveLink_ExportToBlender")
    export.triggered.connect(lambda: Gui.runCommand("LiveLink_ExportToBlender"))
    sub = menu.addMenu("Export to")
    sub.menuAction().setObjectName("LiveLink_ExportTo")
    sub.aboutToShow.connect(lambda: _fill_targets(sub, controller))
    _fill_targets(sub, controller)
    sync = menu.addAction("Auto-sync")
    sync.setObjectName("LiveLink_AutoSync")
    sync.setCheckable(True)
    sync.setChecked(controller.autosync)
    sync.toggled.connect(controller.set_autosync)
    menu.addSeparator()
    status = menu.addAction("Live Link status…")
    status.setObjectName("LiveLink_Status")
    status.triggered.connect(lambda: Gui.runCommand("LiveLink_Status"))
    _insert_before_help(bar, menu)


def _insert_before_help(bar, menu):
    """Application menus go before Help (FreeCAD rebuilds the bar on each workbench switch)."""
    help_action = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
    if help_action is not None:
        bar.insertMenu(help_action, menu)
    else:
        bar.addMenu(menu)


def _check_menu_action(name, checked):
    mw = Gui.getMainWindow()
    action = mw.findChild(QtGui.QAction, name) if mw is not None else None
    if action is not None and action.isChecked() != checked:
        action.blockSignals(True)
        action.setChecked(checked)
        action.blockSignals(False)


def _fill_targets(sub, controller):
    """One entry per connected Blender, from the list the event stream keeps: opening the menu never waits."""
    sub.clear()
    blenders = controller.ensure_sender().blenders()
    if not blenders:
        a = sub.addAction("No Blender connected")
        a.setEnabled(False)
        return
    for b in blenders:
        label = "%s %s — %s (pid %s)" % (b["app"], b["appVersion"], b["document"] or "untitled", b["pid"])
        a = sub.addAction(label)
        a.setObjectName("LiveLink_ExportTo_" + b["id"])
        a.triggered.connect(lambda checked=False, pid=b["id"]: controller.export_to(pid))


def install():
    """Called once by InitGui.py: registers the commands and adds the Blender menu to every workbench."""
    controller = Controller()
    Gui.addCommand("LiveLink_ExportToBlender", ExportCommand(controller))
    Gui.addCommand("LiveLink_AutoSync", AutoSyncCommand(controller))
    Gui.addCommand("LiveLink_Status", StatusCommand(controller))
    mw = Gui.getMainWindow()
    # FreeCAD rebuilds the menu bar when a workbench activates; the menu is added back each time.
    mw.workbenchActivated.connect(lambda _name: _build_menu(controller))
    _build_menu(controller)
    mw.destroyed.connect(lambda *_: controller.sender and controller.sender.close())
    return controller
