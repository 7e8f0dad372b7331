"""Shared pieces of the end-to-end tests: paths, and the probe code that reads Blender's real state."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "support"))
FIXTURES = os.path.join(REPO, "hub", "src", "test", "resources", "fixtures")

import apps  # noqa: E402,F401

from apps import ADDON, link_status  # noqa: E402,F401 - re-exported for the tests

# Runs inside Blender: every livelink object with its world bounds in metres, colours, parent, mesh and modifiers.
BLENDER_STATE = '''
import mathutils
def _state():
    out = {}
    for o in bpy.data.objects:
        if "livelink_node" not in o:
            continue
        mesh = o.data if o.type == "MESH" else None
        # Bounds of the mesh data livelink wrote, not of the evaluated result (an artist's modifier changes that).
        pts = [o.matrix_world @ v.co for v in mesh.vertices] if mesh else [o.matrix_world.translation]
        bb = pts or [o.matrix_world.translation]
        out[o.name] = {
            "node": o["livelink_node"], "type": o.type,
            "mesh": mesh.name if mesh else None,
            "mesh_ptr": mesh.as_pointer() if mesh else 0,
            "min": [round(min(v[i] for v in bb), 4) for i in range(3)],
            "max": [round(max(v[i] for v in bb), 4) for i in range(3)],
            "parent": o.parent.name if o.parent else None,
            "colors": [[round(x, 3) for x in m.diffuse_color] if m else None for m in mesh.materials] if mesh else [],
            "material_names": [m.name if m else None for m in mesh.materials] if mesh else [],
            "modifiers": [m.type for m in o.modifiers],
            "collections": [c.name for c in o.users_collection],
            "smooth": all(p.use_smooth for p in mesh.polygons) if mesh else None,
            "triangles": len(mesh.polygons) if mesh else 0,
        }
    return out
result = _state()
'''


def write_box(path, x, y, z, name="Box"):
    """An OBJ box x by y by z, Z-up, corner at the origin."""
    v = [(a, b, c) for c in (0, z) for b in (0, y) for a in (0, x)]
    quads = [(0, 2, 3, 1), (4, 5, 7, 6), (0, 1, 5, 4), (2, 6, 7, 3), (0, 4, 6, 2), (1, 3, 7, 5)]
    with open(path, "w") as f:
        f.write("o %s\n" % name)
        f.writelines("v %g %g %g\n" % p for p in v)
        f.writelines("f %d %d %d %d\n" % tuple(i + 1 for i in q) for q in quads)


def peers(sandbox):
    return json.loads(sandbox.run("peers", "--json").stdout)
