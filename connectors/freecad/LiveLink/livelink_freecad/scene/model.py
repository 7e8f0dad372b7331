"""What a FreeCAD document becomes: nodes (Item), the objects to mesh (MeshSource), their meshes (Mesh) and the
scene dict the hub takes. Pure Python."""
import hashlib
import re
from dataclasses import dataclass


class ExportError(Exception):
    """A document that cannot be sent; the message is shown to the user as it is."""


class MeshError(ExportError):
    """One object that cannot be meshed: it is left out and the others are sent. The message is the reason alone
    (the Report view names the object)."""


@dataclass(frozen=True)
class Item:
    """One node to send. mesh_of names the object whose shape gives the mesh (itself, or a link's target)."""
    id: str
    label: str
    parent: str
    transform: tuple  # 16 numbers, row-major, relative to the parent
    mesh_of: str = None
    materials: tuple = ()
    visible: bool = True


@dataclass(frozen=True)
class MeshSource:
    """An object whose shape becomes one mesh. slots: per-face material index, or None for one material; part of
    the mesh (the blob's material index), so a change of per-face colours is a change of mesh."""
    name: str  # what Item.mesh_of refers to: the object's Name ("Doc#Name" for an object of another document)
    obj: object
    slots: tuple = None
    label: str = ""  # the object's Label, for messages


@dataclass(frozen=True)
class Mesh:
    """A mesh blob and its address (lowercase hex SHA-256 of the bytes, as the hub checks)."""
    hash: str
    data: bytes

    @classmethod
    def of(cls, data):
        return cls(hashlib.sha256(data).hexdigest(), data)


def with_geometry(items, unmeshed=()):
    """The nodes that show something: those with a mesh, less those whose mesh is named in unmeshed (objects that
    could not be meshed), and the ancestors of those. An App::Part or group with nothing to show under it is left
    out, as FreeCAD's own origin and joint groups would otherwise be."""
    by_id = {i.id: i for i in items}
    keep = set()
    for i in items:
        if i.mesh_of is None or i.mesh_of in unmeshed:
            continue
        node = i
        while node is not None and node.id not in keep:
            keep.add(node.id)
            node = by_id.get(node.parent)
    return [i for i in items if i.id in keep]


def build_scene(doc_id, doc_label, source, items, meshes, reuse=None):
    """The scene dict for publishing. meshes maps an object name (Item.mesh_of) to its Mesh.

    reuse: a dict kept by the caller between scenes of one document. A node whose Item is the same object as in
    the last scene, with the same mesh and parent, is the same dict as there: the client tells an unchanged node by
    identity, and nothing is made again for it."""
    ids = {i.id for i in items}
    nodes, kept = [], {}
    last = reuse if reuse is not None else {}
    for i in items:
        mesh = meshes[i.mesh_of].hash if i.mesh_of else None
        parent = i.parent if i.parent in ids else None
        k = id(i)
        old = last.get(k)
        if old is not None and old[0] is i and old[1] == mesh and old[2] == parent:
            node = old[3]
        else:
            node = {"id": i.id, "name": i.label, "parent": parent, "transform": list(i.transform), "mesh": mesh,
                    "materials": list(i.materials), "visible": i.visible}
        kept[k] = (i, mesh, parent, node)  # the Item is held, so its id() is not another's meanwhile
        nodes.append(node)
    if reuse is not None:
        reuse.clear()
        reuse.update(kept)
    return {"id": doc_id, "name": doc_label, "source": source, "units": "mm", "up": "Z", "nodes": nodes}


_ID = re.compile(r"[A-Za-z0-9_.:-]{1,200}")


def safe_id(name):
    """FreeCAD names are already [A-Za-z0-9_]; this guards the protocol's id rule for anything else. (A regex
    first: a loop over the characters of every name was 8 % of a 2,000-part collect.)"""
    if _ID.fullmatch(name):
        return name
    out = "".join(c if (c.isascii() and c.isalnum()) or c in "_.:-" else "_" for c in name)
    return out[:200] or "_"
