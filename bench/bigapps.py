"""The pieces of bench/big_bench.py that talk to the real applications: a hub that can be restarted with an empty
store, its memory, and the probe code run inside FreeCAD and Blender. Every figure read here is the applications'
own: the Mod's SendResult, the add-on's ack timings, Blender's own memory counter, /proc of each process."""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
sys.path.insert(0, os.path.join(ROOT, "connectors", "python"))
import apps  # noqa: E402
from livelink_client import HubClient, meshblob, read_hub  # noqa: E402
from test_freecad import menu_action  # noqa: E402

EXPORT = menu_action("LiveLink_ExportToBlender")
AUTOSYNC = menu_action("LiveLink_AutoSync")


class Hub:
    """The sandbox's hub, restartable with an empty store so that every first send uploads every blob."""

    def __init__(self, sandbox):
        self.home = sandbox.livelink_home
        self.proc = None

    def restart(self):
        self.stop()
        shutil.rmtree(os.path.join(self.home, "store"), ignore_errors=True)
        self.proc = apps.HubProcess(self.home)
        self._warm()
        return self

    def _warm(self, rounds=10, nodes=500, edited=50):
        """A hub that has served before, as a user's has: an unrelated scene (its blobs share nothing with a
        document's) published `rounds` times, `edited` of its meshes new each time, to a receiver peer of its own
        that is gone when this returns. (Every new blob is a file written with an fsync in the background.)"""
        info = read_hub(self.home)
        c = HubClient(info.port, info.token)
        try:
            sender = c.register("bench", "0", "warm-up", role="sender", accepts=())
            sink = c.register("bench", "0", "warm-up sink", role="receiver")
            for r in range(rounds):
                blobs = {}
                for i in range(nodes):
                    data = meshblob.encode([0, 0, 0, 1, 0, 0, 0, 1, (r if i < edited else 0) + i * 1e-3], [0, 1, 2])
                    blobs[hashlib.sha256(data).hexdigest()] = data
                hashes = list(blobs)
                scene = {"id": "warm-up", "name": "warm-up", "units": "mm", "up": "Z", "nodes": [
                    {"id": "n%d" % i, "name": "n%d" % i, "mesh": h} for i, h in enumerate(hashes)]}
                c.send_scene(scene, blobs, targets=[sink], sender=sender)
            c.goodbye(sink)
            c.goodbye(sender)
        finally:
            c.close()

    def stop(self):
        if self.proc is not None:
            self.proc.stop()
            self.proc = None

    @property
    def pid(self):
        return self.proc.proc.pid  # the launcher execs java: the same process

    def rss_kb(self):
        return proc_rss_kb(self.pid)

    def heap_after_gc_kb(self):
        return heap_after_gc_kb(self.pid)


def heap_after_gc_kb(pid):
    """A JVM's used heap (young + old generation) right after a full GC that jcmd asks for: what it holds."""
    jcmd = shutil.which("jcmd")
    if jcmd is None:
        return None
    subprocess.run([jcmd, str(pid), "GC.run"], check=True, capture_output=True, timeout=60)
    out = subprocess.run([jcmd, str(pid), "GC.heap_info"], check=True, capture_output=True, text=True,
                         timeout=60).stdout
    used = re.findall(r"(?:generation|space)\s+total \d+K, used (\d+)K", out)
    return sum(int(u) for u in used[:2]) if used else None


def proc_rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1))


# ---- FreeCAD ---------------------------------------------------------------------------------------------------------

# Documents saved by freecadcmd open with every object hidden (they have no GUI state): show them, as a user would,
# but not the origins of the App::Parts, hidden in a user's document too. FreeCAD 0.20 itself takes its time here,
# and more per object the larger the document (measured at 4,000 parts: 155 s to open, 35 s to show the parts, and
# each App::Link shown costs more the more are shown: 5.5 s for the first 500, 25 s for the next 500).
OPEN = r'''
for d in list(App.listDocuments()):
    App.closeDocument(d)
doc = App.openDocument(%r)
for o in doc.Objects:
    if not (o.isDerivedFrom("App::Origin") or o.isDerivedFrom("App::OriginFeature")):
        o.ViewObject.Visibility = True
Gui.updateGui()
result = len(doc.Objects)
'''

