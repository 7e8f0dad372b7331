"""What a received delta does to a FreeCAD document, in plain Python: which App::Part each node goes in, its
Placement in millimetres, the part of its transform a Placement cannot hold, which blobs to fetch, and the
operations apply.py carries out.

A FreeCAD Placement is a rotation and a translation; Blender's transforms also scale (a cube scaled 1 x 2 x 0.5).
So each transform is split into a rigid part (the Placement) and a residual (scale, shear, a mirror), which is baked
into the mesh's vertices. A residual passes down to children: an App::Part made for a scaled Blender empty cannot
scale its members, so they carry it. A node under a mesh node (an object parented to a mesh in Blender) goes in the
mesh's App::Part, its transform composed with the mesh node's, since a Mesh::Feature holds no children.

Transforms are 16 numbers, row-major; residuals and vertex matrices 9 (3 x 3, rows)."""
import math
from dataclasses import dataclass

from ..livelink_client import frames

MM_PER_M = 1000.0
IDENTITY3 = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0)
KEEP = "keep"  # Op.container: the object stays where it is
PART, MESH = "part", "mesh"
EPS = 1e-9


def kind(node):
    """A node with a mesh becomes a Mesh::Feature (or a Part solid); one without, an empty, an App::Part."""
    return MESH if node.get("mesh") else PART


def to_mm(scene, flat):
    """A node's transform in FreeCAD's frame: Z up, translation in millimetres."""
    m = frames.object_matrix(scene, flat)
    return tuple(m[r][c] * (MM_PER_M if c == 3 and r < 3 else 1.0) for r in range(4) for c in range(4))


def vertex_matrix(scene, residual):
    """The 3 x 3 that takes a blob's vertices to the object's own frame in millimetres: units, Y-up to Z-up, then
    the residual of its transform."""
    m = frames.mesh_matrix(scene)
    base = tuple(m[r][c] * MM_PER_M for r in range(3) for c in range(3))
    return mul3(residual, base)


def mul(a, b):
    return tuple(sum(a[r * 4 + k] * b[k * 4 + c] for k in range(4)) for r in range(4) for c in range(4))


def mul3(a, b):
    return tuple(sum(a[r * 3 + k] * b[k * 3 + c] for k in range(3)) for r in range(3) for c in range(3))


def inverse3(m):
    """The inverse of a 3 x 3, or None when it is singular (an object scaled to zero)."""
    a, b, c, d, e, f, g, h, i = m
    co = (e * i - f * h, c * h - b * i, b * f - c * e, f * g - d * i, a * i - c * g, c * d - a * f,
          d * h - e * g, b * g - a * h, a * e - b * d)
    det = a * co[0] + b * co[3] + c * co[6]
    return None if abs(det) < 1e-18 else tuple(x / det for x in co)


def _expand(m9):
    """A 3 x 3 as a 4 x 4 with no translation."""
    return (m9[0], m9[1], m9[2], 0.0, m9[3], m9[4], m9[5], 0.0, m9[6], m9[7], m9[8], 0.0, 0.0, 0.0, 0.0, 1.0)


def decompose(m):
    """(rigid 4 x 4, residual 3 x 3) with m = rigid x residual: Gram-Schmidt on the columns of the linear part
    gives the rotation (the Placement's) and an upper triangular rest (scale and shear). A mirror goes into the
    rest, so the rotation stays proper; a singular transform keeps all of its linear part in the rest."""
    cols = [[m[0 + c], m[4 + c], m[8 + c]] for c in range(3)]
    q, u = [], [[0.0] * 3 for _ in range(3)]
    for c in range(3):
        v = list(cols[c])
        for k in range(c):
            u[k][c] = sum(q[k][i] * cols[c][i] for i in range(3))
            v = [v[i] - u[k][c] * q[k][i] for i in range(3)]
        n = math.sqrt(sum(x * x for x in v))
        if n < EPS:
            return (1.0, 0.0, 0.0, m[3], 0.0, 1.0, 0.0, m[7], 0.0, 0.0, 1.0, m[11], 0.0, 0.0, 0.0, 1.0), \
                (m[0], m[1], m[2], m[4], m[5], m[6], m[8], m[9], m[10])
        u[c][c] = n
        q.append([x / n for x in v])
    det = (q[0][0] * (q[1][1] * q[2][2] - q[1][2] * q[2][1]) - q[1][0] * (q[0][1] * q[2][2] - q[0][2] * q[2][1])
           + q[2][0] * (q[0][1] * q[1][2] - q[0][2] * q[1][1]))
    if det < 0:
        q[2] = [-x for x in q[2]]
        u[2] = [-x for x in u[2]]
    rigid = (q[0][0], q[1][0], q[2][0], m[3], q[0][1], q[1][1], q[2][1], m[7], q[0][2], q[1][2], q[2][2], m[11],
             0.0, 0.0, 0.0, 1.0)
    residual = tuple(0.0 if abs(x) < EPS else x for row in u for x in row)
    return rigid, residual


def same(a, b, tol=1e-7):
    return a is not None and b is not None and all(abs(x - y) <= tol * max(1.0, abs(x), abs(y))
                                                   for x, y in zip(a, b))


@dataclass(frozen=True)
class Layout:
    container: str  # node id of the App::Part that holds it; None: the scene's root App::Part
    placement: tuple  # 16 numbers, millimetres, rotation and translation only, relative to the container
    residual: tuple  # 9 numbers: the rest of its transform, which its mesh (or its members) carry


