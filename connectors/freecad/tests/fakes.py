"""FreeCAD documents in plain Python, shaped like FreeCAD 0.20's, 1.0's or 1.1's: the type tree (isDerivedFrom), which
objects have a Shape and how many faces, groups and owners, App::Link's placement composition, and the view
objects' colour properties. 0.20 and 1.0 were read from the real applications (Debian 12 and 13); 1.1 is not
packaged and follows FreeCAD's sources (App/Datums.h: App::DatumElement, App::LocalCoordinateSystem)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "LiveLink"))
from livelink_freecad import fc  # noqa: E402

_COMMON = {
    "App::DocumentObject": None, "App::GeoFeature": "App::DocumentObject", "App::FeaturePython": "App::DocumentObject",
    "Part::Feature": "App::GeoFeature", "Part::Box": "Part::Feature", "Part::Cylinder": "Part::Feature",
    "Part::Part2DObject": "Part::Feature", "Sketcher::SketchObject": "Part::Part2DObject",
    "Part::Datum": "Part::Feature", "PartDesign::Plane": "Part::Datum", "PartDesign::Line": "Part::Datum",
    "PartDesign::Point": "Part::Datum", "PartDesign::Body": "Part::Feature", "PartDesign::Pad": "Part::Feature",
    "App::Part": "App::GeoFeature", "App::DocumentObjectGroup": "App::DocumentObject",
    "App::Link": "App::DocumentObject", "Mesh::Feature": "App::GeoFeature",
    "App::GeometryPython": "App::GeoFeature", "Part::FeaturePython": "Part::Feature",
    "App::LinkElement": "App::DocumentObject", "App::LinkGroup": "App::DocumentObject",
}
_ORIGIN_1_0 = {"App::Origin": "App::DocumentObject", "App::OriginFeature": "App::GeoFeature",
               "App::Plane": "App::OriginFeature", "App::Line": "App::OriginFeature"}
_ORIGIN_1_1 = {"App::LocalCoordinateSystem": "App::GeoFeature", "App::Origin": "App::LocalCoordinateSystem",
               "App::DatumElement": "App::GeoFeature", "App::Plane": "App::DatumElement",
               "App::Line": "App::DatumElement", "App::Point": "App::DatumElement"}
_ASSEMBLY = {"Assembly::AssemblyObject": "App::Part", "Assembly::JointGroup": "App::DocumentObjectGroup"}
VERSIONS = {
    "0.20": dict(_COMMON, **_ORIGIN_1_0),  # the same origin types as 1.0; no Assembly workbench
    "1.0": dict(_COMMON, **_ORIGIN_1_0, **_ASSEMBLY),
    "1.1": dict(_COMMON, **_ORIGIN_1_1, **_ASSEMBLY),
}
# Faces of an origin's features, as each version's Shape has them (None: no Shape property).
ORIGIN_FACES = {"0.20": {"App::Plane": None, "App::Line": None},
                "1.0": {"App::Plane": 1, "App::Line": 0},
                "1.1": {"App::Plane": 1, "App::Line": 0, "App::Point": 0}}


class Placement:
    """A translation (enough to check how placements compose)."""

    def __init__(self, x=0.0, y=0.0, z=0.0):
        self.x, self.y, self.z = x, y, z

    def toMatrix(self):
        return fc.Matrix(1, 0, 0, self.x, 0, 1, 0, self.y, 0, 0, 1, self.z, 0, 0, 0, 1)


class Shape:
    def __init__(self, faces, null=False):
        self.Faces = [object()] * faces
        self._null = null

    def isNull(self):
        return self._null


class Material:
    def __init__(self, diffuse, transparency):
        self.DiffuseColor, self.Transparency = diffuse, transparency


class View:
    def __init__(self, **props):
        self.__dict__.update(props)


class Doc:
    def __init__(self, name, version="1.0"):
        self.Name, self.Label, self.version = name, name, version
        self.Objects = []

    def add(self, type_id, name, parent=None, faces=None, placement=None, label=None, visible=True, view=None,
            null=False, cls=None):
        """An object of type_id; faces None: no Shape property. parent: a container (its Group) or a Body (owns
        it)."""
        o = (cls or Obj)(self, type_id, name, label or name, faces, placement, visible, view, null)
        self.Objects.append(o)
        if parent is not None:
            parent.adopt(o)
        return o

    def part(self, name, placement=None, parent=None, type_id="App::Part", label=None):
        """An App::Part with its origin, as FreeCAD makes one."""
        p = self.add(type_id, name, parent, placement=placement or Placement(), label=label)
        p.Group = []
        self.origin(p)
        return p

    def origin(self, owner):
        o = self.add("App::Origin", "Origin" + owner.Name, visible=False)
        owner.owns(o)
        faces = ORIGIN_FACES[self.version]
        for t, n in (("App::Line", "X_Axis"), ("App::Line", "Y_Axis"), ("App::Line", "Z_Axis"),
                     ("App::Plane", "XY_Plane"), ("App::Plane", "XZ_Plane"), ("App::Plane", "YZ_Plane")):
            f = self.add(t, n + owner.Name, faces=faces[t], placement=Placement(), label=n.replace("_", "-"))
            f.InList.append(o)
            owner.owns(f)
        if "App::Point" in faces:
            owner.owns(self.add("App::Point", "Origin_Point" + owner.Name, faces=0, placement=Placement()))
        return o

    def link(self, name, target, placement, transform=False, parent=None, label=None):
        link = self.add("App::Link", name, parent, placement=placement, label=label, cls=Link)
        link.LinkedObject, link.LinkTransform = target, transform
        return link

    def link_group(self, name, placement, elements, shown=None):
        """An App::LinkGroup (Std_LinkMakeGroup) holding elements, placed relative to it; they are hidden as
        objects (FreeCAD's GUI hides them: the group shows them, as its VisibilityList says)."""
        return self._holds(self.add("App::LinkGroup", name, placement=placement), elements, shown)

    @staticmethod
    def _holds(holder, elements, shown=None):
        """holder shows elements, hidden as objects (as FreeCAD's GUI hides them), as its VisibilityList says."""
        holder.ElementList, holder.VisibilityList = list(elements), list(shown or [True] * len(elements))
        for e in elements:
            e.Visibility = False
            e.InList.append(holder)
        return holder

    def link_array(self, name, target, placement, elements):
        """An App::Link with ElementCount: its elements are App::LinkElement objects of the document (Name_i0,
        ...), in its ElementList, each placed relative to it and linking to the target as the array does; hidden as
        objects (FreeCAD's GUI hides them: the array shows them, as its VisibilityList says)."""
        array = self.link(name, target, placement)
        array.ElementCount = len(elements)
        made = [self.add("App::LinkElement", "%s_i%d" % (name, i), placement=p, cls=Link)
                for i, p in enumerate(elements)]
        for e in made:
            e.LinkedObject, e.LinkTransform = target, array.LinkTransform
        return self._holds(array, made)


class Obj:
    def __init__(self, doc, type_id, name, label, faces, placement, visible, view, null):
        self.Document, self.TypeId, self.Name, self.Label = doc, type_id, name, label
        self.Visibility, self.ViewObject = visible, view
        if placement is not None:
            self.Placement = placement
        if faces is not None:
            self.Shape = Shape(faces, null)
        self.InList = []
        self._geo = None  # what getParentGeoFeatureGroup answers

    def isDerivedFrom(self, type_id):
        t, tree = self.TypeId, VERSIONS[self.Document.version]
        while t is not None:
            if t == type_id:
                return True
            t = tree.get(t)
        return False

    def getParentGeoFeatureGroup(self):
        return self._geo

    def hasExtension(self, name):
        """FreeCAD's extensions: a group's (App::Part and a Body place their members), and those given to a Python
        feature by its own code (BIM's BuildingPart and Site, a Draft Layer) as self.extensions."""
        if self.isDerivedFrom("App::Part") or self.isDerivedFrom("PartDesign::Body"):
            return name in ("App::GroupExtension", "App::GeoFeatureGroupExtension", "App::OriginGroupExtension")
        if self.isDerivedFrom("App::DocumentObjectGroup"):
            return name == "App::GroupExtension"
        return name in getattr(self, "extensions", ())

    def adopt(self, o):
        """o becomes a member: of Group for a container, owned (not grouped) by a Body."""
        if hasattr(self, "Group"):
            self.Group.append(o)
        o.InList.append(self)
        self.owns(o)

    def owns(self, o):
        if o._geo is None and (self.isDerivedFrom("App::Part") or self.isDerivedFrom("PartDesign::Body")):
            o._geo = self
        if o not in getattr(self, "Group", []) and self not in o.InList:
            o.InList.append(self)


class Link(Obj):
    def getLinkedObject(self, recursive, matrix, transform):
        """As FreeCAD composes (measured in 0.20 and 1.0 against each link's Shape): the link's Placement when
        transform is asked, then down the chain with the link's LinkTransform deciding whether the next object's
        own Placement counts."""
        m = matrix.multiply(self.Placement.toMatrix()) if transform else matrix
        t = self.LinkedObject
        if t is None:
            return self, m
        if isinstance(t, Link):
            return t.getLinkedObject(recursive, m, self.LinkTransform)
        if self.LinkTransform and hasattr(t, "Placement"):
            m = m.multiply(t.Placement.toMatrix())
        return t, m


class DraftArray(Obj):
    """A Draft array made with links (a Python feature with a link extension): its elements are no objects, only
    placements, and FreeCAD's getSubObject gives each one's matrix relative to the array (measured in 0.20 and
    1.0: the base's placement is already in each)."""
    extensions = ("App::LinkBaseExtension",)

    def getSubObject(self, sub, ret_type, matrix, transform):
        i = int(sub.rstrip("."))
        m = matrix.multiply(self.Placement.toMatrix()) if transform else matrix
        return self.Base, m.multiply(self.PlacementList[i].toMatrix())


def translation(node):
    """(x, y, z) of an Item's transform."""
    return node.transform[3], node.transform[7], node.transform[11]


# ---- receiving: documents FreeCAD's way of writing them (addObject, properties, groups, transactions) ---------------

class Placement16:
    """App.Placement as the receiver sets it: from a rigid 4 x 4 (16 numbers, row-major)."""

    def __init__(self, m16=None):
        self.m = tuple(float(x) for x in (m16 or (1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1)))

    @property
    def Base(self):
        return (self.m[3], self.m[7], self.m[11])

    def toMatrix(self):
        return fc.Matrix(*self.m)


class BmsMesh:
    """Mesh.Mesh read from FreeCAD's binary mesh bytes: counts, points (mm, its own frame) and bounds."""

    def __init__(self, data=None, points=None, facets=0):
        import numpy as np
        if data is not None:
            v, t = np.frombuffer(data, dtype="<u4", count=2, offset=264)
            points = np.frombuffer(data, dtype="<f4", count=3 * int(v), offset=272).reshape(-1, 3).astype(float)
            facets = int(t)
        self.points, self.CountFacets, self.Placement = points, facets, Placement16()

    @property
    def CountPoints(self):
        return len(self.points)

    @property
    def size(self):
        """(x, y, z) extent of the points, rounded to 0.001 mm."""
        return tuple(round(float(self.points[:, i].max() - self.points[:, i].min()), 3) for i in range(3))

    def copy(self):
        return BmsMesh(points=self.points.copy(), facets=self.CountFacets)

    def transform(self, matrix):
        import numpy as np
        rows = np.array(matrix.rows())[:3, :3]
        self.points = self.points @ rows.T


class ViewObject:
    def __init__(self):
        self.ShapeColor, self.Transparency, self.toggles = (0.8, 0.8, 0.8), 0, []
        self._coloring = False

    @property
    def Coloring(self):
        return self._coloring

    @Coloring.setter
    def Coloring(self, on):
        self.toggles.append(bool(on))  # FreeCAD draws the colour list on a change to on
        self._coloring = bool(on)


_TYPES = {"App::Part": ("App::Part", "App::GeoFeature"), "Mesh::Feature": ("Mesh::Feature", "App::GeoFeature"),
          "Part::Feature": ("Part::Feature", "App::GeoFeature"), "Part::Box": ("Part::Box", "Part::Feature")}


class FcObject:
    """A document object as the receiver reads and writes it."""

    def __init__(self, doc, type_id, name):
        self.__dict__.update(Document=doc, TypeId=type_id, Name=name, _label=name, PropertiesList=["Label"],
                             editor={}, Placement=Placement16(), ViewObject=ViewObject(), touched=True, parent=None)
        if type_id == "App::Part":
            self.Group = []

    def __setattr__(self, name, value):
        super().__setattr__(name, value)
        if name in ("Mesh", "Shape"):
            # As FreeCAD's features do: a new mesh or shape brings its placement (identity here) into the feature.
            super().__setattr__("Placement", Placement16(getattr(getattr(value, "Placement", None), "m", None)))

    @property
    def Label(self):
        return self._label

    @Label.setter
    def Label(self, text):
        # FreeCAD keeps labels unique in a document (without the DuplicateLabels preference): "Sphere001".
        taken = {o.Label for o in self.Document.Objects if o is not self}
        label, n = text, 0
        while label in taken:
            n += 1
            label = "%s%03d" % (text, n)
        self._label = label

    def isDerivedFrom(self, t):
        return t in _TYPES.get(self.TypeId, (self.TypeId,)) or t == "App::DocumentObject"

    def addProperty(self, type_id, name, group="", doc=""):
        assert name not in self.PropertiesList, name
        self.PropertiesList.append(name)
        setattr(self, name, [] if type_id == "App::PropertyColorList" else 0 if "Integer" in type_id else "")

    def setEditorMode(self, name, mode):
        self.editor[name] = mode

    def getParentGeoFeatureGroup(self):
        return self.parent

    def addObject(self, o):
        assert o.parent is None, "%s is in %s already" % (o.Name, o.parent.Name)
        self.Group.append(o)
        o.parent = self

    def addObjects(self, objects):
        self.group_calls = getattr(self, "group_calls", 0) + 1
        for o in objects:
            self.addObject(o)

    def removeObject(self, o):
        self.Group.remove(o)
        o.parent = None

    def purgeTouched(self):
        self.touched = False

    @property
    def InList(self):
        return [self.parent] if self.parent is not None else []

    @property
    def Visibility(self):
        return True


class FcDoc:
    """A document the receiver writes into; transactions are recorded as (name, committed)."""

    def __init__(self, name, label=None):
        self.Name, self.Label, self.FileName = name, label or name, ""
        self.Objects = []
        self.transactions = []
        self.fail_on = None  # an object type whose addObject raises, to check that a version is undone

    def addObject(self, type_id, name):
        if type_id == self.fail_on:
            raise RuntimeError("cannot make a %s" % type_id)
        names = {o.Name for o in self.Objects}
        unique, n = name, 0
        while unique in names:
            n += 1
            unique = "%s%03d" % (name, n)
        o = FcObject(self, type_id, unique)
        self.Objects.append(o)
        if self.open:
            self.open[-1][1].append(o)  # what an abort of the open transaction takes away
        return o

    def getObject(self, name):
        return next((o for o in self.Objects if o.Name == name), None)

    def removeObject(self, name):
        o = self.getObject(name)
        if o.parent is not None:
            o.parent.removeObject(o)
        for child in list(getattr(o, "Group", [])):  # as FreeCAD does: an App::Part's members go to the top
            o.removeObject(child)
        self.Objects.remove(o)

    open = ()  # the open transaction: [(name, objects made in it)]

    def openTransaction(self, name):
        self.open = [(name, [])]

    def commitTransaction(self):
        self.transactions.append((self.open[0][0], True))
        self.open = ()

    def abortTransaction(self):
        name, made = self.open[0]
        for o in made:  # what FreeCAD's undo of the open transaction removes
            if o in self.Objects:
                self.removeObject(o.Name)
        self.transactions.append((name, False))
        self.open = ()


class FakeFreeCAD:
    """fc's FreeCAD functions over FcDocs: install() patches them for one test (undone by the test's cleanup)."""

    def __init__(self):
        self.docs = []
        self.active = None

    def new_document(self, name, label):
        d = FcDoc(name, label)
        self.docs.append(d)
        self.active = d
        return d

    def install(self, test):
        from unittest import mock
        funcs = {"documents": lambda: ([self.active] if self.active in self.docs else []) +
                 [d for d in self.docs if d is not self.active],
                 "active_document": lambda: self.active, "new_document": self.new_document,
                 "placement": Placement16, "matrix": lambda m16: fc.Matrix(*m16), "mesh_from_bms": BmsMesh,
                 "solid_from_mesh": lambda mesh: ("solid", mesh)}
        patcher = mock.patch.multiple(fc, **funcs)
        patcher.start()
        test.addCleanup(patcher.stop)
        return self
