"""The 410-part document of shared/bench/make_models.py as FreeCAD sends it, written as an OBJ with `vn`: each
object's triangles, face-split vertices and surface normals read by the FreeCAD Mod's own reader (meshing._from_view,
the view's Coin nodes), placed in the document's frame (mm). One `v` and one `vn` line per FreeCAD vertex, each
corner naming both by the same index, so `livelink send` makes exactly FreeCAD's vertices and Blender's obj_import
reads the same normals. Made once (real FreeCAD under Xvfb, ~1 minute) and kept beside the models.

Run on its own: python3 bench/freecad_obj.py [out.obj]
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import apps  # noqa: E402
from freecad_bench import MODELS, SHOW, ensure_models  # noqa: E402

DEFAULT = os.path.join(MODELS, "large_freecad_vn.obj")

# Runs inside FreeCAD, after SHOW: every shown object with view normals, into OUT.
DUMP = r'''
import numpy as np
from livelink_freecad.scene import meshing
shapes = skipped = 0
with open(OUT + ".part", "w") as f:
    base = 1
    for o in App.ActiveDocument.Objects:
        if not hasattr(o, "Shape") or not o.Visibility:
            continue
        view = meshing._from_view(np, o, None)
        if view is None or view[3] is None:
            skipped += 1
            continue
        pos, tris, _, nrm = view
        m = np.array(o.getGlobalPlacement().toMatrix().A, dtype=np.float64).reshape(4, 4)
        p = pos.reshape(-1, 3).astype(np.float64) @ m[:3, :3].T + m[:3, 3]
        n = nrm.reshape(-1, 3).astype(np.float64) @ m[:3, :3].T
        f.write("o %s\n" % o.Name)
        np.savetxt(f, p, fmt="v %.6f %.6f %.6f")
        np.savetxt(f, n, fmt="vn %.6f %.6f %.6f")
        t = tris.reshape(-1, 3).astype(np.int64) + base
        np.savetxt(f, np.repeat(t, 2, axis=1), fmt="f %d//%d %d//%d %d//%d")
        base += len(p)
        shapes += 1
import os
os.replace(OUT + ".part", OUT)
result = [shapes, skipped]
'''


def ensure(out=DEFAULT):
    """The OBJ's path, made first if missing."""
    if os.path.exists(out):
        return out
    ensure_models()
    sb = apps.Sandbox()
    sb.run("install", "freecad")
    fc = apps.start_freecad(sb)
    try:
        fc.eval("for d in list(App.listDocuments()): App.closeDocument(d)\nApp.openDocument(%r)\n"
                % os.path.join(MODELS, "large.FCStd") + SHOW)
        shapes, skipped = fc.eval("OUT = %r\n" % out + DUMP, timeout=600)
        print("wrote %s: %d objects (%d without view normals left out)" % (out, shapes, skipped), flush=True)
    finally:
        fc.kill()
        sb.cleanup()
    return out


if __name__ == "__main__":
    ensure(sys.argv[1] if len(sys.argv) > 1 else DEFAULT)
