"""As a user sees it: FreeCAD's menu Blender > Export to Blender clicked, time until Blender holds every object, and
a one-part Auto-sync edit from its recompute; with Blender's window as it opens (a 3D viewport drawn in software
OpenGL here) and with a window showing no 3D viewport (every area a text editor), so that the link's own latency is
seen apart from the host's drawing. Against the seed article's own pipeline (`shared/bench/seed/seed_baseline.sh`,
its 1 s timer and sleep(3) loop included) run in the same session on the same documents.

Clocks: the click and the recompute are FreeCAD's `time.time()` taken on its GUI thread just before; "holds" is
Blender's `time.time()` in a depsgraph_update_post handler at the first update whose scene holds every part (the
edit: whose Box has its new length), "drawn" the end of the first 3D-view frame that shows it (viewport runs only).
One machine, one wall clock. Documents: shared/bench/make_models.py (2 and 410 parts; generated into
bench/out/models when MODELS_DIR has none).

Run: flock /tmp/livelink-e2e.lock python3 bench/user_bench.py [runs]
"""
import json
import os
import statistics
import subprocess
import sys

import bigapps as ba
from bigapps import apps
from freecad_bench import MODELS, SHOW, ensure_models

SEED = os.path.join(os.path.dirname(ba.ROOT), "shared", "bench", "seed", "seed_baseline.sh")
med = statistics.median

# Blender: notes when the scene first holds `n` parts (or the object `box` is `length` m long) after an update of
# the depsgraph, and when the 3D view first draws it.
ARM = r'''
import time, __main__
def _holds():
    c = next((c for c in bpy.data.collections if c.get("livelink_scene") == %(scene)r), None)
    if c is None:
        return False
    if %(box)r:
        o = next((o for o in c.objects if o.name.startswith(%(box)r)), None)
        return o is not None and abs(o.dimensions.x - %(length)r) < 1e-4
    return sum(1 for o in c.objects if o.type == "MESH") >= %(n)d
def _update(scene, depsgraph):
    if __main__._bench_held is None and _holds():
        __main__._bench_held = time.time()
def _drawn():
    if __main__._bench_drawn is None and _holds():
        __main__._bench_drawn = time.time()
__main__._bench_held = __main__._bench_drawn = None
bpy.app.handlers.depsgraph_update_post.append(_update)
__main__._bench_handlers = (_update, bpy.types.SpaceView3D.draw_handler_add(_drawn, (), "WINDOW", "POST_PIXEL"))
result = True
'''
DISARM = r'''
import __main__
update, handle = __main__._bench_handlers
bpy.app.handlers.depsgraph_update_post.remove(update)
bpy.types.SpaceView3D.draw_handler_remove(handle, "WINDOW")
result = [__main__._bench_held, __main__._bench_drawn]
'''
HELD = "import __main__\nresult = __main__._bench_held"
# No 3D viewport: every area of every window becomes a text editor.
NO_VIEWPORT = ("for w in bpy.context.window_manager.windows:\n    for a in w.screen.areas:\n"
               "        a.type = 'TEXT_EDITOR'\nresult = True")
CLEAR = ("for o in list(bpy.data.objects): bpy.data.objects.remove(o)\n"
         "for m in list(bpy.data.meshes): bpy.data.meshes.remove(m)\n"
         "for c in list(bpy.data.collections): bpy.data.collections.remove(c)\nresult = True")
CLICK = "import time\n" + ba.EXPORT.replace("act.trigger()", "t = time.time()\nact.trigger()").replace(
    "result = act.text()", "result = t")
EDIT = ("import time\nd = App.ActiveDocument\nd.getObject('Box').Length = %d\nt = time.time()\nd.recompute()\n"
        "result = t")
DOC = "result = App.ActiveDocument.Name"


def seed(paths, got):
    """Adds the seed's total_s per document, from its own script, to got[document]."""
    out = subprocess.run(["bash", SEED] + paths, capture_output=True, text=True, timeout=1800).stdout
    for line in out.splitlines():
        if line.startswith("SEEDRESULT {"):
            r = json.loads(line[len("SEEDRESULT "):])
            got.setdefault(r["model"][:-len(".FCStd")], []).append(r["total_s"] * 1000)
    return got


