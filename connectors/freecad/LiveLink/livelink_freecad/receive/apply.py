"""Received versions into FreeCAD documents. GUI thread only: FreeCAD objects are read and written by duck typing
(the unit tests hand in fakes shaped like FreeCAD's), FreeCAD's modules are reached through fc.

A scene lives in one App::Part (its root, labelled after the sender's document) in the document that holds it;
empties are App::Parts inside it, meshes Mesh::Features (or Part solids, with the ReceiveAsSolid preference). What
the link owns is rewritten on update: geometry, placement, colours, the Label while the user has not changed it, and
the App::Part an object is in while it is one the link made. What the user did stays: the root's placement, a
Label they gave, an object moved into an App::Part of their own. Each version is one undo step."""
import json
import re
from dataclasses import dataclass

from .. import fc
from ..livelink_client.plan import make_plan
from . import identity as ids
from . import meshes, plan as planning


class ApplyError(Exception):
    """A version that could not be applied at all; the document is left as it was."""


@dataclass(frozen=True)
class Holder:
    """The open document that holds a scene, its root App::Part and the version it holds."""
    doc: object
    root: object
    version: int


@dataclass(frozen=True)
class Applied:
    touched: int  # objects created, changed or removed
    skipped: tuple  # (name, node id, reason) of nodes left out: their meshes could not be made
    doc: object


def _name(text, fallback):
    """An object Name FreeCAD takes as it is (it makes it unique): ASCII letters, digits and _."""
    s = re.sub(r"[^A-Za-z0-9_]+", "_", text or "").strip("_")
    return ("_" + s if s[:1].isdigit() else s) or fallback


def _add_props(o, scene_id, node_id, string_props=(ids.NODE,)):
    for p in (ids.SCENE, ids.ID, ids.NAME, ids.LABEL) + tuple(string_props):
        if p not in o.PropertiesList:
            o.addProperty("App::PropertyString", p, ids.GROUP, "Live Link: what the link knows of this object")
            o.setEditorMode(p, 1)  # read-only in the property editor: the link's, not the user's
    setattr(o, ids.SCENE, scene_id)
    setattr(o, ids.ID, node_id)
    setattr(o, ids.NAME, o.Name)


def _node(o):
    try:
        node = json.loads(getattr(o, ids.NODE, "") or "{}")
    except ValueError:
        node = {}
    return node if isinstance(node, dict) else {}


class FreeCADReceiveHost:
    """What the Receiver asks of FreeCAD. as_solid: whether new mesh objects become Part solids (a preference)."""

    def __init__(self, as_solid=None):
        self._as_solid = as_solid or (lambda: fc.params().GetBool("ReceiveAsSolid", False))
        self._refreshed = set()

    def holder(self, scene_id):
        """The open document holding the scene (the active one first), or None."""
        for doc in fc.documents():
            for o in doc.Objects:
                if ids.is_root(o, scene_id):
                    return Holder(doc, o, int(getattr(o, ids.VERSION, 0) or 0))
        return None

    def is_open(self, file):
        """Whether a document saved as `file` is open."""
        return any(getattr(d, "FileName", "") == file for d in fc.documents())

    def scenes_in(self, doc):
        """(scene id, version) of every scene the document holds."""
        return [(getattr(o, ids.SCENE), int(getattr(o, ids.VERSION, 0) or 0)) for o in doc.Objects if ids.is_root(o)]

    def held(self, holder):
        """{node id: (mesh hash, materials)} as the document holds them: what the fetch leaves out."""
        if holder is None:
            return {}
        return {i: (n.get("mesh"), n.get("materials", [])) for i, n in
                ((i, _node(o)) for i, o in _objects(holder.doc, getattr(holder.root, ids.SCENE)).items())}

    def apply(self, delta, blobs, holder):
        """Applies one delta as one undo step; blobs: {hash: meshes.Geometry or meshes.BadMesh}. Raises ApplyError
        (after undoing what it did) when the version cannot be applied at all."""
        scene = delta["scene"]
        title = scene.get("name") or scene["id"]
        doc = holder.doc if holder is not None else fc.active_document() or \
            fc.new_document(_name(title, "Blender"), title)
        doc.openTransaction("Live Link: %s v%d" % (title, int(delta["to"])))
        try:
            build = _Build(doc, scene, blobs, self._as_solid())
            build.run(delta, holder.root if holder is not None else None)
        except Exception as e:  # noqa: BLE001 - whatever FreeCAD raised, the version is undone and reported
            doc.abortTransaction()
            raise ApplyError("%s: %s" % (type(e).__name__, e)) from e
        doc.commitTransaction()
        return Applied(build.touched, tuple(build.skipped), doc)

    def refresh_colors(self, doc):
        """FreeCAD 0.20 does not show a mesh's per-face colours again when a saved document is opened (1.0 does):
        turning Coloring off and on shows them. Once per opened document."""
        if id(doc) in self._refreshed:
            return
        self._refreshed.add(id(doc))
        for o in doc.Objects:
            if ids.received(o) and len(getattr(o, "FaceColors", ()) or ()) > 0:
                _show_face_colors(o)


