"""FreeCAD and FreeCADGui behind one small module, the way FreeCAD's Addon Manager does it
(addonmanager_freecad_interface.py). The rest of the Mod reaches FreeCAD only through here, so that without FreeCAD
(plain python3: the unit tests) the stand-ins below take its place: a Console that prints (messages to stdout,
errors and warnings to stderr), a ParamGet backed by a dict, App.Matrix's identity and product, no documents and no
main window."""
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
    Matrix = App.Matrix
    # What FreeCAD raises for a shape it cannot handle: Part.OCCError and the others derive from it (0.20 to 1.1).
    FreeCADError = App.Base.FreeCADError
else:
    class _Console:
        """FreeCAD.Console's calls the Mod makes; looks sys.stdout/stderr up per call so tests can capture."""

        @staticmethod
        def PrintMessage(text):
            sys.stdout.write(text)

        @staticmethod
        def PrintWarning(text):
            sys.stderr.write(text)

        @staticmethod
        def PrintError(text):
            sys.stderr.write(text)

    class FreeCADError(RuntimeError):
        """Stands in for Base.FreeCADError."""

    class Matrix:
        """App.Matrix as the Mod uses it: A11..A44 (row-major, identity when made) and multiply(other) = self x
        other. The unit tests' fake objects compose their placements with it."""

        def __init__(self, *values):
            values = values or tuple(1.0 if i % 5 == 0 else 0.0 for i in range(16))
            for i, v in enumerate(values):
                setattr(self, "A%d%d" % (i // 4 + 1, i % 4 + 1), float(v))

        def rows(self):
            return [[getattr(self, "A%d%d" % (r, c)) for c in range(1, 5)] for r in range(1, 5)]

        def multiply(self, other):
            a, b = self.rows(), other.rows()
            return Matrix(*(sum(a[r][k] * b[k][c] for k in range(4)) for r in range(4) for c in range(4)))

    class _Parameters:
        """A parameter group that lives as long as the process (FreeCAD's is saved in user.cfg)."""

        def __init__(self):
            self.values = {}

        def GetString(self, name, default=""):
            return self.values.get(name, default)

        def GetFloat(self, name, default=0.0):
            return self.values.get(name, default)

        def GetBool(self, name, default=False):
            return self.values.get(name, default)

        def SetBool(self, name, value):
            self.values[name] = bool(value)

        def SetString(self, name, value):
            self.values[name] = str(value)

        def SetFloat(self, name, value):
            self.values[name] = float(value)

    _groups = {}
    Console = _Console()

    def ParamGet(path):
        return _groups.setdefault(path, _Parameters())


def params():
    """This Mod's preferences: Deviation (percent, 0 = the 3D view's own triangulation), Launcher, Receive (from
    Blender, default on) and ReceiveAsSolid (received meshes become Part solids, default off)."""
    return ParamGet(PARAMS)


def app_version():
    """'0.20.2'; '' without FreeCAD."""
    return "%s.%s.%s" % tuple(App.Version()[:3]) if App is not None else ""


def active_document():
    return App.ActiveDocument if App is not None else None


def is_open(doc):
    return App is not None and doc in App.listDocuments().values()


def documents():
    """The open documents, the active one first."""
    if App is None:
        return []
    docs = list(App.listDocuments().values())
    active = App.ActiveDocument
    return ([active] if active in docs else []) + [d for d in docs if d is not active]


def new_document(name, label):
    """A new document (it becomes the active one)."""
    return App.newDocument(name, label)


def matrix(m16):
    """An App.Matrix from 16 numbers, row-major."""
    return Matrix(*m16)


def placement(m16):
    """An App.Placement from a rigid 4 x 4 (16 numbers, row-major); identity for None."""
    return App.Placement(Matrix(*m16)) if m16 is not None else App.Placement()


def mesh_from_bms(data):
    """A Mesh.Mesh from FreeCAD's binary mesh bytes (receive/meshes.py writes them)."""
    import io
    import Mesh
    m = Mesh.Mesh()
    m.read(Stream=io.BytesIO(data), Format="BMS")
    m.rebuildNeighbourHood()
    return m


SEWING_TOLERANCE_MM = 0.05


def solid_from_mesh(mesh):
    """A Part shape from a mesh: one face per triangle sewn together, a solid when the mesh is closed (a shell
    otherwise), coplanar faces merged."""
    import Part
    shape = Part.Shape()
    shape.makeShapeFromMesh(mesh.Topology, SEWING_TOLERANCE_MM)
    if mesh.isSolid():
        shape = Part.makeSolid(shape)
    return shape.removeSplitter()


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


def add_workbench_manipulator(manipulator):
    """FreeCAD 1.0+ asks a workbench manipulator for changes each time it builds a workbench's menu bar, and the
    active workbench is built again so that it applies now. False on 0.20, which has none."""
    if Gui is None or not hasattr(Gui, "addWorkbenchManipulator"):
        return False
    Gui.addWorkbenchManipulator(manipulator)
    if _has_active_workbench():
        Gui.activeWorkbench().reloadActive()
    return True


def _has_active_workbench():
    # At start-up (InitGui.py) no workbench is active yet: Gui.activeWorkbench() raises AssertionError("No active
    # workbench") on 0.20 and 1.0, and the first activation builds the menu bar with the manipulator in place.
    try:
        Gui.activeWorkbench()
    except AssertionError:
        return False
    return True


def report(message, error=False, warning=False):
    """Where FreeCAD users look for what a command did: the Report view (red for errors, orange for warnings) and the
    status bar."""
    say = Console.PrintError if error else Console.PrintWarning if warning else Console.PrintMessage
    say("Live Link: " + message + "\n")
    mw = main_window()
    if mw is not None:
        mw.statusBar().showMessage("Live Link: " + message, 15000)
