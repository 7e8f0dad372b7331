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


def translation(node):
    """(x, y, z) of an Item's transform."""
    return node.transform[3], node.transform[7], node.transform[11]
