"""What Blender sends, in plain Python (no bpy): the scene id of a .blend, node ids and which of two objects with one
id is the copy, and the scene's nodes built from collected objects and from what was sent before.

Transforms are 16 numbers, row-major, translation in metres (the bpy side has applied the unit scale). An object's
node is placed relative to its nearest ancestor that is sent; with none, at the top level with its world transform.
"""
import re
from collections import defaultdict
from dataclasses import dataclass

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")  # node ids: the protocol's set minus ":", which instance ids use
IDENTITY = (1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0)
DIGITS = 7  # 0.1 micrometre: compact JSON, and the same matrix always prints the same


@dataclass(frozen=True)
class Present:
    """An object of the Blender scene that takes part (it carries a send id); cheap to read for every object."""
    id: str
    name: str
    ancestors: tuple = ()  # send ids up the parent chain, nearest first
    from_link: bool = False  # it arrived from the link (livelink_node): never re-sent by Auto-send


@dataclass(frozen=True)
class Instance:
    """One collection or geometry-nodes instance an object generates."""
    suffix: str  # from the instance's persistent id: stable while the instancer's setup stays
    name: str
    world: tuple
    mesh: str  # key of the job's meshes: instances of one geometry share it
    materials: tuple = ()


@dataclass(frozen=True)
class Collected:
    """An object read from the evaluated depsgraph."""
    id: str
    world: tuple
    mesh: str = None  # key of the job's meshes; None for an empty (or nothing to triangulate)
    materials: tuple = ()
    visible: bool = True
    instances: tuple = ()


@dataclass(frozen=True)
class Sent:
    """What was published for one object: its world transform then, and its node followed by its instances'."""
    world: tuple
    nodes: tuple


# ---- identity ------------------------------------------------------------------------------------------------------

def safe_id(text, limit=60):
    s = _UNSAFE.sub("_", text).strip("_")[:limit]
    return s or "object"


def node_id(name, token):
    """A new object's id: readable, and unique by the random token."""
    return "%s-%s" % (safe_id(name), token)


def scene_identity(stored_id, stored_file, current_file, token):
    """(scene id, the file it belongs to). A saved .blend sends as "blender:<file stem>"; an unsaved one under a
    random id kept in the .blend, which it keeps once saved. A Save As under another name is another scene."""
    if stored_id and stored_file in ("", current_file):
        return stored_id, current_file
    if current_file:
        return "blender:" + safe_id(current_file.rsplit(".", 1)[0], 180), current_file
    return "blender:untitled-" + token, ""


@dataclass(frozen=True)
class Carrier:
    """An object carrying a send id, for the duplicate check."""
    key: str  # the object's name now
    send_id: str
    uid: int  # session_uid where Blender has it, else as_pointer(): the same object keeps it all session


def copies(carriers, owners, names):
    """Keys of objects that copied another's send id (Shift+D, Ctrl+C/V copies custom properties) and need their
    own. Of several objects with one id the original is the one this session saw with it (owners: id -> uid),
    else the one with the name it was last sent under (names: id -> name, kept in the .blend), else the shortest
    name (Blender names a copy "Cube.001")."""
    groups = defaultdict(list)
    for c in carriers:
        groups[c.send_id].append(c)
    out = []
    for sid, group in groups.items():
        if len(group) < 2:
            continue
        keep = (next((c for c in group if c.uid == owners.get(sid)), None)
                or next((c for c in group if c.key == names.get(sid)), None)
                or min(group, key=lambda c: (len(c.key), c.key)))
        out += [c.key for c in group if c is not keep]
    return sorted(out)


# ---- matrices (16 numbers, row-major) -------------------------------------------------------------------------------

def mul(a, b):
    return tuple(sum(a[r * 4 + k] * b[k * 4 + c] for k in range(4)) for r in range(4) for c in range(4))


def inverse(m):
    """Inverse of an affine matrix; None when singular (an object scaled to zero)."""
    a, b, c, d, e, f, g, h, i = m[0], m[1], m[2], m[4], m[5], m[6], m[8], m[9], m[10]
    co = (e * i - f * h, -(d * i - f * g), d * h - e * g)
    det = a * co[0] + b * co[1] + c * co[2]
    if abs(det) < 1e-12:
        return None
    inv = ((e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
           (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
           (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det)
    t = (m[3], m[7], m[11])
    out = []
    for r in range(3):
        row = inv[r * 3:r * 3 + 3]
        out += list(row) + [-(row[0] * t[0] + row[1] * t[1] + row[2] * t[2])]
    return tuple(out) + (0.0, 0.0, 0.0, 1.0)


def relative(parent_world, world):
    """world expressed in parent_world's frame, or None when the parent is singular."""
    inv = inverse(parent_world)
    return None if inv is None else mul(inv, world)


def tidy(m):
    return [round(x, DIGITS) + 0.0 for x in m]  # + 0.0: no "-0.0" in the JSON


# ---- the scene ------------------------------------------------------------------------------------------------------

def _node(nid, name, parent, transform, mesh, materials, visible):
    return {"id": nid, "name": name, "parent": parent, "transform": tidy(transform), "mesh": mesh,
            "materials": [dict(m) for m in materials], "visible": visible}


def _depth(i, parent_of):
    d = 0
    while parent_of.get(i):
        i, d = parent_of[i], d + 1
    return d


def build(present, fresh, cache):
    """The nodes of the next version and what to remember of it.

    present: {id: Present}, every object that takes part; fresh: {id: Collected} for those read now; cache:
    {id: Sent} as last published, for the others (the caller makes sure each present id is in one of the two).
    Returns (nodes, families): nodes parents first; families {id: Sent} with the nodes as built (fresh meshes
    still named by key). A kept object's node stays as it was sent unless its sent parent changed; then its
    transform is re-expressed from the world transform it was sent with."""
    parent_of = {i: next((a for a in p.ancestors if a in present and a != i), None) for i, p in present.items()}
    worlds = {i: fresh[i].world if i in fresh else cache[i].world for i in present}
    nodes, families = [], {}
    for i in sorted(present, key=lambda i: (_depth(i, parent_of), present[i].name, i)):
        parent = parent_of[i]
        local = relative(worlds[parent], worlds[i]) if parent else worlds[i]
        if local is None:
            parent, local = None, worlds[i]
        if i in fresh:
            c = fresh[i]
            family = [_node(i, present[i].name, parent, local, c.mesh, c.materials, c.visible)]
            for s in c.instances:
                t = relative(c.world, s.world)
                family.append(_node("%s:%s" % (i, s.suffix), s.name, i if t is not None else None,
                                    t if t is not None else s.world, s.mesh, s.materials, True))
        else:
            old = cache[i].nodes
            own = dict(old[0], name=present[i].name)
            if old[0].get("parent") != parent:
                own["parent"], own["transform"] = parent, tidy(local)
            family = [own] + [dict(n) for n in old[1:]]
        nodes += family
        families[i] = Sent(worlds[i], tuple(family))
    return nodes, families


def resolve(families, hashes):
    """families with fresh mesh keys replaced by the hashes the blobs got."""
    out = {}
    for i, s in families.items():
        out[i] = Sent(s.world, tuple(dict(n, mesh=hashes.get(n["mesh"], n["mesh"])) for n in s.nodes))
    return out