def layout(scene, nodes, only=None):
    """{node id: Layout} for every node of {node id: node} (or those in `only`, and the App::Parts above them). A
    parent that is not among the nodes counts as none."""
    out = {}

    def place(i, seen):
        if i in out:
            return out[i]
        node = nodes[i]
        m = to_mm(scene, node.get("transform"))
        p = node.get("parent")
        while p in nodes and kind(nodes[p]) == MESH and p not in seen:
            seen = seen | {p}
            m = mul(to_mm(scene, nodes[p].get("transform")), m)
            p = nodes[p].get("parent")
        container = p if p in nodes and p not in seen and kind(nodes[p]) == PART else None
        carried = place(container, seen | {i}).residual if container is not None else IDENTITY3
        rigid, residual = decompose(mul(_expand(carried), m))
        out[i] = Layout(container, rigid, residual)
        return out[i]

    for i in nodes if only is None else only:
        place(i, frozenset((i,)))
    return out


def under(trees, ids):
    """`ids` and every node below them in any of `trees` ({node id: node}, by their parent links): the nodes whose
    layout a change to `ids` can change (a node's layout depends on its ancestors only)."""
    children = {}
    for nodes in trees:
        for i, n in nodes.items():
            children.setdefault(n.get("parent"), set()).add(i)
    out, todo = set(), list(ids)
    while todo:
        i = todo.pop()
        if i not in out:
            out.add(i)
            todo.extend(children.get(i, ()))
    return out


def depth(nodes, i):
    d, seen = 0, {i}
    while nodes[i].get("parent") in nodes and nodes[i]["parent"] not in seen:
        i = nodes[i]["parent"]
        seen.add(i)
        d += 1
    return d


def needs_blob(node, held):
    """Whether applying this node takes its blob: a node new here, another mesh, or other colours of a mesh with
    several materials (their face indices are in the blob). held: (mesh hash, materials) as applied, or None."""
    h = node.get("mesh")
    if not h:
        return False
    if held is None or held[0] != h:
        return True
    return held[1] != node.get("materials", []) and len(node.get("materials") or ()) > 1


def blobs_to_fetch(delta, held):
    """Hashes of the blobs applying this delta takes, once each. held: {node id: (mesh hash, materials)}."""
    out = []
    for node in list(delta.get("added", ())) + [c["node"] for c in delta.get("changed", ())]:
        if needs_blob(node, held.get(node["id"])) and node["mesh"] not in out:
            out.append(node["mesh"])
    return out


def accepted(source, from_apps):
    """Whether a scene from `source` ("Blender 4.3.2") is one this peer receives (the hub applies the same rule
    once it knows "from"; until then the receiver does)."""
    return "*" in from_apps or (source or "").split(" ")[0] in from_apps


@dataclass(frozen=True)
class Op:
    """What to do to one node's object. None (and KEEP) mean: leave it as it is."""
    id: str
    node: dict  # the node as it is recorded on the object afterwards
    create: bool = False  # a new object: the node is new here, or it changed between empty and mesh
    container: object = KEEP  # node id of the App::Part to put it in, None for the root; KEEP: where it is
    placement: tuple = None
    geometry: str = None  # the mesh hash to build it from
    vertices: tuple = None  # with geometry: the vertex matrix (units, axes, residual)
    rescale: tuple = None  # or: the 3 x 3 its present geometry is transformed by (its residual changed)
    label: str = None  # the source's name, given unless the user renamed the object
    colors: bool = False


def operations(scene, held, plan, fetched, adopt=False):
    """(ops, removed ids): ops parents first. held: {node id: node as applied}; plan: livelink_client.plan.Plan;
    fetched: the mesh hashes whose blobs arrived. What changed is found by comparing with what is held, so a full
    version changes only what differs, and a node the delta did not name still gets an op when an ancestor moved it
    (a mesh parent's transform, a residual passed down). adopt: every held node is put in its App::Part again.
    Only the nodes the plan names and those under them are looked at: an edit of one object of many costs one."""
    new = dict(held)
    for c in plan.creates:
        new[c.node["id"]] = c.node
    for u in plan.updates:
        new[u.node["id"]] = u.node
    removed = [r.node_id for r in plan.removes]
    for i in removed:
        new.pop(i, None)
    named = [c.node["id"] for c in plan.creates] + [u.node["id"] for u in plan.updates] + removed
    look = set(new) if adopt else under((held, new), named) & new.keys()
    before, after = layout(scene, held, look & held.keys()), layout(scene, new, look)
    ops = []
    for i in sorted(look, key=lambda i: (depth(new, i), i)):
        node, lay = new[i], after[i]
        old = held.get(i)
        if old is None or kind(old) != kind(node):
            ops.append(Op(i, node, True, lay.container, lay.placement, node.get("mesh"),
                          vertex_matrix(scene, lay.residual) if node.get("mesh") else None, label=node.get("name"),
                          colors=kind(node) == MESH))
            continue
        was = before[i]
        moved = adopt or node.get("parent") != old.get("parent") or was.container != lay.container
        placement = lay.placement if moved or not same(was.placement, lay.placement) else None
        geometry = vertices = rescale = None
        if kind(node) == MESH and (node["mesh"] != old.get("mesh") or not same(was.residual, lay.residual)):
            if node["mesh"] in fetched:
                geometry, vertices = node["mesh"], vertex_matrix(scene, lay.residual)
            elif node["mesh"] == old.get("mesh"):
                inv = inverse3(was.residual)
                rescale = mul3(lay.residual, inv) if inv is not None else None
        colors = kind(node) == MESH and (geometry is not None or node.get("materials") != old.get("materials"))
        label = node.get("name") if node.get("name") != old.get("name") else None
        if node == old and not (moved or placement or geometry or rescale):
            continue
        ops.append(Op(i, node, False, lay.container if moved else KEEP, placement, geometry, vertices, rescale,
                      label, colors))
    return ops, removed
