"""Reads a FreeCAD document: which objects are sent, as which nodes (placement, parent, colours), and which
objects are meshed. GUI thread only (FreeCAD objects are not thread-safe)."""
from .. import fc
from . import colors, meshing
from .model import Item, MeshSource, safe_id


class FreeCADDocuments:
    """The documents the Controller sends, as FreeCAD holds them. Unit tests give the Controller a fake instead."""

    def active(self):
        return fc.active_document()

    def is_open(self, doc):
        return fc.is_open(doc)

    def deviation(self):
        """Tessellation tolerance in percent of the size, as FreeCAD's own 'Deviation'. 0 (the default) sends the
        triangulation FreeCAD already made for its 3D view: nothing is meshed twice and Blender shows what FreeCAD
        shows. A positive value meshes anew at that deviation."""
        return fc.params().GetFloat("Deviation", 0.0)

    def collect(self, doc):
        return collect(doc)

    def mesh(self, source, deviation):
        return meshing.mesh(source, deviation)


def collect(doc):
    """(items, sources): the nodes to send, and a MeshSource for every object whose mesh a node uses (once per
    object, however many links show it)."""
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
    return items, tuple(sources.values())


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
    return o.getParentGeoFeatureGroup() if hasattr(o, "getParentGeoFeatureGroup") else None


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
    return p if p is not None else fc.App.Placement()


def _materials(o, face_count):
    vo = getattr(o, "ViewObject", None)
    if vo is None:  # no GUI (freecadcmd): FreeCAD's default grey
        return colors.object_materials(o.Label, (0.8, 0.8, 0.8), 0, None, face_count)
    shape_color = tuple(getattr(vo, "ShapeColor", (0.8, 0.8, 0.8, 0.0)))
    face_colors = [tuple(c) for c in getattr(vo, "DiffuseColor", ())]
    return colors.object_materials(o.Label, shape_color, getattr(vo, "Transparency", 0), face_colors, face_count)


def _shape_item(o, node_id, label, parent_id, placement, sources):
    """The node of an object with faces (or of a link to one), its materials, and o queued for meshing."""
    faces = 0 if o.isDerivedFrom("Mesh::Feature") else len(o.Shape.Faces)
    mats, slots = _materials(o, faces)
    sources.setdefault(o.Name, MeshSource(o.Name, o, tuple(slots) if slots is not None else None))
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
