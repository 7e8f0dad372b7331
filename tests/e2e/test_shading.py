"""End to end: Blender shades what FreeCAD sends with FreeCAD's own normals (from the B-rep surface), read back as
numbers — the corner normals Blender computes for its viewport and renders — not by looks. Files without normals
(STL) keep Blender's angle-based shading; OBJ `vn` arrive as custom normals. A part of planar faces only shades with
Blender's own smooth normals, which are the sender's there (no custom normals)."""
import math
import os
import re
import unittest
from collections import defaultdict

import test_freecad  # the module, not its classes: unittest would run them again from here
from common import FIXTURES, LinkTest, apps

# Runs inside FreeCAD: (1) a sphere, (2) a box with a chamfer whose face meets the top at 20 degrees (under
# Blender's 30-degree auto-smooth angle), (3) a box with one edge filleted, radius 20 mm. Sizes in mm.
MAKE_SHAPES = r'''
import math
import Part
V = App.Vector
doc = App.newDocument("Shading")
sphere = doc.addObject("Part::Sphere", "Sphere"); sphere.Radius = 100
# The chamfer plane leaves the top face at x = 60 and falls by tan(20 deg) towards x = 100.
t = math.tan(math.radians(20))
cutter = Part.Face(Part.makePolygon([V(60, -10, 100), V(110, -10, 100 - 50 * t), V(110, -10, 120),
                                     V(60, -10, 120), V(60, -10, 100)])).extrude(V(0, 120, 0))
chamfer = doc.addObject("Part::Feature", "Chamfer")
chamfer.Shape = Part.makeBox(100, 100, 100).cut(cutter)
chamfer.Placement.Base = V(300, 0, 0)
box = Part.makeBox(100, 100, 100)
edge = [e for e in box.Edges if abs(e.BoundBox.XMin - 100) < 1e-6 and abs(e.BoundBox.ZMin - 100) < 1e-6][0]
fillet = doc.addObject("Part::Feature", "Fillet")
fillet.Shape = box.makeFillet(20, [edge])
fillet.Placement.Base = V(600, 0, 0)
doc.recompute()
Gui.updateGui()
result = [len(chamfer.Shape.Faces), len(fillet.Shape.Faces)]
'''

# Runs inside Blender: per face corner of each named object's mesh, its position (metres, the mesh's own frame),
# the normal Blender shades it with, and its triangle's geometric normal.
CORNERS = r'''
from array import array
def _corners(name):
    me = bpy.data.objects[name].data
    n = len(me.loops)
    nor = array("f", [0.0]) * (3 * n)
    if hasattr(me, "calc_normals_split"):  # before 4.1
        me.calc_normals_split()
        me.loops.foreach_get("normal", nor)
    else:
        me.corner_normals.foreach_get("vector", nor)
    vi = array("i", [0]) * n
    me.loops.foreach_get("vertex_index", vi)
    co = array("f", [0.0]) * (3 * len(me.vertices))
    me.vertices.foreach_get("co", co)
    pn = array("f", [0.0]) * (3 * len(me.polygons))
    me.polygons.foreach_get("normal", pn)
    face = [p.index for p in me.polygons for _ in range(p.loop_total)]
    stored = me.attributes.get("custom_normal")
    return {"custom": me.has_custom_normals, "vertices": len(me.vertices),
            "stored": (stored.data_type, stored.domain) if stored is not None else None,
            "pos": [tuple(round(co[3 * v + i], 6) for i in range(3)) for v in vi],
            "normal": [tuple(nor[3 * c:3 * c + 3]) for c in range(n)],
            "face": [tuple(pn[3 * f:3 * f + 3]) for f in face]}
result = {name: _corners(name) for name in NAMES}
# Whether this Blender has free custom normals (4.5+): its Set Mesh Normal node has the FREE mode.
_node = getattr(bpy.types, "GeometryNodeSetMeshNormal", None)
result["free normals"] = _node is not None and "FREE" in _node.bl_rna.properties["mode"].enum_items.keys()
'''


def angle(a, b):
    """Degrees between two vectors."""
    la, lb = math.sqrt(sum(x * x for x in a)), math.sqrt(sum(x * x for x in b))
    return math.degrees(math.acos(max(-1.0, min(1.0, sum(x * y for x, y in zip(a, b)) / (la * lb)))))


def by_position(c, keep=lambda p: True):
    """Corner indices grouped by the position they share."""
    groups = defaultdict(list)
    for i, p in enumerate(c["pos"]):
        if keep(p):
            groups[tuple(p)].append(i)
    return groups