# A first send without reopening the document: the Mod's mesh cache of it emptied, as opening it does.
FORGET = r'''
from livelink_freecad.gui import current_controller
c = current_controller()
c.cache.invalidate(App.ActiveDocument.Name)
if getattr(c, "tracker", None) is not None:  # and its kept collect (scene/incremental.py)
    c.tracker.forget(App.ActiveDocument.Name)
result = len(c.cache)
'''

# The Mod's sender, made now (the first export would otherwise pay for connecting), and the Blenders it sees.
SENDER = r'''
from livelink_freecad.gui import current_controller
s = current_controller().sender()
result = {"hub": s.hub_state(), "blenders": [b["id"] for b in s.blenders()]}
'''

# The Mod's own record of its last send (livelink_freecad.net.sender.SendResult); `finished` identifies it.
LAST = r'''
from livelink_freecad.gui import current_controller
from livelink_freecad.net.sender import Published
c = current_controller()
r = c.results[-1] if c.results else None
if r is None:
    result = None
elif not isinstance(r, Published):
    result = {"finished": r.finished, "error": getattr(r, "error", "not published")}
else:
    result = {"finished": r.finished, "elapsed_ms": r.elapsed_ms, "since_recompute_ms": r.since_recompute_ms,
              "prepare_ms": r.job.prepare_ms, "network_ms": r.network_ms, "objects": r.job.objects,
              "uploaded": r.uploaded, "uploaded_kb": r.uploaded_bytes / 1024.0, "changed": r.changed,
              "pending": list(r.pending), "error": None if r.acks and all(a.ok for a in r.acks) else
              ("no ack: %s" % [(a.ok, a.reason) for a in r.acks] if r.acks else "no receiver acked"),
              "timings": r.acks[0].timings if r.acks else {}}
'''

EDIT = "d = App.ActiveDocument\nd.getObject('Box').Length = %d\nd.recompute()\nresult = 1"

# The seed's pipeline, FreeCAD half: importOBJ.export (shared/bench/seed/freecad_send.py).
SEED_EXPORT = r'''
import time, importOBJ
t = time.perf_counter()
# The seed exports the top-level objects, and importOBJ walks into groups but not into App::Parts: of this document
# it would write nothing. As bench/freecad_bench.py does, every visible object with a Shape goes instead.
objs = [o for o in App.ActiveDocument.Objects if hasattr(o, "Shape") and o.Visibility]
importOBJ.export(objs, %r)
result = (time.perf_counter() - t) * 1000
'''


# Work that may outlast the probe's 120 s per call (opening 4,000 parts, the seed's export): run from a zero-delay Qt
# timer on FreeCAD's GUI thread, its result left on __main__ for polls.
LONG = r'''
import __main__
from PySide import QtCore
__main__._bench_done = None
def _job():
    import traceback
    ns = {"App": App, "Gui": Gui}
    try:
        exec(%r, ns)
        __main__._bench_done = {"result": ns.get("result")}
    except Exception:
        __main__._bench_done = {"error": traceback.format_exc()}
QtCore.QTimer.singleShot(0, _job)
result = True
'''
DONE = "import __main__\nresult = getattr(__main__, '_bench_done', None)"


def run_long(fc, code, timeout=1800):
    """Runs probe code on FreeCAD's GUI thread without the probe's time limit; returns its result."""
    fc.eval(LONG % code)

    def done():
        try:
            return fc.eval(DONE, timeout=150)
        except (AssertionError, OSError):  # the GUI thread is still busy with the job: the probe timed out
            return None
    r = apps.wait_until(done, timeout=timeout, what="FreeCAD to finish")
    if "error" in r:
        raise AssertionError("in FreeCAD:\n" + r["error"])
    return r["result"]


def last_send(fc, previous):
    """Waits for a send that finished after `previous` (a LAST answer, or None); returns its LAST answer."""
    def newer():
        r = fc.eval(LAST)
        return r if r is not None and (previous is None or r["finished"] != previous["finished"]) else None
    r = apps.wait_until(newer, timeout=300, what="the Mod's send result")
    if r["error"]:
        raise AssertionError("the send failed: %s" % r["error"])
    return r


# ---- Blender ---------------------------------------------------------------------------------------------------------

