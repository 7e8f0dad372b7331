"""FreeCAD's own example documents → Blender, as a user opens and sends them: real FreeCAD (GUI under Xvfb) with the
installed Mod, the hub, a real Blender. Each document is opened as it was saved (its own visibility) and sent with
Blender > Export to Blender; the figures are the Mod's own (its Report view line: applied in … ms, FreeCAD / hub /
Blender fetch, wait, build), a fresh FreeCAD document (no mesh cache) each run into an emptied Blender.

Run on the lane whose FreeCAD has the examples (1.0, Debian 13's root):
  flock /tmp/livelink-e2e.lock sh -c 'PATH=$(tests/lanes/debian13.sh mount | tail -1):$PATH \\
    python3 bench/example_bench.py 3 [Name ...]; tests/lanes/debian13.sh umount'
Names default to every .FCStd among FreeCAD's examples.
"""
import os
import statistics
import sys

from freecad_bench import CLEAR, count_sent, last_sent, session
import apps
from test_freecad import REPORT, menu_action

NOTHING = "Nothing to send"

FIND = r'''
import glob, os
result = sorted({h for d in (App.getResourceDir(), "/usr/share/freecad") for h in
                 glob.glob(os.path.join(d, "examples", "**", "*.FCStd"), recursive=True)})
'''
OPEN = r'''
for d in list(App.listDocuments()):
    App.closeDocument(d)
doc = App.openDocument(%r)
Gui.updateGui()
result = len(doc.Objects)
'''


def main(runs, names):
    with session() as (sb, b, fc):
        paths = [p for p in fc.eval(FIND) if not names or os.path.basename(p)[:-6] in names]
        if not paths:
            sys.exit("this FreeCAD has no example documents (they came with 1.0)")
        for path in paths:
            ms = []
            for r in range(runs):
                objects = fc.eval(OPEN % path, timeout=300)
                b.eval(CLEAR)
                n, none = count_sent(fc), fc.eval(REPORT).count(NOTHING)
                fc.eval(menu_action("LiveLink_ExportToBlender"))
                apps.wait_until(lambda: count_sent(fc) > n or fc.eval(REPORT).count(NOTHING) > none, timeout=120,
                                what="the send's line in FreeCAD's Report view")
                if count_sent(fc) == n:
                    print("%s: nothing FreeCAD shows to send" % os.path.basename(path), flush=True)
                    break
                sent, took, meshes, kb, detail = last_sent(fc, n)
                ms.append(took)
                print("%s run %d: %d objects in the document, %d sent, %d ms; %d new mesh(es), %d KB %s"
                      % (os.path.basename(path), r, objects, sent, took, meshes, kb, detail), flush=True)
            if ms:
                print("%s: median %d ms of %d runs" % (os.path.basename(path), statistics.median(ms), len(ms)),
                      flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]) if args else 3, set(args[1:]))
