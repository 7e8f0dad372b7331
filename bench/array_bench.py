"""A Draft array made with links, FreeCAD → Blender: real FreeCAD (GUI under Xvfb) with the installed Mod, the hub,
a real Blender. A document with a cylinder and a Draft ortho array of it made with links (N x N), freshly made each
run into an emptied Blender, sent with Blender > Export to Blender; the figures are the Mod's own (its Report view
line: applied in … ms, FreeCAD / hub / Blender fetch, wait, build) and what Blender then holds.

Run: flock /tmp/livelink-e2e.lock python3 bench/array_bench.py [runs] [N]     (N: 20, 400 elements, by default)
"""
import statistics
import sys

from freecad_bench import CLEAR, count_sent, last_sent, session
from test_freecad import menu_action

MAKE = r'''
import Draft
for d in list(App.listDocuments()):
    App.closeDocument(d)
doc = App.newDocument("Arrays")
cyl = doc.addObject("Part::Cylinder", "Cylinder")
cyl.Radius, cyl.Height = 20, 50
Draft.make_ortho_array(cyl, v_x=App.Vector(60, 0, 0), v_y=App.Vector(0, 60, 0), n_x=%d, n_y=%d, n_z=1,
                       use_link=True)
cyl.ViewObject.Visibility = False
doc.recompute()
Gui.updateGui()
result = len(doc.Objects)
'''
HOLDS = ("objs = [o for o in bpy.data.objects if o.type == 'MESH']\n"
         "result = [len(objs), len({o.data.as_pointer() for o in objs}), sum(len(o.data.polygons) for o in objs)]")


def main(runs, n):
    with session() as (sb, b, fc):
        ms = []
        for r in range(runs):
            fc.eval(MAKE % (n, n), timeout=300)
            b.eval(CLEAR)
            before = count_sent(fc)
            fc.eval(menu_action("LiveLink_ExportToBlender"))
            sent, took, meshes, kb, detail = last_sent(fc, before)
            objects, distinct, triangles = b.eval(HOLDS)
            ms.append(took)
            print("run %d: %d objects sent, %d ms; %d new mesh(es), %d KB %s; Blender holds %d mesh objects, %d "
                  "mesh(es), %d triangles shown" % (r, sent, took, meshes, kb, detail, objects, distinct, triangles),
                  flush=True)
        print("%d x %d array: median %d ms of %d runs" % (n, n, statistics.median(ms), runs))


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(args[0] if args else 3, args[1] if len(args) > 1 else 20)
