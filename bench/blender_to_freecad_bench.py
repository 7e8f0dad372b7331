"""Blender → FreeCAD benchmark: a real Blender and a real FreeCAD (GUIs under Xvfb) with the installed add-on and Mod,
and the hub.

For 1, 50 and 400 objects of 450 triangles (400: 180,000 triangles), each mesh its own: Send to FreeCAD with every
object selected, timed from the click to FreeCAD's ack (the click on Blender's clock, the ack's arrival on the hub's,
one machine's wall clock), Blender's main thread during the operator (the add-on's own collect_ms, and the operator
call as a whole), and FreeCAD's fetch/pickup/build from its ack. Every run is a first send: fresh meshes (new blobs
to upload) and a fresh FreeCAD document. Against the manual path in the same session: bpy.ops.wm.obj_export of the
same selection (in mm) and Mesh.insert of that file in FreeCAD. Then one object of the 400 edited: sent on purpose
(only it selected), and with Auto-send (its 300 ms debounce included).
Run: python3 bench/blender_to_freecad_bench.py [runs]   (under /tmp/livelink-e2e.lock on a shared machine)
"""
import http.client
import json
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
sys.path.insert(0, os.path.join(ROOT, "connectors", "python"))
import apps  # noqa: E402
from livelink_client import HubClient  # noqa: E402

SIZES = (1, 50, 400)
GRID = 15  # 15 x 15 quads: 450 triangles per object

# Runs inside Blender: n grids, each mesh its own (scaled by the run in C, so every run uploads new blobs), all
# selected. `n` and `run` are set before.
BUILD = r'''
import bpy
from mathutils import Matrix
for o in list(bpy.data.objects):
    bpy.data.objects.remove(o)
for m in list(bpy.data.meshes):
    bpy.data.meshes.remove(m)
bpy.ops.mesh.primitive_grid_add(x_subdivisions=%d, y_subdivisions=%d, size=10.0)
base = bpy.context.active_object.data
bpy.data.objects.remove(bpy.context.active_object)
coll = bpy.context.scene.collection
for i in range(n):
    me = base.copy()
    me.name = "Gear%%03d" %% i
    me.transform(Matrix.Scale(1.0 + 0.001 * i + 0.00001 * run, 4))
    o = bpy.data.objects.new(me.name, me)
    o.location = ((i %% 21) * 20.0, (i // 21) * 20.0, 0.0)
    coll.objects.link(o)
    o.select_set(True)
bpy.data.meshes.remove(base)
bpy.context.view_layer.update()
result = sum(len(o.data.polygons) * 2 for o in bpy.data.objects)
''' % (GRID, GRID)

SEND = apps.ADDON + r'''
import time
s = addon.current_sender()
t0 = time.time()
r = bpy.ops.livelink.send_to_freecad()
result = [t0 * 1000.0, (time.time() - t0) * 1000.0, s.status.collect_ms, s.status.objects, sorted(r)]
'''

RECEIVERS = apps.ADDON + "result = [p['app'] for p in addon.current_sender().receivers()]"
FC_FRESH = ("for d in list(App.listDocuments()): App.closeDocument(d)\n"
            "App.newDocument('Bench')\nresult = True")
FC_MESHES = ("d = App.ActiveDocument\nms = [o for o in d.Objects if o.TypeId == 'Mesh::Feature']\n"
             "result = [len(ms), sum(o.Mesh.CountFacets for o in ms)]")


def hub_snapshot(client):
    """The hub's own record of every scene's versions (the first event of GET /v1/hub/events): publishedAt, and per
    ack its arrival (ackedAt, the hub's clock) and the receiver's timings."""
    conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=30)
    try:
        conn.request("GET", "/v1/hub/events", headers={"Authorization": "Bearer " + client.token})
        resp = conn.getresponse()
        event, data = None, []
        while True:
            line = resp.readline().decode("utf-8").rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])
            elif line == "" and event == "snapshot":
                return json.loads("\n".join(data))
    finally:
        conn.close()


