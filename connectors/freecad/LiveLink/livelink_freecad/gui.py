"""The Qt side of the Mod: the Blender menu in every workbench, its actions, the signals that bring send results and
received versions to the GUI thread, the debounce timer, the status dialog and the Live Link workbench. Decisions
are the Controller's; this file only wires. Inside FreeCAD's GUI only."""
from . import commands, fc, qt
from .controller import Controller
from .net.link import Link
from .receive.apply import FreeCADReceiveHost
from .receive.record import Record
from .scene.document import FreeCADDocuments

QtCore, Qt = qt.load()

DEBOUNCE_MS = 300
MENU = "&Blender"  # the menu's title and object name (FreeCAD names the menus it builds by their title)
_installed = []  # the one Controller, for tests and macros: current_controller()


class Bridge(QtCore.QObject):
    """Carries send results and receive messages from the link's threads to the GUI thread (queued delivery)."""
    result = QtCore.Signal(object)
    received = QtCore.Signal(object)


class QtUi:
    """What the Controller drives in Qt: a single-shot timer (restarting it is the debounce) and the Auto-sync
    menu entry's check mark."""

    def __init__(self, menus):
        self.menus = menus
        self.timer = QtCore.QTimer()
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)

    def restart_debounce(self):
        self.timer.start()

    def stop_debounce(self):
        self.timer.stop()

    def later(self, fn):
        """fn in a later turn of the event loop, after the events waiting now (a click, a redraw)."""
        QtCore.QTimer.singleShot(0, fn)

    def show_autosync(self, on):
        self.menus.show_check("LiveLink_AutoSync", on)

    def show_receive(self, on):
        self.menus.show_check("LiveLink_Receive", on)


class BlenderMenu:
    """The Blender menu of the menu bar FreeCAD shows now. FreeCAD builds the menu bar again on every workbench
    switch: 1.0+ keeps the menu there through MenuManipulator and makes a new, empty QMenu for it each time, which
    fill_built fills; 0.20 drops it, and readd puts it back.

    PySide invalidates the QMenu it returns from QAction.menu() as soon as that QAction's Python wrapper is gone
    (measured in 0.20 and 1.0), so each method keeps the menu bar's action while it uses the menu, and _live keeps
    the wrappers of the menu shown now for its signals."""

    def __init__(self, controller):
        self.controller = controller
        self._live = ()

    def _menu_action(self):
        mw = fc.main_window()
        return next((a for a in mw.menuBar().actions() if a.objectName() == MENU), None) if mw is not None else None

    def show_check(self, name, on):
        holder = self._menu_action()
        action = holder.menu().findChild(Qt.QAction, name) if holder is not None else None
        if action is not None and action.isChecked() != on:
            action.blockSignals(True)  # the action's toggled signal would call the Controller again
            action.setChecked(on)
            action.blockSignals(False)

    def fill_built(self):
        holder = self._menu_action()
        menu = holder.menu() if holder is not None else None
        if menu is not None and not menu.actions():
            self._fill(holder, menu)

    def readd(self):
        mw = fc.main_window()
        bar = mw.menuBar()
        holder = self._menu_action()
        if holder is not None:
            menu = holder.menu()
            bar.removeAction(holder)
        else:
            menu = Qt.QMenu(MENU, mw)
            menu.setObjectName(MENU)
            menu.menuAction().setObjectName(MENU)
            self._fill(menu.menuAction(), menu)
        help_action = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
        if help_action is not None:
            bar.insertMenu(help_action, menu)  # application menus go before Help
        else:
            bar.addMenu(menu)

    def _fill(self, holder, menu):
        controller = self.controller
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
        receive = menu.addAction("Receive from Blender")
        receive.setObjectName("LiveLink_Receive")
        receive.setCheckable(True)
        receive.setChecked(controller.receiver.enabled)
        receive.toggled.connect(controller.set_receive)
        menu.addSeparator()
        status = menu.addAction("Live Link status…")
        status.setObjectName("LiveLink_Status")
        status.triggered.connect(lambda: fc.run_command("LiveLink_Status"))
        self._live = (holder, menu, sub, export, sync, receive, status)


class MenuManipulator:
    """FreeCAD 1.0+ (Gui.addWorkbenchManipulator) asks this for changes each time it builds a workbench's menu bar:
    an empty Blender menu before Help. Its entries are Qt actions rather than FreeCAD commands (the Export to list
    changes as Blenders come and go), so BlenderMenu fills the QMenu FreeCAD makes once the build is over: on
    workbenchActivated after a switch, and by a zero-delay timer after a rebuild without one (reloadActive)."""

    def __init__(self, menus):
        self.menus = menus

    def modifyMenuBar(self):
        QtCore.QTimer.singleShot(0, self.menus.fill_built)
        return [{"insert": MENU, "menuItem": "&Help"}]


def _workbench():
    class LiveLinkWorkbench(fc.Gui.Workbench):
        """The workbench package.xml names: a toolbar with the Live Link commands. The Blender menu is in every
        workbench, this one included."""
        MenuText = "Live Link"
        ToolTip = "Send the active document to Blender through the livelink hub"
        Icon = commands.ICON

        def Initialize(self):
            self.appendToolbar("Live Link", list(commands.NAMES))

        def GetClassName(self):
            return "Gui::PythonWorkbench"

    return LiveLinkWorkbench()


def install():
    """Called once by InitGui.py: registers the commands and the workbench, and puts the Blender menu in every
    workbench."""
    bridge = Bridge()  # make_sender below holds it, and the Controller holds make_sender: it lives as long
    launcher = fc.params().GetString("Launcher", "")

    def make_link(document, receive):
        return Link(fc.app_version(), document, on_result=bridge.result.emit, on_receive=bridge.received.emit,
                    receive=receive, launcher=launcher).start()

    menus = BlenderMenu(None)
    ui = QtUi(menus)
    controller = Controller(FreeCADDocuments(), make_link, ui, host=FreeCADReceiveHost(), record=Record())
    menus.controller = controller
    bridge.result.connect(controller.on_result)
    bridge.received.connect(controller.on_received)
    ui.timer.timeout.connect(controller.autosync_due)
    fc.add_document_observer(controller.observer)
    controller.watch(fc.App is not None)
    commands.register(controller, lambda: Qt.QMessageBox.information(fc.main_window(), "Live Link",
                                                                      controller.status_text()))
    fc.Gui.addWorkbench(_workbench())
    mw = fc.main_window()
    if fc.add_workbench_manipulator(MenuManipulator(menus)):
        # The switch is over when workbenchActivated comes: the menu is filled before a macro's next line runs.
        mw.workbenchActivated.connect(lambda _name: menus.fill_built())
    else:
        mw.workbenchActivated.connect(lambda _name: menus.readd())
        menus.readd()
    mw.destroyed.connect(lambda *_: controller.close())
    _installed.append(controller)
    controller.start()
    # Not during FreeCAD's start-up: the timer fires once its event loop runs, and the hub starts off this thread.
    ui.later(controller.start_hub)
    return controller


def current_controller():
    return _installed[-1] if _installed else None


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
