"""Shared pieces of the receiving tests: mesh blobs, nodes and deltas as Blender sends them (metres, Z up)."""
import hashlib
import math
from array import array

import fakes  # noqa: F401 - puts LiveLink on sys.path
from livelink_freecad.livelink_client import meshblob
from livelink_freecad.receive import meshes

SCENE = {"id": "blender:untitled-1a2b", "name": "untitled", "source": "Blender 4.3.2", "units": "m", "up": "Z"}
IDENTITY = [1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 1.0]
RED = {"name": "Red", "color": [1.0, 0.0, 0.0, 1.0], "metallic": 0.0, "roughness": 0.5}
BLUE = {"name": "Blue", "color": [0.0, 0.0, 1.0, 0.5], "metallic": 0.0, "roughness": 0.5}
GREY = {"name": "Grey", "color": [0.21586, 0.21586, 0.21586, 1.0], "metallic": 0.0, "roughness": 0.5}


def cube_blob(size=2.0, two_materials=False, nan=False):
    """A cube `size` metres wide centred on its origin: 8 vertices, 12 triangles; the last 6 in material 1."""
    h = size / 2.0
    pts = [(x, y, z) for z in (-h, h) for y in (-h, h) for x in (-h, h)]
    if nan:
        pts[0] = (float("nan"), 0.0, 0.0)
    quads = [(0, 2, 3, 1), (4, 5, 7, 6), (0, 1, 5, 4), (2, 6, 7, 3), (0, 4, 6, 2), (1, 3, 7, 5)]
    tris = [t for a, b, c, d in quads for t in ((a, b, c), (a, c, d))]
    mi = array("I", [0] * 6 + [1] * 6) if two_materials else None
    return meshblob.encode(array("f", [c for p in pts for c in p]), array("I", [i for t in tris for i in t]),
                           material_index=mi)


def empty_blob():
    return meshblob.encode(array("f", [0, 0, 0]), array("I", []))


def sha(data):
    return hashlib.sha256(data).hexdigest()


def trs(t=(0, 0, 0), rz=0.0, s=(1, 1, 1)):
    """Translation x rotation about Z x scale, as Blender's matrix_basis (16 numbers, row-major)."""
    c, n = math.cos(rz), math.sin(rz)
    return [c * s[0], -n * s[1], 0.0, t[0], n * s[0], c * s[1], 0.0, t[1], 0.0, 0.0, s[2], t[2], 0, 0, 0, 1.0]


def node(i, mesh=None, parent=None, transform=None, materials=(), name=None):
    return {"id": i, "name": name or i, "parent": parent, "transform": list(transform or IDENTITY), "mesh": mesh,
            "materials": [dict(m) for m in materials], "visible": True}


def delta(nodes, to=1, since=0, changed=(), removed=(), full=None, scene=SCENE):
    """A delta: `nodes` added; changed as (node, [fields]); removed ids."""
    return {"scene": dict(scene), "from": since, "to": to, "full": since == 0 if full is None else full,
            "added": list(nodes), "changed": [{"node": n, "fields": list(f)} for n, f in changed],
            "removed": list(removed)}


def decoded(*blobs):
    """{hash: Geometry or BadMesh}, as the fetch thread hands them over."""
    return meshes.decode_all({sha(b): b for b in blobs})