class Bench:
    def __init__(self, sb, b, fc):
        self.sb, self.b, self.fc = sb, b, fc
        self.client = HubClient.discover(sb.livelink_home)
        self.scene = None
        self.version = 0

    def send(self, code=SEND, edit_at=None):
        """Runs a send in Blender (code: the operator, or an Auto-send edit that returns [its time]), waits for
        FreeCAD's ack at the hub; returns a dict of the send's figures."""
        # FreeCAD listed in Blender's peers: a send made while it is not (its link reconnecting on this loaded
        # machine) goes to the hub only, for a catch-up that a fresh document does not ask for.
        apps.wait_until(lambda: self.b.eval(RECEIVERS) == ["FreeCAD"], 60, "Blender to list FreeCAD")
        started = self.b.eval(code)
        at = started[0]

        def new_version():
            for s in self.client.request("GET", "scenes")["scenes"]:
                if s["source"].startswith("Blender") and s["version"] > self.version:
                    return s["id"], s["version"]
            return None
        self.scene, self.version = apps.wait_until(new_version, timeout=120, what="Blender's version at the hub")
        acks = self.client.await_acks(self.scene, self.version, 120)
        assert acks["complete"] and [a["status"] for a in acks["acks"]] == ["ok"], (
            acks, self.client.request("GET", "peers"), self.b.eval(apps.ADDON + "s = addon.current_sender()\n"
                                                                     "result = [s.status.last, s.status.error]"))

        def record():
            for s in hub_snapshot(self.client)["scenes"]:
                for v in s.get("versions", []):
                    if s["id"] == self.scene and v["version"] == self.version:
                        a = list(v.get("acks", {}).values())
                        return (v, a[0]) if a and "ackedAt" in a[0] else None
            return None
        v, ack = apps.wait_until(record, timeout=30, what="the ack in the hub's record")
        t = ack["timings"]
        out = {"ack_ms": ack["ackedAt"] - at, "published_ms": v["publishedAt"] - at, "hub_to_ack_ms": ack["ms"],
               "fetch_ms": t["fetch_ms"] + t["decode_ms"], "pickup_ms": t["pickup_ms"], "build_ms": t["build_ms"],
               "objects": t["objects"]}
        if len(started) > 1:
            out.update(op_ms=started[1], collect_ms=started[2], read=started[3])
        return out

    def baseline(self, n):
        """The manual path: obj_export of the selection (mm, Z up), then Mesh.insert in a fresh FreeCAD document."""
        path = os.path.join(self.sb.dir, "manual.obj")
        export_ms = self.b.eval("import time\nt = time.perf_counter()\n"
                                "bpy.ops.wm.obj_export(filepath=%r, export_selected_objects=True, global_scale=1000.0,"
                                " forward_axis='Y', up_axis='Z')\nresult = (time.perf_counter() - t) * 1000" % path)
        self.fc.eval(FC_FRESH)
        insert_ms = self.fc.eval("import Mesh, time\nt = time.perf_counter()\n"
                                 "Mesh.insert(%r, App.ActiveDocument.Name)\n"
                                 "result = (time.perf_counter() - t) * 1000" % path)
        return export_ms, insert_ms, self.fc.eval(FC_MESHES)


