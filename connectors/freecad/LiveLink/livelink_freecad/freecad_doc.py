"""Everything that reads a FreeCAD document: which objects to send, their placements, colours and meshes.
GUI thread only (FreeCAD objects are not thread-safe)."""
import hashlib

import FreeCAD as App

from . import colors
from .livelink_client import meshblob
from .scene import Item, safe_id

PARAMS = "User parameter:BaseApp/Preferences/Mod/LiveLink"


class ExportError(Exception):
    pass


def deviation_percent():
    """Tessellation tolerance in percent of the size, as FreeCAD's own 'Deviation'. 0 (the default) sends the
    triangulation FreeCAD already made for its 3D view: nothing is meshed twice and Blender shows what FreeCAD
    shows. A positive value meshes anew at that deviation."""
    return App.ParamGet(PARAMS).GetFloat("Deviation", 0.0)


def _matrix(placement):
    m = placement.toMatrix()
    return (m.A11, m.A12, m.A13, m.A14, m.A21, m.A22, m.A23, m.A24,
            m.A31, m.A32, m.A33, m.A34, m.A41, m.A42, m.A43, m.A44)


def _is_container(o):
    return o.isDerivedFrom("App::Part") or o.isDerivedFrom("App::DocumentObjectGroup")


def _is_link(o):
    return o.isDerivedFrom("App::Link")


def _has_faces(o):
    if o.isDerivedFrom("Mesh::Feature"):
        return o.Mesh.CountFacets > 0
    shape = getattr(o, "Shape", None)
    return shape is not None and not shape.isNull() and len(shape.Faces) > 0


def _parent(o):
    """The nearest container that is sent: a group, an App::Part, or nothing. Features inside a Body are not sent
    (the Body carries the result), so they report the Body as their owner and are skipped."""
    for p in o.InList:
        if _is_container(p) and o in getattr(p, "Group", []):
            return p
    geo = o.getParentGeoFeatureGroup() if hasattr(o, "getParentGeoFeatureGroup") else None
    return geo


def _inside_body(o):
    geo = o.getParentGeoFeatureGroup() if hasattr(o, "getParentGeoFeatureGroup") else None
    return geo is not None and geo.isDerivedFrom("PartDesign::Body") and geo is not o


def _visible(o):
    if not o.Visibility:
        return False
    p = _parent(o)
    return True if p is None else _visible(p)


def _local(o):
    """FreeCAD placements are already relative to the enclosing App::Part (or Link); groups have none. So a node's
    transform relative to its parent node is its own Placement, or identity."""
    p = getattr(o, "Placement", None)
    return p if p is not None else App.Placement()


def _materials(o, face_count):
    vo = getattr(o, "ViewObject", None)
    if vo is None:  # no GUI (freecadcmd): FreeCAD's default grey
        return colors.object_materials(o.Label, (0.8, 0.8, 0.8), 0, None, face_count)
    shape_color = tuple(getattr(vo, "ShapeColor", (0.8, 0.8, 0.8, 0.0)))
    face_colors = [tuple(c) for c in getattr(vo, "DiffuseColor", ())]
    return colors.object_materials(o.Label, shape_color, getattr(vo, "Transparency", 0), face_colors, face_count)


def collect(doc):
    """(items, mesh sources): the nodes to send, and {object name: (object, face slots or None)} to mesh."""
    items, sources = [], {}
    for o in doc.Objects:
        if _inside_body(o) or not _visible(o):
            continue
        parent = _parent(o)
        pid = safe_id(parent.Name) if parent is not None else None
        if _is_container(o):
            items.append(Item(safe_id(o.Name), o.Label, pid, _matrix(_local(o))))
        elif _is_link(o):
            items.extend(_link_items(o, pid, sources))
        elif _has_faces(o):
            items.append(_shape_item(o, safe_id(o.Name), o.Label, pid, _local(o), sources))
    return items, sources


def _shape_item(o, node_id, label, parent_id, placement, sources):
    """The node of an object with faces (or of a link to one), its materials, and o queued for meshing."""
    faces = 0 if o.isDerivedFrom("Mesh::Feature") else len(o.Shape.Faces)
    mats, slots = _materials(o, faces)
    sources.setdefault(o.Name, (o, slots))
    return Item(node_id, label, parent_id, _matrix(placement), o.Name, tuple(mats))


def _link_items(link, pid, sources):
    """An App::Link is an instance: a node with the link's placement whose mesh (or whole subtree, for a linked
    App::Part) reuses the target's meshes."""
    target = link.getLinkedObject(True)
    if target is None:
        return []
    lid = safe_id(link.Name)
    if _has_faces(target) and not _is_container(target):
        return [_shape_item(target, lid, link.Label, pid, _local(link), sources)]
    out = [Item(lid, link.Label, pid, _matrix(_local(link)))]
    for o in _descendants(target):
        if _inside_body(o) or not o.Visibility:
            continue
        p = _parent(o)
        cid = lid + ":" + safe_id(o.Name)
        ppid = lid if p is target else lid + ":" + safe_id(p.Name)
        label = "%s (%s)" % (o.Label, link.Label)
        if _is_container(o):
            out.append(Item(cid, label, ppid, _matrix(_local(o))))
        elif _has_faces(o):
            out.append(_shape_item(o, cid, label, ppid, _local(o), sources))
    return out