class ShadingTest(LinkTest):
    def corners(self, b, *names):
        return b.eval("NAMES = %r\n" % (names,) + CORNERS)

    def test_blender_shades_with_freecads_surface_normals(self):
        b = self.start_blender()
        fc = self.start_freecad()
        self.assertEqual(fc.eval(MAKE_SHAPES), [7, 7], "box + chamfer face; box + fillet face")
        fc.eval(test_freecad.menu_action("LiveLink_ExportToBlender"))
        try:
            apps.wait_until(lambda: re.search(test_freecad.sent_line(objects=3), fc.eval(test_freecad.REPORT)),
                            timeout=60, what="the send's ack in FreeCAD's Report view")
        except AssertionError as e:
            raise AssertionError("%s; the Report view says:\n%s" % (e, fc.eval(test_freecad.REPORT))) from None
        got = self.corners(b, "Sphere", "Chamfer", "Fillet")
        for name in ("Sphere", "Fillet"):
            self.assertTrue(got[name]["custom"], "%s has custom split normals" % name)
            # Where Blender has free normals, FreeCAD's are stored as they are: a vector per vertex.
            self.assertEqual(got[name]["stored"] == ["FLOAT_VECTOR", "POINT"], got["free normals"], got[name]["stored"])
        # The chamfered box has planar faces only: Blender's own smooth normals are FreeCAD's there, so the add-on
        # leaves custom normals out, and every corner still shades exactly with its triangle's face normal.
        c = got["Chamfer"]
        self.assertFalse(c["custom"], "a planar part needs no custom normals")
        worst = max(angle(n, f) for n, f in zip(c["normal"], c["face"]))
        self.assertLess(worst, 0.5, "chamfered box: corner normal vs its face's, worst %.3f deg" % worst)

        # Measured without the normals (Blender's angle-based shading of the same meshes): the sphere 4.7 and the
        # fillet 5.6 degrees off; the chamfer was flat and hard-edged already, FreeCAD splitting vertices at faces.
        # (1) The sphere, centred on its mesh's origin: every corner normal is radial.
        s = got["Sphere"]
        worst = max(angle(n, p) for n, p in zip(s["normal"], s["pos"]))
        self.assertLess(worst, 1.0, "sphere: corner normal vs radial, worst %.3f deg" % worst)

        # (2) The chamfer stays flat: every corner of its triangles shades with its plane's normal...
        t = math.radians(20)
        plane = (math.sin(t), 0.0, math.cos(t))
        on_chamfer = [i for i, f in enumerate(c["face"]) if angle(f, plane) < 0.5]
        self.assertGreaterEqual(len(on_chamfer), 6, "the chamfer's triangles")
        worst = max(angle(c["normal"][i], plane) for i in on_chamfer)
        self.assertLess(worst, 0.5, "chamfer corners vs its plane, worst %.3f deg" % worst)
        # ... and its edge with the top stays hard: at each point of it (x 60 mm, z 100 mm) a top corner shades
        # straight up and a chamfer corner 20 degrees off it; the only others there are the end faces' (normal y).
        edge = by_position(c, lambda p: abs(p[0] - 0.06) < 1e-6 and abs(p[2] - 0.1) < 1e-6)
        self.assertGreaterEqual(len(edge), 2, "points along the chamfer's top edge")
        for p, idx in edge.items():
            up = [i for i in idx if angle(c["normal"][i], (0, 0, 1)) < 0.5]
            tilted = [i for i in idx if angle(c["normal"][i], plane) < 0.5]
            ends = [i for i in idx if abs(c["normal"][i][1]) > 0.9999]
            self.assertTrue(up and tilted and len(up) + len(tilted) + len(ends) == len(idx),
                            "at %s: %s" % (p, [c["normal"][i] for i in idx]))

        # (3) The fillet (axis along y at x = z = 80 mm, radius 20 mm) is smooth across its tessellation and into
        # the faces it is tangent to: every corner on its arc, but those of the end faces (normal y), shades with
        # the cylinder's radial normal, so corners at one point agree.
        f = got["Fillet"]
        on_fillet = [i for i, p in enumerate(f["pos"]) if p[0] >= 0.08 - 1e-6 and p[2] >= 0.08 - 1e-6
                     and abs(math.hypot(p[0] - 0.08, p[2] - 0.08) - 0.02) < 1e-5 and abs(f["face"][i][1]) < 0.5]
        self.assertGreaterEqual(len(on_fillet), 12, "corners on the fillet")
        worst = max(angle(f["normal"][i], (f["pos"][i][0] - 0.08, 0.0, f["pos"][i][2] - 0.08)) for i in on_fillet)
        self.assertLess(worst, 1.0, "fillet corners vs radial, worst %.3f deg" % worst)
        groups = by_position({"pos": [f["pos"][i] for i in on_fillet]})
        spread = max(angle(f["normal"][on_fillet[i]], f["normal"][on_fillet[k]])
                     for idx in groups.values() for i in idx for k in idx)
        self.assertLess(spread, 1.0, "fillet: corners at one point differ by up to %.3f deg" % spread)
        self.assertTrue(any(len(idx) > 1 for idx in groups.values()), "points shared by several corners")

    def test_files_normals_and_their_absence(self):
        b = self.start_blender()
        obj = os.path.join(FIXTURES, "box_1x2x3_zup_flat_normals.obj")
        stl = os.path.join(FIXTURES, "box_1x2x3_zup_binary.stl")
        self.sb.run("send", obj, "--up", "Z", "--scene", "obj", "--wait")
        self.sb.run("send", stl, "--scene", "stl", "--wait")
        names = b.eval("result = {o['livelink_node'].split(':')[0]: o.name for o in bpy.data.objects "
                       "if 'livelink_node' in o}")
        got = self.corners(b, names["box_1x2x3_zup_flat_normals.obj"], names["box_1x2x3_zup_binary.stl"])
        lit, plain = got[names["box_1x2x3_zup_flat_normals.obj"]], got[names["box_1x2x3_zup_binary.stl"]]
        # OBJ: corner normals (vn) split the 8 positions into 24 vertices, and Blender shades with them: its own
        # smooth normals, as every vn is its face's (no custom normals needed).
        self.assertFalse(lit["custom"])
        self.assertEqual(lit["vertices"], 24)
        self.assertLess(max(angle(n, f) for n, f in zip(lit["normal"], lit["face"])), 0.5)
        # STL: no normals sent; Blender's angle-based shading keeps the box's 90-degree edges hard.
        self.assertFalse(plain["custom"])
        self.assertLess(max(angle(n, f) for n, f in zip(plain["normal"], plain["face"])), 0.5)


if __name__ == "__main__":
    unittest.main()
