"""FreeCAD and FreeCADGui behind one small module, the way FreeCAD's Addon Manager does it
(addonmanager_freecad_interface.py). The rest of the Mod reaches FreeCAD only through here, so that without FreeCAD
(plain python3: the unit tests) the stand-ins below take its place: a Console that prints (messages to stdout,
errors to stderr), a ParamGet backed by a dict, no documents and no main window."""
import sys

PARAMS = "User parameter:BaseApp/Preferences/Mod/LiveLink"

try:
    import FreeCAD as App
except ImportError:
    App = None
try:
    import FreeCADGui as Gui
except ImportError:
    Gui = None

if App is not None:
    Console = App.Console
    ParamGet = App.ParamGet
else:
    class _Console:
        """FreeCAD.Console's two calls the Mod makes; looks sys.stdout/stderr up per call so tests can capture."""

        @staticmethod
        def PrintMessage(text):
            sys.stdout.write(text)

        @staticmethod
        def PrintError(text):
            sys.stderr.write(text)

    class _Parameters:
        """A parameter group that lives as long as the process (FreeCAD's is saved in user.cfg)."""

        def __init__(self):
            self.values = {}

        def GetString(self, name, default=""):
            return self.values.get(name, default)

        def GetFloat(self, name, default=0.0):
            return self.values.get(name, default)

        def SetString(self, name, value):
            self.values[name] = str(value)

        def SetFloat(self, name, value):
            self.values[name] = float(value)

    _groups = {}
    Console = _Console()

    def ParamGet(path):
        return _groups.setdefault(path, _Parameters())


def params():
    """This Mod's preferences: Deviation (percent, 0 = the 3D view's own triangulation) and Launcher."""
    return ParamGet(PARAMS)


def app_version():
    """'0.20.2'; '' without FreeCAD."""
    return "%s.%s.%s" % tuple(App.Version()[:3]) if App is not None else ""


def active_document():
    return App.ActiveDocument if App is not None else None


def is_open(doc):
    return App is not None and doc in App.listDocuments().values()


def add_document_observer(observer):
    if App is not None:
        App.addDocumentObserver(observer)


def main_window():
    return Gui.getMainWindow() if Gui is not None else None


def add_command(name, command):
    if Gui is not None:
        Gui.addCommand(name, command)


def run_command(name):
    Gui.runCommand(name)


def report(message, error=False):
    """Where FreeCAD users look for what a command did: the Report view (red for errors) and the status bar."""
    (Console.PrintError if error else Console.PrintMessage)("Live Link: " + message + "\n")
    mw = main_window()
    if mw is not None:
        mw.statusBar().showMessage("Live Link: " + message, 15000)
