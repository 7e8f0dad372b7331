"""Turns a scene delta into the changes a receiver makes: creates, updates (with the fields that changed) and
removals. Pure Python; both connectors plan with it (Blender into bpy.data, FreeCAD into a document).

A receiver may already hold nodes the delta calls "added" (a re-send, a catch-up after restart): those become
updates, so applying the same version twice creates nothing twice.
"""
from dataclasses import dataclass, field

ALL_FIELDS = frozenset(("name", "parent", "transform", "mesh", "materials", "visibility"))


@dataclass(frozen=True)
class Create:
    node: dict


@dataclass(frozen=True)
class Update:
    node: dict
    fields: frozenset


@dataclass(frozen=True)
class Remove:
    node_id: str


@dataclass
class Plan:
    scene: dict
    version: int
    creates: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    removes: list = field(default_factory=list)

    @property
    def touched(self):
        return len(self.creates) + len(self.updates) + len(self.removes)

    def meshes_needed(self, have):
        """Mesh hashes that new or re-meshed nodes use and that are not in `have`."""
        need = []
        for op in self.creates + [u for u in self.updates if "mesh" in u.fields]:
            h = op.node.get("mesh")
            if h and h not in have and h not in need:
                need.append(h)
        return need


def delta_meshes(delta, have):
    """Mesh hashes the delta's nodes use that are not in `have`: what the fetcher gets before the main thread
    plans. A superset of Plan.meshes_needed: a changed node the receiver lost is created, and needs its mesh; an
    unchanged mesh of a node the receiver holds is in `have`."""
    need = []
    nodes = list(delta.get("added", ())) + [c["node"] for c in delta.get("changed", ())]
    for node in nodes:
        h = node.get("mesh")
        if h and h not in have and h not in need:
            need.append(h)
    return need


def make_plan(delta, existing_ids):
    """delta: the hub's delta JSON; existing_ids: node ids of this scene the receiver holds."""
    existing = set(existing_ids)
    p = Plan(scene=delta["scene"], version=int(delta["to"]))
    seen = set()
    for node in delta.get("added", ()):
        seen.add(node["id"])
        if node["id"] in existing:
            p.updates.append(Update(node, ALL_FIELDS))
        else:
            p.creates.append(Create(node))
    for ch in delta.get("changed", ()):
        node = ch["node"]
        seen.add(node["id"])
        if node["id"] in existing:
            p.updates.append(Update(node, frozenset(ch.get("fields", ALL_FIELDS))))
        else:
            p.creates.append(Create(node))
    removed = set(delta.get("removed", ()))
    if delta.get("full"):
        removed |= existing - seen
    p.removes = [Remove(i) for i in sorted(removed & existing)]
    return p
