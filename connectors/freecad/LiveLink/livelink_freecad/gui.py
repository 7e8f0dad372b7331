"""The Qt side of the Mod: the Blender menu, its actions, the signal that brings send results to the GUI thread,
the debounce timer and the status dialog. Decisions are the Controller's; this file only wires."""
from PySide import QtCore, QtGui

from . import commands, fc
from .controller import Controller
from .net.sender import Sender
from .scene.document import FreeCADDocuments

DEBOUNCE_MS = 300
_installed = []  # the one Controller, for tests and macros: current_controller()


class Bridge(QtCore.QObject):
    """Carries results from the send thread to the GUI thread (queued signal delivery)."""
    result = QtCore.Signal(object)


class QtUi:
    """What the Controller drives in Qt: a single-shot timer (restarting it is the debounce) and the Auto-sync
    menu entry's check mark."""

    def __init__(self):
        self.timer = QtCore.QTimer()
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)

    def restart_debounce(self):
        self.timer.start()

    def stop_debounce(self):
        self.timer.stop()

    def show_autosync(self, on):
        mw = fc.main_window()
        action = mw.findChild(QtGui.QAction, "LiveLink_AutoSync") if mw is not None else None
        if action is not None and action.isChecked() != on:
            action.blockSignals(True)  # the action's toggled signal would call set_autosync again
            action.setChecked(on)
            action.blockSignals(False)


def install():
    """Called once by InitGui.py: registers the commands and adds the Blender menu to every workbench."""
    bridge = Bridge()  # make_sender below holds it, and the Controller holds make_sender: it lives as long
    ui = QtUi()
    launcher = fc.params().GetString("Launcher", "")

    def make_sender(document):
        return Sender(fc.app_version(), document, on_result=bridge.result.emit, launcher=launcher).start()

    controller = Controller(FreeCADDocuments(), make_sender, ui)
    bridge.result.connect(controller.on_result)
    ui.timer.timeout.connect(controller.autosync_due)
    fc.add_document_observer(controller.observer)
    commands.register(controller, lambda: QtGui.QMessageBox.information(fc.main_window(), "Live Link",
                                                                        controller.status_text()))
    mw = fc.main_window()
    # FreeCAD rebuilds the menu bar when a workbench activates; the menu is added back each time.
    mw.workbenchActivated.connect(lambda _name: _build_menu(controller))
    _build_menu(controller)
    mw.destroyed.connect(lambda *_: controller.close())
    _installed.append(controller)
    return controller


def current_controller():
    return _installed[-1] if _installed else None


def _build_menu(controller):
    bar = fc.main_window().menuBar()
    existing = next((a for a in bar.actions() if a.objectName() == "LiveLinkBlenderMenu"), None)
    if existing is not None:
        bar.removeAction(existing)
        _insert_before_help(bar, existing.menu())
        return
    menu = QtGui.QMenu("&Blender", fc.main_window())
    menu.menuAction().setObjectName("LiveLinkBlenderMenu")
    export = menu.addAction("Export to Blender")
    export.setObjectName("LiveLink_ExportToBlender")
    export.triggered.connect(lambda: fc.run_command("LiveLink_ExportToBlender"))
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
    status.triggered.connect(lambda: fc.run_command("LiveLink_Status"))
    _insert_before_help(bar, menu)


def _insert_before_help(bar, menu):
    """Application menus go before Help (FreeCAD rebuilds the bar on each workbench switch)."""
    help_action = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
    if help_action is not None:
        bar.insertMenu(help_action, menu)
    else:
        bar.addMenu(menu)


def _fill_targets(sub, controller):
    sub.clear()
    targets = controller.targets()
    if not targets:
        sub.addAction("No Blender connected").setEnabled(False)
        return
    for peer_id, label in targets:
        a = sub.addAction(label)
        a.setObjectName("LiveLink_ExportTo_" + peer_id)
        a.triggered.connect(lambda checked=False, pid=peer_id: controller.export_to(pid))
