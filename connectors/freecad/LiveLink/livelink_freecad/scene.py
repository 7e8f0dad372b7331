"""Builds the livelink scene from what freecad_doc found, and caches meshes. Pure Python."""
from dataclasses import dataclass, field


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


@dataclass
class MeshCache:
    """Blobs per (document, object), kept until FreeCAD says the object's shape changed (the document observer
    calls invalidate), so an unchanged object is neither re-meshed nor re-uploaded. Shape hash codes cannot serve
    as the key: FreeCAD 0.20 gives every shape a new one on each recompute."""
    entries: dict = field(default_factory=dict)  # (doc, object) -> (tolerance, hash, blob)

    def get(self, doc, name, tolerance):
        e = self.entries.get((doc, name))
        return (e[1], e[2]) if e is not None and e[0] == tolerance else None

    def put(self, doc, name, tolerance, hash_, blob):
        self.entries[(doc, name)] = (tolerance, hash_, blob)

    def invalidate(self, doc, name=None):
        """One object's entry, or with name None every entry of the document."""
        for key in [k for k in self.entries if k[0] == doc and (name is None or k[1] == name)]:
            del self.entries[key]


def build_scene(doc_id, doc_label, source, items, mesh_hashes):
    """The scene dict for publishing. mesh_hashes maps an object name to its blob hash."""
    ids = {i.id for i in items}
    nodes = []
    for i in items:
        nodes.append({
            "id": i.id, "name": i.label, "parent": i.parent if i.parent in ids else None,
            "transform": list(i.transform), "mesh": mesh_hashes.get(i.mesh_of) if i.mesh_of else None,
            "materials": list(i.materials), "visible": i.visible,
        })
    return {"id": doc_id, "name": doc_label, "source": source, "units": "mm", "up": "Z", "nodes": nodes}


def safe_id(name):
    """FreeCAD names are already [A-Za-z0-9_]; this guards the protocol's id rule for anything else."""
    out = "".join(c if (c.isascii() and c.isalnum()) or c in "_.:-" else "_" for c in name)
    return out[:200] or "_"


def describe_targets(acks):
    """One line per ack for the Report view: 'Blender 3.4.1 (file.blend): applied in 12 ms'."""
    lines = []
    for a in acks:
        who = "%s %s (%s)" % (a.get("app", "?"), a.get("appVersion", ""), a.get("document", "?"))
        if a.get("status") == "ok":
            ms = a.get("timings", {}).get("total_ms")
            lines.append("%s: applied%s" % (who, " in %.0f ms" % ms if ms is not None else ""))
        else:
            lines.append("%s: FAILED: %s" % (who, a.get("reason", "no reason given")))
    return lines
