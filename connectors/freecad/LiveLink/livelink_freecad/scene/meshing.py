"""An object's shape as a livelink mesh blob: from the triangulation FreeCAD's 3D view holds (Coin), else from
Shape.tessellate. GUI thread only."""
import itertools

from .. import fc
from ..livelink_client import meshblob
from .model import ExportError, Mesh, MeshError

NO_TRIANGLES = "its faces have no triangles after tessellation"


def mesh(source, deviation):
    """The Mesh of a MeshSource in the object's own coordinates (placement removed).

    deviation 0: the triangulation FreeCAD's 3D view already holds (the object's Coin nodes: face-split vertices
    and the triangle count of every face), read as text by Coin and parsed by numpy in C. About 6x faster than
    Shape.tessellate, which builds a Python object per point. Otherwise, and when the view has none to give (no
    GUI, hidden object): Shape.tessellate at that deviation, converted with numpy.fromiter.

    Raises MeshError when this object cannot be meshed (the others still can), ExportError when none can.
    """
    try:
        import numpy as np
    except ImportError as e:
        raise ExportError("numpy is missing from this FreeCAD; livelink needs it to convert meshes") from e
    try:
        return _mesh(np, source.obj, source.slots, deviation)
    except fc.FreeCADError as e:  # Part.OCCError and the like, from a shape OpenCASCADE cannot triangulate
        raise MeshError("%s: %s" % (type(e).__name__, str(e).strip() or "no reason given")) from e


def _mesh(np, o, slots, deviation):
    if o.isDerivedFrom("Mesh::Feature"):
        m = o.Mesh.copy()
        m.Placement = fc.App.Placement()
        pts, tris = m.Topology
        return Mesh.of(meshblob.encode(_floats(np, pts), _ints(np, tris)))
    if deviation <= 0:
        view = _from_view(np, o, slots)
        if view is not None:
            return Mesh.of(meshblob.encode(view[0], view[1], material_index=view[2]))
    pos, idx, mi = _tessellate(np, o, slots, deviation)
    return Mesh.of(meshblob.encode(pos, idx, material_index=mi))


def _floats(np, vectors):
    return np.fromiter(itertools.chain.from_iterable(vectors), dtype=np.float32, count=3 * len(vectors))


def _ints(np, triples):
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
        return None  # FreeCAD without its Coin binding: tessellate instead
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


def _tessellate(np, o, slots, deviation):
    import Part
    shape = Part.Shape(o.Shape)
    shape.Placement = fc.App.Placement()
    b = shape.BoundBox
    # FreeCAD's own rule for its view (ViewProviderPartExt); 5% coarser so that an existing triangulation of the
    # view's tolerance is reused rather than refined.
    percent = deviation or getattr(getattr(o, "ViewObject", None), "Deviation", 0.5)
    deflection = max((b.XLength + b.YLength + b.ZLength) / 300.0 * percent * 1.05, 1e-6)
    if slots is None:
        pts, tris = shape.tessellate(deflection)
        if not tris:
            raise MeshError(NO_TRIANGLES)
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
        raise MeshError(NO_TRIANGLES)
    return np.concatenate(parts_p), np.concatenate(parts_t), np.concatenate(mat)