def main(runs):
    sb = apps.Sandbox()
    sb.run("install")
    hub = sb.hub()
    fc = apps.start_freecad(sb)
    b = apps.start_blender(sb)
    m = statistics.median
    rows = []
    try:
        apps.wait_until(lambda: b.eval(apps.link_status()) == "connected", 60, "Blender to connect")
        bench = Bench(sb, b, fc)
        for n in SIZES:
            ours, manual = [], []
            for r in range(runs):
                fc.eval(FC_FRESH)
                tris = b.eval("n, run = %d, %d\n" % (n, len(rows) * runs + r) + BUILD)
                time.sleep(1.0)  # let both windows finish redrawing (software GL here) before the clock starts
                f = bench.send()
                got = fc.eval(FC_MESHES)
                assert got == [n, tris], (got, n, tris)
                print("  %3d objects run %d: %s" % (n, r, {k: round(x, 1) for k, x in f.items()}), flush=True)
                ours.append(f)
                export_ms, insert_ms, made = bench.baseline(n)
                print("  %3d objects run %d: obj_export %.0f ms, Mesh.insert %.0f ms (%s)" % (
                    n, r, export_ms, insert_ms, made), flush=True)
                manual.append((export_ms, insert_ms))
            rows.append((n, tris, {k: m([f[k] for f in ours]) for k in ours[0]},
                         m([e for e, _ in manual]), m([i for _, i in manual]), m([e + i for e, i in manual])))
        # One object of the 400 edited (its mesh scaled in C): first the 400 sent again into a fresh document.
        fc.eval(FC_FRESH)
        b.eval("n, run = 400, 999\n" + BUILD)
        time.sleep(1.0)
        bench.send()
        edits, autos = [], []
        for r in range(runs):
            i = (37 * r) % 400
            b.eval("from mathutils import Matrix\nfor o in bpy.context.scene.objects:\n"
                   "    o.select_set(o.name == 'Gear%03d')\n"
                   "bpy.data.objects['Gear%03d'].data.transform(Matrix.Scale(1.01, 4))\nresult = True" % (i, i))
            time.sleep(1.0)
            edits.append(bench.send())
            print("  edit run %d: %s" % (r, {k: round(x, 1) for k, x in edits[-1].items()}), flush=True)
        b.eval("bpy.context.window_manager.livelink_auto_send = True\nresult = True")
        for r in range(runs):
            time.sleep(1.0)
            i = (37 * r + 11) % 400
            autos.append(bench.send(code="import time\nfrom mathutils import Matrix\n"
                                    "bpy.data.objects['Gear%03d'].data.transform(Matrix.Scale(1.01, 4))\n"
                                    "bpy.data.objects['Gear%03d'].data.update()\n"
                                    "result = [time.time() * 1000.0]" % (i, i)))
            print("  auto-send edit run %d: %s" % (r, {k: round(x, 1) for k, x in autos[-1].items()}), flush=True)
        versions = (b.eval("result = bpy.app.version_string"), fc.eval("result = '.'.join(App.Version()[:3])"))
        print("\nBlender %s -> FreeCAD %s; %d runs, medians" % (versions[0], versions[1], runs))
        print("objects  triangles  click->FreeCAD ack  Blender blocked (collect / operator)  click->published  "
              "hub->ack  FreeCAD fetch / pickup / build   manual: obj_export + Mesh.insert = total   speed-up")
        for n, tris, f, e, i, tot in rows:
            print("%7d  %9d  %15.0f ms  %14.1f / %-6.1f ms             %12.0f ms  %5.0f ms  %6.1f / %5.1f / %6.1f ms"
                  "        %6.0f + %6.0f = %6.0f ms   %5.1fx" % (
                      n, tris, f["ack_ms"], f["collect_ms"], f["op_ms"], f["published_ms"], f["hub_to_ack_ms"],
                      f["fetch_ms"], f["pickup_ms"], f["build_ms"], e, i, tot, tot / f["ack_ms"]))
        for label, xs in (("one of 400 edited, sent on purpose: click", edits),
                          ("one of 400 edited, Auto-send: edit (300 ms debounce included)", autos)):
            f = {k: m([x[k] for x in xs]) for k in xs[0]}
            print("%s -> FreeCAD ack %.0f ms; hub->ack %.0f ms, FreeCAD fetch %.1f / pickup %.1f / build %.1f ms%s"
                  % (label, f["ack_ms"], f["hub_to_ack_ms"], f["fetch_ms"], f["pickup_ms"], f["build_ms"],
                     "; Blender blocked %.1f ms" % f["collect_ms"] if "collect_ms" in f else ""))
    finally:
        fc.kill()
        b.kill()
        hub.stop()
        sb.cleanup()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
