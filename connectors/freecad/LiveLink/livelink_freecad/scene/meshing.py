"""An object's shape as a livelink mesh blob: from the triangulation FreeCAD's 3D view holds (Coin), else from
Shape.tessellate. GUI thread only."""
import itertools

from .. import fc
from ..livelink_client import meshblob
from .model import ExportError, Mesh, MeshError

NO_TRIANGLES = "its faces have no triangles after tessellation"


def mesh(source, deviation):
    """The Mesh of a MeshSource in the object's own coordinates (placement removed).

    deviation 0: the triangulation FreeCAD's 3D view already holds (the object's Coin nodes: face-split vertices,
    their normals and the triangle count of every face), read as text by Coin and parsed by numpy in C. About 6x
    faster than Shape.tessellate, which builds a Python object per point. Otherwise, and when the view has none to
    give (no GUI, hidden object): Shape.tessellate at that deviation, converted with numpy.fromiter — without
    normals (the surface's would cost a Face.normalAt per vertex in Python), so Blender shades those by angle.

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
            return Mesh.of(meshblob.encode(view[0], view[1], normals=view[3], material_index=view[2]))
    pos, idx, mi = _tessellate(np, o, slots, deviation)
    return Mesh.of(meshblob.encode(pos, idx, material_index=mi))


def _floats(np, vectors):
    return np.fromiter(itertools.chain.from_iterable(vectors), dtype=np.float32, count=3 * len(vectors))


def _ints(np, triples):
    return np.fromiter(itertools.chain.from_iterable(triples), dtype=np.uint32, count=3 * len(triples))


def _coin_found(root, coin, type_id):
    """(the first node of that type under root, the group holding it), or (None, None). The path is read while
    the search action lives: it owns the path, and the path dies with it."""
    sa = coin.SoSearchAction()
    sa.setType(type_id)
    sa.setInterest(coin.SoSearchAction.FIRST)
    sa.apply(root)
    path = sa.getPath()
    if path is None:
        return None, None
    return path.getTail(), (path.getNodeFromTail(1) if path.getLength() > 1 else None)


def _coin_first(root, coin, type_id):
    return _coin_found(root, coin, type_id)[0]


def shows_faces(o):
    """Whether FreeCAD's 3D view of o holds faces of its own; False without a view or Coin's binding."""
    vo = getattr(o, "ViewObject", None)
    if vo is None or not hasattr(vo, "RootNode"):
        return False
    try:
        from pivy import coin
    except ImportError:
        return False
    faces = _face_set(vo.RootNode, coin)[0]
    return faces is not None and faces.coordIndex.getNum() > 0


def _face_set(root, coin):
    """(the view's SoBrepFaceSet, FreeCAD's node of an object's faces, the group holding it), or (None, None)."""
    return _coin_found(root, coin, coin.SoType.fromName(coin.SbName("SoBrepFaceSet")))


def _from_view(np, o, slots):
    """(positions, indices, material index or None, normals or None) from the object's view, or None when it has
    none to give."""
    vo = getattr(o, "ViewObject", None)
    if vo is None or not hasattr(vo, "Deviation") or not o.Visibility:
        return None
    try:
        from pivy import coin
    except ImportError:
        return None  # FreeCAD without its Coin binding: tessellate instead
    root = vo.RootNode
    coords = _coin_first(root, coin, coin.SoCoordinate3.getClassTypeId())
    faces, group = _face_set(root, coin)
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
    normals = _normals(np, coin, group, faces, used)
    if normals is not None:
        tris, mi = _without_degenerate(np, pos, tris, mi)
    return pos[:3 * used], tris.astype(np.uint32).reshape(-1), mi, normals


def _without_degenerate(np, pos, tris, mi):
    """The triangles and material index without triangles of no area. OCC puts several nodes on a degenerate
    edge (a sphere's pole, a cone's apex), all at one point, and triangles between them: invisible, but their
    zero-length edges throw Blender's custom normals off at that vertex (the sphere's pole shaded 4.3 degrees off
    the surface's normal in Blender 3.4 and 4.3; 0.04 without them)."""
    p = pos.reshape(-1, 3)
    a = p[tris[:, 0]]
    u, w = p[tris[:, 1]] - a, p[tris[:, 2]] - a
    cross = np.cross(u, w)
    # Area below a millionth of the largest edge squared: collinear within float precision.
    longest = np.maximum((u * u).sum(axis=1), (w * w).sum(axis=1))
    keep = (cross * cross).sum(axis=1) > 1e-12 * longest * longest
    if keep.all() or not keep.any():
        return tris, mi
    return tris[keep], (mi[keep] if mi is not None else None)


def _normals(np, coin, group, faces, used):
    """The unit normals of the first `used` vertices, or None. FreeCAD 0.20 and 1.0 put an SoNormal and an
    SoNormalBinding PER_VERTEX_INDEXED beside the face set, one normal per face-split vertex computed from the
    B-rep surface at its UV (ViewProviderPartExt, NormalsFromUV), and leave normalIndex at its default so the
    coordinate indices pick them. Any other arrangement: no normals, and Blender shades by angle."""
    if group is None:
        return None
    normal = _coin_first(group, coin, coin.SoNormal.getClassTypeId())
    binding = _coin_first(group, coin, coin.SoNormalBinding.getClassTypeId())
    ni = faces.normalIndex
    if normal is None or binding is None or binding.value.getValue() != coin.SoNormalBinding.PER_VERTEX_INDEXED \
            or ni.getNum() > 1 or (ni.getNum() == 1 and ni[0] != -1) or normal.vector.getNum() < used:
        return None
    n = _field(np, normal.vector, np.float32)[:3 * used].reshape(-1, 3)
    if len(n) != used:
        return None
    length = np.sqrt((n * n).sum(axis=1))
    # Zero stays zero: Blender reads a zero custom normal as "compute this one".
    n /= np.where(length > 0, length, 1)[:, None]
    return n.reshape(-1)


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
