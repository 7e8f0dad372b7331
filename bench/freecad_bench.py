"""FreeCAD → Blender benchmark: real FreeCAD (GUI under Xvfb) with the installed Mod, the hub, a real Blender.

For the 2-, 68- and 410-part documents of shared/bench/make_models.py: time from Export to Blender to the
Blender ack (as the Mod measures it), against the seed's pipeline in the same session (importOBJ.export to a
temp file, the path over a socket, Blender's obj_import). Then one part of the 410 edited with Auto-sync on.
Run: python3 bench/freecad_bench.py [runs] [--without-normals]   (models are generated into bench/out/models when
missing; --without-normals switches off the Mod's reading of the view's normals, to measure what they cost)
"""
import contextlib
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import apps  # noqa: E402
from test_freecad import REPORT, menu_action  # noqa: E402

MODELS = os.environ.get("MODELS_DIR", os.path.join(ROOT, "bench", "out", "models"))
MAKE = os.path.join(os.path.dirname(ROOT), "shared", "bench", "make_models.py")
# Documents saved by freecadcmd open with every object hidden (they have no GUI state): show them, as a user would.
SHOW = ("for o in App.ActiveDocument.Objects:\n    o.ViewObject.Visibility = True\n"
        "Gui.updateGui()\nresult = len(App.ActiveDocument.Objects)")
SENT = re.compile(r"Sent (\d+) objects to .*: applied in (\d+) ms; (\d+) new mesh\(es\), (\d+) KB (\(.*\))")


def ensure_models():
    if not all(os.path.exists(os.path.join(MODELS, n + ".FCStd")) for n in ("small", "medium", "large")):
        os.makedirs(MODELS, exist_ok=True)
        subprocess.run(["freecadcmd", MAKE], env=dict(os.environ, MODELS_DIR=MODELS), check=True,
                       stdout=subprocess.DEVNULL)


def last_sent(fc, before):
    """Waits for a new 'Sent …' line in the Report view; returns (objects, ms, meshes, KB)."""
    def new_line():
        lines = [m.groups() for m in SENT.finditer(fc.eval(REPORT))]
        return lines[before:] and lines[-1]
    try:
        g = apps.wait_until(new_line, timeout=120, what="the Blender ack in FreeCAD")
    except AssertionError:
        print(fc.eval(REPORT)[-3000:])
        raise
    return tuple(int(x) for x in g[:4]) + (g[4],)


def count_sent(fc):
    return len(SENT.findall(fc.eval(REPORT)))


# Runs inside Blender: an emptied scene, as before a first send.
CLEAR = ("for o in list(bpy.data.objects): bpy.data.objects.remove(o)\n"
         "for m in list(bpy.data.meshes): bpy.data.meshes.remove(m)\n"
         "for c in list(bpy.data.collections): bpy.data.collections.remove(c)\nresult = True")


@contextlib.contextmanager
def session():
    """A sandbox with the connectors installed, its hub, a Blender connected to it and a FreeCAD: (sandbox,
    Blender, FreeCAD); every one stopped afterwards."""
    sb = apps.Sandbox()
    sb.run("install")
    hub = sb.hub()
    b = apps.start_blender(sb)
    fc = apps.start_freecad(sb)
    try:
        apps.wait_until(lambda: b.eval(apps.link_status()) == "connected", 60)
        yield sb, b, fc
    finally:
        fc.kill()
        b.kill()
        hub.stop()
        sb.cleanup()


def main(runs, normals=True):
    ensure_models()
    with session() as (sb, b, fc):
        run(sb, b, fc, runs, normals)


def run(sb, b, fc, runs, normals):
    rows = []
    if not normals:
        fc.eval("from livelink_freecad.scene import meshing\nmeshing._normals = lambda *a: None\nresult = 1")
    for name in ("small", "medium", "large"):
        path = os.path.join(MODELS, name + ".FCStd")
        ours, first, seed = [], None, []
        for r in range(runs):
            # A fresh FreeCAD document each run: no mesh cache, as on a first send.
            fc.eval("for d in list(App.listDocuments()): App.closeDocument(d)\n"
                    "App.openDocument(%r)\n" % path + SHOW)
            b.eval(CLEAR)
            time.sleep(1.0)  # let Blender finish redrawing (software GL here) before the clock starts
            n = count_sent(fc)
            fc.eval(menu_action("LiveLink_ExportToBlender"))
            objs, ms, meshes, kb, detail = last_sent(fc, n)
            ours.append(ms)
            first = first or (objs, meshes, kb)
            print("  %s run %d: %d ms %s" % (name, r, ms, detail), flush=True)
            # The seed: importOBJ.export to a temp file, the path to Blender, obj_import there.
            b.eval(CLEAR)
            obj = os.path.join(sb.dir, "seed_%s.obj" % name)
            t0 = time.perf_counter()
            fc.eval("import importOBJ\nobjs = [o for o in App.ActiveDocument.Objects if hasattr(o, 'Shape') "
                    "and o.Visibility]\nimportOBJ.export(objs, %r)\nresult = len(objs)" % obj)
            b.eval("bpy.ops.wm.obj_import(filepath=%r)\nresult = len(bpy.data.objects)" % obj)
            seed.append((time.perf_counter() - t0) * 1000)
        rows.append((name, first, statistics.median(ours), statistics.median(seed)))
    # One part of the 410 edited with Auto-sync on: the Box gets longer, only it is re-meshed and sent.
    fc.eval("for d in list(App.listDocuments()): App.closeDocument(d)\n"
            "App.openDocument(%r)\n" % os.path.join(MODELS, "large.FCStd") + SHOW)
    b.eval(CLEAR)
    n = count_sent(fc)
    fc.eval(menu_action("LiveLink_ExportToBlender"))
    last_sent(fc, n)
    fc.eval(menu_action("LiveLink_AutoSync"))
    edits, walls, edit_kb = [], [], []
    for r in range(runs):
        n = count_sent(fc)
        t0 = time.perf_counter()
        fc.eval("d = App.ActiveDocument\nd.getObject('Box').Length = %d\nd.recompute()\nresult = 1"
                % (1100 + 100 * r))
        objs, ms, meshes, kb, detail = last_sent(fc, n)
        print("  edit run %d: %d ms %s" % (r, ms, detail), flush=True)
        walls.append((time.perf_counter() - t0) * 1000)
        edits.append(ms)
        edit_kb.append((meshes, kb))
    m = statistics.median
    print("document  objects  first-send meshes/KB  livelink (command->ack)  seed pipeline  speed-up")
    for name, (objs, meshes, kb), ours, seed in rows:
        print("%-8s  %7d  %9d / %-8d  %16.0f ms  %10.0f ms  %7.1fx" % (name, objs, meshes, kb, ours, seed,
                                                                      seed / ours))
    print("large, one part edited with Auto-sync: %.0f ms from the (debounced) send to the ack; %.0f ms from "
          "the recompute call, with the %d ms debounce; sent %s mesh(es)/KB" % (
              m(edits), m(walls), 300, edit_kb[len(edit_kb) // 2]))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--without-normals"]
    main(int(args[0]) if args else 3, normals="--without-normals" not in sys.argv)
