"""Shared pieces of the end-to-end tests: paths, and the probe code that reads Blender's real state."""
import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "support"))
FIXTURES = os.path.join(REPO, "hub", "src", "test", "resources", "fixtures")

import apps  # noqa: E402,F401

from apps import ADDON, link_status  # noqa: E402,F401 - re-exported for the tests

sys.path.insert(0, os.path.join(REPO, "connectors", "python"))
from livelink_client import HubClient  # noqa: E402


class LinkTest(unittest.TestCase):
    """One scenario in its own sandbox (HOME and LIVELINK_HOME in a temp dir): what `needs` names must be
    installed, the connectors are installed (`install`: arguments of `livelink`, empty for none) and a hub started
    (`with_hub`). Everything started through these methods is stopped in reverse order at the end, also when setUp
    fails half way (addCleanup)."""
    needs = ("freecad", "blender", "xvfb-run")
    install = ("install",)
    with_hub = True

    def setUp(self):
        apps.require(*self.needs)
        self.sb = apps.Sandbox()
        self.addCleanup(self.sb.cleanup)
        if self.install:
            self.sb.run(*self.install)
        if self.with_hub:
            self.start_hub()

    def start_hub(self):
        self.hub = self.sb.hub()
        self.addCleanup(self.hub.stop)
        return self.hub

    def start_blender(self, connected=True, **kwargs):
        """A real Blender window with the probe; by default waits until its link is connected to the hub."""
        b = self.keep(apps.start_blender(self.sb, **kwargs))
        if connected:
            apps.wait_until(lambda: b.eval(link_status()) == "connected", timeout=60, what="Blender to connect")
        return b

    def start_freecad(self):
        return self.keep(apps.start_freecad(self.sb))

    def keep(self, probe):
        """Kills the application at the end of the test."""
        self.addCleanup(probe.kill)
        return probe

    def hub_client(self):
        """The shared Python client on this sandbox's hub, closed at the end."""
        client = HubClient.discover(self.sb.livelink_home)
        self.addCleanup(client.close)
        return client

# Runs inside Blender: every livelink object with its world bounds in metres, colours, parent, mesh and modifiers.
BLENDER_STATE = '''
import mathutils
def _state():
    # World matrices as Blender will draw them: a parent the add-on just set shows in matrix_world only once the
    # depsgraph is evaluated (before the next redraw), which this read may come before.
    bpy.context.view_layer.update()
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
