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
    """Tessellation tolerance, as FreeCAD's own 'Deviation' (percent of the size). The default equals FreeCAD's
    display default, so the triangulation FreeCAD already made for the 3D view is reused, not computed again."""
    return App.ParamGet(PARAMS).GetFloat("Deviation", 0.5)


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
            faces = 0 if o.isDerivedFrom("Mesh::Feature") else len(o.Shape.Faces)
            mats, slots = _materials(o, faces)
            sources[o.Name] = (o, slots)
            items.append(Item(safe_id(o.Name), o.Label, pid, _matrix(_local(o)), o.Name, tuple(mats)))
    return items, sources


def _link_items(link, pid, sources):
    """An App::Link is an instance: a node with the link's placement whose mesh (or whole subtree, for a linked
    App::Part) reuses the target's meshes."""
    target = link.getLinkedObject(True)
    if target is None:
        return []
    lid = safe_id(link.Name)
    local = _matrix(_local(link))
    if _has_faces(target) and not _is_container(target):
        faces = 0 if target.isDerivedFrom("Mesh::Feature") else len(target.Shape.Faces)
        mats, slots = _materials(target, faces)
        sources.setdefault(target.Name, (target, slots))
        return [Item(lid, link.Label, pid, local, target.Name, tuple(mats))]
    out = [Item(lid, link.Label, pid, local)]
    for o in _descendants(target):
        if _inside_body(o) or not o.Visibility:
            continue
        p = _parent(o)
        cid = lid + ":" + safe_id(o.Name)
        ppid = lid if p is target else lid + ":" + safe_id(p.Name)
        if _is_container(o):
            out.append(Item(cid, "%s (%s)" % (o.Label, link.Label), ppid, _matrix(_local(o))))
        elif _has_faces(o):
            faces = 0 if o.isDerivedFrom("Mesh::Feature") else len(o.Shape.Faces)
            mats, slots = _materials(o, faces)
            sources.setdefault(o.Name, (o, slots))
            out.append(Item(cid, "%s (%s)" % (o.Label, link.Label), ppid, _matrix(_local(o)), o.Name, tuple(mats)))
    return out


def _descendants(container):
    out = []
    for c in getattr(container, "Group", []):
        out.append(c)
        if _is_container(c):
            out.extend(_descendants(c))
    return out


def shape_key(o):
    """Identity of an object's geometry, independent of its placement: unchanged key, unchanged mesh."""
    if o.isDerivedFrom("Mesh::Feature"):
        return ("mesh", o.Mesh.CountPoints, o.Mesh.CountFacets, round(o.Mesh.Area, 6), round(o.Mesh.Volume, 6))
    import Part
    s = Part.Shape(o.Shape)
    s.Placement = App.Placement()
    return ("shape", s.hashCode(), deviation_percent())


def mesh_blob(o, slots):
    """The object's mesh in its own coordinates (placement removed), as a livelink blob: (hash, bytes).

    Fast path: Shape.tessellate reuses the triangulation FreeCAD keeps on the shape and returns it in one call;
    numpy turns the point and triangle lists into typed arrays in C (no per-vertex Python loop). Objects with
    per-face colours are tessellated face by face to know which triangles belong to which face.
    """
    try:
        import numpy as np
    except ImportError as e:
        raise ExportError("numpy is missing from this FreeCAD; livelink needs it to convert meshes") from e
    if o.isDerivedFrom("Mesh::Feature"):
        m = o.Mesh.copy()
        m.Placement = App.Placement()
        pts, tris = m.Topology
        pos = np.array(pts, dtype=np.float32).reshape(-1)
        idx = np.array(tris, dtype=np.uint32).reshape(-1)
        return _blob(meshblob.encode(pos, idx))
    import Part
    shape = Part.Shape(o.Shape)
    shape.Placement = App.Placement()
    b = shape.BoundBox
    deflection = max((b.XLength + b.YLength + b.ZLength) / 300.0 * deviation_percent(), 1e-6)
    if slots is None:
        pts, tris = shape.tessellate(deflection)
        if not tris:
            raise ExportError("%s (%s) has no triangles after tessellation" % (o.Label, o.Name))
        pos = np.array(pts, dtype=np.float32).reshape(-1)
        idx = np.array(tris, dtype=np.uint32).reshape(-1)
        return _blob(meshblob.encode(pos, idx))
    parts_p, parts_t, mat = [], [], []
    base = 0
    for face, slot in zip(shape.Faces, slots):
        pts, tris = face.tessellate(deflection)
        if not tris:
            continue
        parts_p.append(np.array(pts, dtype=np.float32))
        parts_t.append(np.array(tris, dtype=np.uint32) + base)
        mat.append(np.full(len(tris), slot, dtype=np.uint32))
        base += len(pts)
    if not parts_t:
        raise ExportError("%s (%s) has no triangles after tessellation" % (o.Label, o.Name))
    return _blob(meshblob.encode(np.concatenate(parts_p).reshape(-1), np.concatenate(parts_t).reshape(-1),
                                 material_index=np.concatenate(mat)))


def _blob(b):
    return hashlib.sha256(b).hexdigest(), b
