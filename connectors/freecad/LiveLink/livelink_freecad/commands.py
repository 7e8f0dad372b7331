"""FreeCAD commands (GetResources / Activated / IsActive), registered once: what the Blender menu's entries and
Gui.runCommand("LiveLink_...") and the Live Link toolbar run. They only call the Controller."""
import os

from . import fc

NAMES = ("LiveLink_ExportToBlender", "LiveLink_AutoSync", "LiveLink_Receive", "LiveLink_Status")
ICON = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Resources", "icons", "LiveLink.svg")


class ExportCommand:
    def __init__(self, controller):
        self.controller = controller

    def GetResources(self):
        return {"MenuText": "Export to Blender", "Pixmap": ICON,
                "ToolTip": "Send the active document to Blender (the only connected one, or the last chosen)"}

    def Activated(self):
        self.controller.export()

    def IsActive(self):
        return True


class AutoSyncCommand:
    def __init__(self, controller):
        self.controller = controller

    def GetResources(self):
        return {"MenuText": "Auto-sync", "ToolTip": "Send what changed to Blender after every recompute",
                "Checkable": False}

    def Activated(self, checked=None):
        self.controller.set_autosync(not self.controller.autosync if checked is None else bool(checked))

    def IsActive(self):
        return True


class ReceiveCommand:
    def __init__(self, controller):
        self.controller = controller

    def GetResources(self):
        return {"MenuText": "Receive from Blender", "Checkable": False,
                "ToolTip": "Let what Blender sends to FreeCAD arrive (as meshes in an App::Part named after its file)"}

    def Activated(self, checked=None):
        on = not self.controller.receiver.enabled if checked is None else bool(checked)
        self.controller.set_receive(on)

    def IsActive(self):
        return True


class StatusCommand:
    def __init__(self, show_status):
        self.show_status = show_status

    def GetResources(self):
        return {"MenuText": "Live Link status…", "ToolTip": "Hub state, connected Blenders, last sends"}

    def Activated(self):
        self.show_status()

    def IsActive(self):
        return True


def register(controller, show_status):
    for name, command in zip(NAMES, (ExportCommand(controller), AutoSyncCommand(controller),
                                     ReceiveCommand(controller), StatusCommand(show_status))):
        fc.add_command(name, command)