# Blender's own count of what its guarded allocator holds (the status bar's "Memory"), and the process's RSS, after a
# full redraw of the window (the viewport's draw caches are part of showing a scene) and a Python gc.
MEMORY = r'''
import gc, re
gc.collect()
bpy.ops.wm.redraw_timer(type='DRAW_WIN_SWAP', iterations=1)
s = bpy.context.scene.statistics(bpy.context.view_layer)
m = re.search(r"Memory: ([\d.]+) ([KMG])iB", s)
mem = float(m.group(1)) * {"K": 1.0 / 1024, "M": 1.0, "G": 1024.0}[m.group(2)] if m else None
rss = int(re.search(r"VmRSS:\s+(\d+) kB", open("/proc/self/status").read()).group(1))
result = {"mem_mib": mem, "rss_mib": rss / 1024.0}
'''

# What the scene of FreeCAD document `doc` holds in this Blender: objects, mesh objects, triangles shown and meshes.
SCENE = r'''
objs = [o for o in bpy.data.objects if o.get("livelink_scene") == %r]
meshes = {o.data.as_pointer(): len(o.data.polygons) for o in objs if o.type == "MESH"}
result = {"objects": len(objs), "mesh_objects": sum(1 for o in objs if o.type == "MESH"),
          "triangles": sum(len(o.data.polygons) for o in objs if o.type == "MESH"),
          "meshes": len(meshes), "mesh_triangles": sum(meshes.values())}
'''

# The same meshes to OBJ, with normals: Blender's own C++ exporter, world transforms applied, instances expanded.
OBJ_EXPORT = ("bpy.ops.wm.obj_export(filepath=%r, export_selected_objects=False, export_normals=True, "
              "export_uv=False, export_materials=True, export_triangulated_mesh=False)\nresult = True")

OBJ_IMPORT = ("import time\nt = time.perf_counter()\nbpy.ops.wm.obj_import(filepath=%r)\n"
              "result = (time.perf_counter() - t) * 1000")

CLEAR = ("for o in list(bpy.data.objects): bpy.data.objects.remove(o)\n"
         "for m in list(bpy.data.meshes): bpy.data.meshes.remove(m)\nresult = True")

# Blender's main thread, free: a full redraw now, so that nothing is left to draw when the next event comes (an
# apply's own redraw would otherwise still be due). The time it took is the result.
IDLE = ("import time\nt = time.perf_counter()\nbpy.ops.wm.redraw_timer(type='DRAW_WIN_SWAP', iterations=1)\n"
        "result = (time.perf_counter() - t) * 1000")

# When the scene was first drawn whole: a draw handler of the 3D view notes the wall clock (time.time(), the same
# clock in every process) at the end of the first frame with `n` mesh objects of the scene.
ARM = r'''
import time, __main__
def _drawn(scene=%r, n=%d):
    if __main__._bench_drawn is None:
        c = next((c for c in bpy.data.collections if c.get("livelink_scene") == scene), None)
        if c is not None and sum(1 for o in c.objects if o.type == "MESH") >= n:
            __main__._bench_drawn = time.time()
__main__._bench_drawn = None
__main__._bench_handle = bpy.types.SpaceView3D.draw_handler_add(_drawn, (), "WINDOW", "POST_PIXEL")
result = True
'''
DRAWN = r'''
import __main__
result = __main__._bench_drawn
if result is not None:
    bpy.types.SpaceView3D.draw_handler_remove(__main__._bench_handle, "WINDOW")
'''


# Blender's viewport anti-aliasing (8 samples by default) redraws the 3D view 8 times after every change, one
# sample each; here, in software OpenGL, each takes 250 ms at 410 parts and seconds at 4,000, and an edit that comes
# meanwhile waits (measured: 4 viewport redraws between two edits, the update picked up after 200 ms instead of
# 5 ms). With a GPU a redraw takes milliseconds; the bench's Blenders, ours and obj_import's alike, draw one pass.
ONE_PASS = "bpy.context.preferences.system.viewport_aa = 'OFF'\nresult = True"


def start_blender(sandbox, connect=True):
    b = apps.start_blender(sandbox)
    b.eval(ONE_PASS)
    if connect:
        apps.wait_until(lambda: b.eval(apps.link_status()) == "connected", 120, what="Blender to connect")
    return b


def blender_peer(b):
    return b.eval(apps.link_status("peer"))


def facts(models, n):
    with open(os.path.join(models, "big%d.json" % n)) as f:
        return json.load(f)