def _objects(doc, scene_id):
    """{node id: object} of a scene's received objects in a document (its root left out)."""
    return {getattr(o, ids.ID): o for o in doc.Objects
            if ids.received(o) and getattr(o, ids.SCENE) == scene_id and getattr(o, ids.ID)}


def _matrix16(placement):
    m = placement.toMatrix()
    return tuple(getattr(m, "A%d%d" % (r, c)) for r in range(1, 5) for c in range(1, 5))


def _show_face_colors(o):
    vo = getattr(o, "ViewObject", None)
    if vo is not None:
        # FreeCAD draws the colour list only when Coloring changes to on, and forgets it whenever the mesh changes.
        vo.Coloring = False
        vo.Coloring = True


class _Build:
    """One version's changes to one document."""

    def __init__(self, doc, scene, blobs, as_solid):
        self.doc, self.scene, self.blobs, self.as_solid = doc, scene, blobs, as_solid
        self.sid = scene["id"]
        self.touched = 0
        self.skipped = []
        self._meshes = {}  # (hash, vertex matrix) -> the FreeCAD mesh (instances share it)
        self._paint = []  # (object, node, hash) whose colours are set once every mesh is in place
        self._joining = {}  # App::Part Name -> (the part, [new objects]): one addObjects each, after the ops

    def run(self, delta, root):
        # A new root where objects of the scene are left (the user deleted its App::Part and not its contents):
        # they are the scene's still, and go back into it.
        self.adopting = root is None
        self.root = root if root is not None else self._root()
        title = self.scene.get("name") or self.sid
        if self.root.Label != title and self.root.Label == getattr(self.root, ids.LABEL):
            self.root.Label = title
            setattr(self.root, ids.LABEL, self.root.Label)
        self.objects = _objects(self.doc, self.sid)
        held = {i: _node(o) for i, o in self.objects.items()}
        ops, removed = planning.operations(self.scene, held, make_plan(delta, self.objects.keys()), set(self.blobs),
                                           adopt=self.adopting)
        for op in ops:
            self.op(op)
        for part, new in self._joining.values():
            # One call per App::Part: addObject, once per object, re-sets the part's Group each time (quadratic;
            # 400 objects took 390 ms one by one, 6 ms at once in FreeCAD 0.20).
            part.addObjects(new)
        for i in removed:
            o = self.objects.pop(i, None)
            if o is not None:
                self.doc.removeObject(o.Name)
                self.touched += 1
        for o, node, h in self._paint:
            self.paint(o, node, h)
        self.root.LiveLinkVersion = int(delta["to"])
        for o in [self.root] + list(self.objects.values()):
            o.purgeTouched()  # nothing to recompute; a recompute of a Mesh::Feature would drop its face colours

    def _root(self):
        title = self.scene.get("name") or self.sid
        root = self.doc.addObject("App::Part", _name(title, "Blender"))
        root.Label = title
        _add_props(root, self.sid, "", ())
        setattr(root, ids.LABEL, root.Label)
        root.addProperty("App::PropertyInteger", ids.VERSION, ids.GROUP, "Live Link: the scene version held")
        root.setEditorMode(ids.VERSION, 1)
        return root

    def bad(self, h):
        """Why the blob of hash h cannot be made into a mesh, or None."""
        g = self.blobs.get(h)
        if g is None:
            return "its mesh %s was not fetched" % h[:12]
        return str(g) if isinstance(g, meshes.BadMesh) else None

    def op(self, op):
        obj = self.objects.get(op.id)
        reason = self.bad(op.geometry) if op.geometry else None
        if reason is not None:
            self.skipped.append((op.node.get("name") or op.id, op.id, reason))
            return
        if op.create:
            if obj is not None:  # it changed between empty and mesh: another kind of object
                self.doc.removeObject(obj.Name)
            obj = self.objects[op.id] = self.new(op.node)
        if op.container is not planning.KEEP:
            self.move(obj, op.container, op.create)
        placement = op.placement
        if op.geometry or op.rescale is not None:
            # A new Mesh (or Shape) brings its own placement into the feature: the feature's is set after.
            placement = placement or _matrix16(obj.Placement)
            if op.geometry:
                self.geometry(obj, op.geometry, op.vertices)
            else:
                self.rescale(obj, op.rescale)
        if placement is not None:
            obj.Placement = fc.placement(placement)
        name = op.node.get("name") or op.id
        if op.create:
            obj.Label = name
            setattr(obj, ids.LABEL, obj.Label)
        elif op.label is not None and obj.Label == getattr(obj, ids.LABEL):
            obj.Label = op.label
            setattr(obj, ids.LABEL, obj.Label)
        setattr(obj, ids.NODE, json.dumps(op.node, sort_keys=True))
        if planning.kind(op.node) == planning.MESH and (op.colors or op.geometry or op.rescale is not None):
            self._paint.append((obj, op.node, op.node.get("mesh")))
        self.touched += 1

    def new(self, node):
        if planning.kind(node) == planning.PART:
            t = "App::Part"
        else:
            t = "Part::Feature" if self.as_solid else "Mesh::Feature"
        o = self.doc.addObject(t, _name(node.get("name"), "Part" if t == "App::Part" else "Mesh"))
        _add_props(o, self.sid, node["id"])
        return o

    def move(self, obj, container, created):
        """Into the App::Part of `container` (None: the root), unless the user put it somewhere of their own."""
        target = self.objects.get(container) if container is not None else self.root
        if target is None or not target.isDerivedFrom("App::Part"):
            target = self.root
        if created:
            self._joining.setdefault(target.Name, (target, []))[1].append(obj)
            return
        current = obj.getParentGeoFeatureGroup()
        if current is target:
            return
        owned = current is None and self.adopting or \
            current is not None and ids.received(current) and getattr(current, ids.SCENE) == self.sid
        if not owned:
            return  # the user moved it out of the link's App::Parts: theirs
        if current is not None:
            current.removeObject(obj)
        target.addObject(obj)

    def _mesh(self, h, vertices):
        key = (h, vertices)
        if key not in self._meshes:
            self._meshes[key] = fc.mesh_from_bms(meshes.bms(self.blobs[h], vertices))
        return self._meshes[key]

    def geometry(self, obj, h, vertices):
        mesh = self._mesh(h, vertices)
        if obj.isDerivedFrom("Mesh::Feature"):
            obj.Mesh = mesh
        else:
            obj.Shape = fc.solid_from_mesh(mesh)

    def rescale(self, obj, m9):
        m = fc.matrix((m9[0], m9[1], m9[2], 0.0, m9[3], m9[4], m9[5], 0.0, m9[6], m9[7], m9[8], 0.0,
                       0.0, 0.0, 0.0, 1.0))
        if obj.isDerivedFrom("Mesh::Feature"):
            mesh = obj.Mesh.copy()
            mesh.Placement = fc.placement(None)  # its own frame: the feature applies its Placement
            mesh.transform(m)
            obj.Mesh = mesh
        elif hasattr(obj, "Shape"):
            shape = obj.Shape.copy()
            shape.Placement = fc.placement(None)
            obj.Shape = shape.transformGeometry(m)

    def paint(self, obj, node, h):
        """Colours from the node's materials; per face from its blob when this version fetched it (a mesh whose
        blob did not come keeps the face colours it has)."""
        g = self.blobs.get(h) if h else None
        g = g if isinstance(g, meshes.Geometry) else None
        c = meshes.colors(node.get("materials"), g)
        is_mesh = obj.isDerivedFrom("Mesh::Feature")
        if is_mesh and c.faces is not None:
            if "FaceColors" not in obj.PropertiesList:
                # FreeCAD's mesh view colours faces from the object's first colour list of one colour per face.
                obj.addProperty("App::PropertyColorList", "FaceColors", ids.GROUP, "Live Link: colour per face")
            obj.FaceColors = c.faces
        elif is_mesh and (g is not None or len(node.get("materials") or ()) <= 1) and \
                len(getattr(obj, "FaceColors", ()) or ()) > 0:
            obj.FaceColors = []  # one colour now
        vo = getattr(obj, "ViewObject", None)
        if vo is None:
            return  # no GUI (FreeCADCmd): the colours wait in FaceColors
        vo.ShapeColor = c.color
        vo.Transparency = c.transparency
        if is_mesh and len(getattr(obj, "FaceColors", ()) or ()) > 0:
            _show_face_colors(obj)
        elif is_mesh and vo.Coloring:
            vo.Coloring = False