def held_after(b, fc, start, what):
    """Waits for Blender to hold it; returns (ms to hold, ms to draw or None) from FreeCAD's `start`."""
    apps.wait_until(lambda: b.eval(HELD) is not None, timeout=120, what=what)
    b.eval(ba.IDLE)  # the frame that shows it, drawn now if it was not yet
    held, drawn = b.eval(DISARM)
    return (held - start) * 1000, (drawn - start) * 1000 if drawn else None


def first_sends(b, fc, name, runs, parts):
    path = os.path.join(MODELS, name + ".FCStd")
    out = []
    for _ in range(runs):
        fc.eval("for d in list(App.listDocuments()): App.closeDocument(d)\nApp.openDocument(%r)\n" % path + SHOW)
        b.eval(CLEAR)
        b.eval(ba.IDLE)  # nothing left to draw when the click comes
        b.eval(ARM % {"scene": fc.eval(DOC), "n": parts, "box": "", "length": 0.0})
        out.append(held_after(b, fc, fc.eval(CLICK), "%s in Blender" % name))
    return out


def edits(b, fc, runs):
    """One part of the 410 with Auto-sync on: Box.Length grows by 100 mm per edit."""
    path = os.path.join(MODELS, "large.FCStd")
    fc.eval("for d in list(App.listDocuments()): App.closeDocument(d)\nApp.openDocument(%r)\n" % path + SHOW)
    b.eval(CLEAR)
    prev = ba.last_send(fc, None) if fc.eval(ba.LAST) else None
    fc.eval(ba.EXPORT)
    prev = ba.last_send(fc, prev)
    fc.eval(ba.AUTOSYNC)
    out = []
    for r in range(runs):
        length = 1100 + 100 * r
        b.eval(ba.IDLE)
        b.eval(ARM % {"scene": fc.eval(DOC), "n": 0, "box": "Box", "length": length / 1000.0})
        out.append(held_after(b, fc, fc.eval(EDIT % length), "the edit in Blender"))
        prev = ba.last_send(fc, prev)
    fc.eval(ba.AUTOSYNC)
    return out


def main(runs):
    ensure_models()
    docs = [os.path.join(MODELS, n + ".FCStd") for n in ("small", "large")]
    seeds = seed(docs, {})
    sb = apps.Sandbox(warmup=None)  # the hub's own warm-up, as a user's hub does it
    sb.run("install")
    hub = sb.hub()
    b = ba.start_blender(sb)
    fc = apps.start_freecad(sb)
    rows = {}
    try:
        fc.eval(ba.SENDER)
        for view in ("viewport", "no viewport"):
            if view == "no viewport":
                b.eval(NO_VIEWPORT)
            rows[view] = {"small": first_sends(b, fc, "small", runs, 2),
                          "large": first_sends(b, fc, "large", runs, 410), "edit": edits(b, fc, runs)}
    finally:
        fc.kill()
        b.kill()
        hub.stop()
        sb.cleanup()
    seed(docs, seeds)  # before and after ours, in the same session
    for doc, ms in seeds.items():
        print("seed pipeline (seed_baseline.sh), %s: %s ms" % (doc, ", ".join("%.0f" % m for m in ms)))
    print("%-12s %-22s %10s %10s %8s" % ("window", "case", "holds", "drawn", "x seed"))
    for view, cases in rows.items():
        for case, runs_ in cases.items():
            held = med(r[0] for r in runs_)
            drawn = [r[1] for r in runs_ if r[1] is not None]
            base = med(seeds[case]) if case in seeds else None
            print("%-12s %-22s %7.0f ms %7s ms %8s" % (
                view, {"small": "2 parts, first send", "large": "410 parts, first send",
                       "edit": "1 of 410, Auto-sync"}[case], held, "%.0f" % med(drawn) if drawn else "-",
                "%.1fx" % (base / held) if base else ""))
            print("    holds, every run: %s" % ", ".join("%.0f" % r[0] for r in runs_))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