def _descendants(container):
    out = []
    for c in getattr(container, "Group", []):
        out.append(c)
        if _is_container(c):
            out.extend(_descendants(c))
    return out


def mesh_blob(o, slots):
    """The object's mesh in its own coordinates (placement removed), as a livelink blob: (hash, bytes).

    Fast path: the triangulation FreeCAD's 3D view already holds (the object's Coin nodes: face-split vertices
    and the triangle count of every face), read as text by Coin and parsed by numpy in C. About 6x faster than
    Shape.tessellate, which builds a Python object per point. Fallback (no GUI, hidden object, a tolerance of our
    own): Shape.tessellate, converted with numpy.fromiter.
    """
    try:
        import numpy as np
    except ImportError as e:
        raise ExportError("numpy is missing from this FreeCAD; livelink needs it to convert meshes") from e
    if o.isDerivedFrom("Mesh::Feature"):
        m = o.Mesh.copy()
        m.Placement = App.Placement()
        pts, tris = m.Topology
        return _blob(meshblob.encode(_floats(np, pts), _ints(np, tris)))
    if deviation_percent() <= 0:
        view = _from_view(np, o, slots)
        if view is not None:
            return _blob(meshblob.encode(view[0], view[1], material_index=view[2]))
    pos, idx, mi = _tessellate(np, o, slots)
    return _blob(meshblob.encode(pos, idx, material_index=mi))


def _floats(np, vectors):
    import itertools
    return np.fromiter(itertools.chain.from_iterable(vectors), dtype=np.float32, count=3 * len(vectors))


def _ints(np, triples):
    import itertools
    return np.fromiter(itertools.chain.from_iterable(triples), dtype=np.uint32, count=3 * len(triples))


def _coin_first(root, coin, type_id):
    sa = coin.SoSearchAction()
    sa.setType(type_id)
    sa.setInterest(coin.SoSearchAction.FIRST)
    sa.apply(root)
    path = sa.getPath()
    return path.getTail() if path is not None else None


def _from_view(np, o, slots):
    """(positions, indices, material index or None) from the object's view, or None when it has none to give."""
    vo = getattr(o, "ViewObject", None)
    if vo is None or not hasattr(vo, "Deviation") or not o.Visibility:
        return None
    try:
        from pivy import coin
    except ImportError:
        return None
    root = vo.RootNode
    coords = _coin_first(root, coin, coin.SoCoordinate3.getClassTypeId())
    faces = _coin_first(root, coin, coin.SoType.fromName(coin.SbName("SoBrepFaceSet")))
    if coords is None or faces is None or faces.coordIndex.getNum() == 0:
        return None
    ci = _field(np, faces.coordIndex, np.int32)
    # SoBrepFaceSet lists each triangle as a b c -1.
    if len(ci) % 4 or (ci[3::4] != -1).any():
        return None
    tris = ci.reshape(-1, 4)[:, :3]
    pos = _field(np, coords.point, np.float32)
    used = int(tris.max()) + 1
    if len(pos) < 3 * used or tris.min() < 0:
        return None
    mi = None
    if slots is not None:
        per_face = _field(np, faces.partIndex, np.int32)
        if len(per_face) == len(slots) and int(per_face.sum()) == len(tris):
            mi = np.repeat(np.asarray(slots, dtype=np.uint32), per_face)
    return pos[:3 * used], tris.astype(np.uint32).reshape(-1), mi


def _field(np, field, dtype):
    """A Coin multi-value field as a flat numpy array: Coin writes it as text ("[ 1 2 3, 4 5 6 ]", 8 significant
    digits), numpy parses it in C."""
    s = field.get()
    text = (s.getString() if hasattr(s, "getString") else str(s)).encode("ascii")
    return np.fromstring(text.translate(_FIELD_PUNCTUATION), dtype=dtype, sep=" ")


_FIELD_PUNCTUATION = bytes.maketrans(b"[],", b"   ")


def _tessellate(np, o, slots):
    import Part
    shape = Part.Shape(o.Shape)
    shape.Placement = App.Placement()
    b = shape.BoundBox
    # FreeCAD's own rule for its view (ViewProviderPartExt); 5% coarser so that an existing triangulation of the
    # view's tolerance is reused rather than refined.
    percent = deviation_percent() or getattr(getattr(o, "ViewObject", None), "Deviation", 0.5)
    deflection = max((b.XLength + b.YLength + b.ZLength) / 300.0 * percent * 1.05, 1e-6)
    if slots is None:
        pts, tris = shape.tessellate(deflection)
        if not tris:
            raise ExportError("%s (%s) has no triangles after tessellation" % (o.Label, o.Name))
        return _floats(np, pts), _ints(np, tris), None
    parts_p, parts_t, mat = [], [], []
    base = 0
    for face, slot in zip(shape.Faces, slots):
        pts, tris = face.tessellate(deflection)
        if not tris:
            continue
        parts_p.append(_floats(np, pts))
        parts_t.append(_ints(np, tris) + base)
        mat.append(np.full(len(tris), slot, dtype=np.uint32))
        base += len(pts)
    if not parts_t:
        raise ExportError("%s (%s) has no triangles after tessellation" % (o.Label, o.Name))
    return np.concatenate(parts_p), np.concatenate(parts_t), np.concatenate(mat)


def _blob(b):
    return hashlib.sha256(b).hexdigest(), b
