"""Ten times the document: real FreeCAD and Blender (GUI under Xvfb, the Mod and the add-on installed) on the
documents of bench/make_big_model.py, at each size asked (410, 1000, 2000, 4000 parts by default).

Per size, the document is opened once (FreeCAD's own time, reported apart), then `runs` times, each on an empty
hub store, a fresh Blender and the Mod's mesh cache of the document emptied (as opening it does):
  first send   Blender > Export to Blender until the Blender ack, as the Mod measures it (its SendResult), with the
               ack's own timings; and "visible": from the menu action until Blender has drawn a frame of its 3D view
               holding every part (a draw handler's wall clock)
  memory       Blender's own "Memory" (its guarded allocator) and its RSS, before and after, each after a redraw of the
               window; against bpy.ops.wm.obj_import, in another fresh Blender, of the same meshes written by
               Blender's obj_export with normals (world transforms applied, instances expanded)
  seed         the seed's pipeline on the same document: importOBJ.export in FreeCAD, then obj_import of that file
               in Blender (shared/bench/seed, without its socket and 1 s timer)
Then, on the last run's Blender, `edits` one-part edits with Auto-sync on (Box.Length changes, recompute; each waits
for its ack, and before it for a redraw of Blender's window, so that the main thread is free when the edit comes),
with the hub's RSS and its heap after a full GC every 10.

The Blenders draw their 3D view in one pass, without viewport anti-aliasing (see bigapps.ONE_PASS).

Run: python3 bench/big_bench.py [--sizes 410,1000,2000,4000] [--runs 3] [--edits 100] [--no-seed] [--json FILE]
under `flock /tmp/livelink-e2e.lock`. Models are generated into bench/out/big when missing (MODELS_DIR overrides).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import bigapps as ba
from bigapps import apps

MODELS = os.environ.get("MODELS_DIR", os.path.join(ba.ROOT, "bench", "out", "big"))
MAKE = os.path.join(ba.ROOT, "bench", "make_big_model.py")
med = statistics.median


def ensure_models(sizes):
    missing = [n for n in sizes if not os.path.exists(os.path.join(MODELS, "big%d.json" % n))]
    if missing:
        os.makedirs(MODELS, exist_ok=True)
        env = dict(os.environ, MODELS_DIR=MODELS, BIG_SIZES=",".join(map(str, missing)))
        subprocess.run(["freecadcmd", MAKE], env=env, check=True, stdout=subprocess.DEVNULL)


class Session:
    """One sandbox: its hub (restarted with an empty store per run) and one FreeCAD for every size."""

    def __init__(self):
        self.sb = apps.Sandbox()
        self.sb.run("install")
        # Without the launcher `install` records, no application starts a hub of its own while the bench restarts it.
        os.remove(os.path.join(self.sb.livelink_home, "install.json"))
        self.hub = ba.Hub(self.sb).restart()
        self.fc = apps.start_freecad(self.sb)
        self.blenders = []

    def blender(self, connect=True):
        b = ba.start_blender(self.sb, connect)
        self.blenders.append(b)
        return b

    def drop(self, b):
        b.kill()
        self.blenders.remove(b)

    def close(self):
        for b in list(self.blenders):
            b.kill()
        self.fc.kill()
        self.hub.stop()
        self.sb.cleanup()


def first_send(s, n, doc):
    """One first send of the open n-part document into a fresh Blender; returns (figures, that Blender)."""
    s.hub.restart()
    s.fc.eval(ba.FORGET)
    b = s.blender()
    peer = ba.blender_peer(b)
    apps.wait_until(lambda: s.fc.eval(ba.SENDER)["blenders"] == [peer], 120, "FreeCAD to see the new Blender")
    before = b.eval(ba.MEMORY)
    b.eval(ba.ARM % (doc, n))
    b.eval(ba.IDLE)
    previous = s.fc.eval(ba.LAST)
    clicked = time.time()
    s.fc.eval(ba.EXPORT)
    sent = ba.last_send(s.fc, previous)
    drawn = apps.wait_until(lambda: b.eval(ba.DRAWN), 300, "Blender to draw every part")
    scene = b.eval(ba.SCENE % doc)
    if scene["mesh_objects"] != n:
        raise AssertionError("Blender holds %d of the %d parts" % (scene["mesh_objects"], n))
    after = b.eval(ba.MEMORY)
    out = {"sent": sent, "visible_ms": (drawn - clicked) * 1000, "scene": scene, "redraw_ms": b.eval(ba.IDLE),
           "mem_mib": after["mem_mib"] - before["mem_mib"], "rss_mib": after["rss_mib"] - before["rss_mib"]}
    return out, b


def obj_import(s, same_obj, seed_obj):
    """obj_import of the same meshes in a fresh Blender (memory and time); then of the seed's file (time)."""
    b = s.blender(connect=False)
    b.eval(ba.IDLE)
    before = b.eval(ba.MEMORY)
    ms = b.eval(ba.OBJ_IMPORT % same_obj, timeout=600)
    after = b.eval(ba.MEMORY)
    out = {"import_ms": ms, "mem_mib": after["mem_mib"] - before["mem_mib"],
           "rss_mib": after["rss_mib"] - before["rss_mib"]}
    if seed_obj:
        b.eval(ba.CLEAR)
        out["seed_import_ms"] = b.eval(ba.OBJ_IMPORT % seed_obj, timeout=600)
    s.drop(b)
    return out


def edit_series(s, b, edits):
    """`edits` one-part edits with Auto-sync; the Mod's figures per edit, the hub's memory every 10."""
    s.fc.eval(ba.AUTOSYNC)
    rows, hub = [], []
    previous = s.fc.eval(ba.LAST)
    for i in range(edits):
        if i % 10 == 0:
            hub.append({"edit": i, "rss_kb": s.hub.rss_kb(), "heap_kb": s.hub.heap_after_gc_kb()})
        b.eval(ba.IDLE)
        s.fc.eval(ba.EDIT % (101 + i))  # a new length each time: a new mesh
        previous = ba.last_send(s.fc, previous)
        rows.append(previous)
    hub.append({"edit": edits, "rss_kb": s.hub.rss_kb(), "heap_kb": s.hub.heap_after_gc_kb()})
    s.fc.eval(ba.AUTOSYNC)  # off again
    return rows, hub


def measure(s, n, runs, edits, seed):
    path = os.path.join(MODELS, "big%d.FCStd" % n)
    same_obj = os.path.join(s.sb.dir, "same%d.obj" % n)
    seed_obj = os.path.join(s.sb.dir, "seed%d.obj" % n) if seed else None
    t = time.perf_counter()
    ba.run_long(s.fc, ba.OPEN % path)  # once per size: FreeCAD's own time, not the link's (see bigapps.OPEN)
    res = {"n": n, "facts": ba.facts(MODELS, n), "first": [], "imports": [], "seed_export_ms": [],
           "open_s": time.perf_counter() - t}
    for r in range(runs):
        last = r == runs - 1
        first, b = first_send(s, n, "big%d" % n)
        res["first"].append(first)
        print("  %d parts, run %d: first send %.0f ms %s, visible %.0f ms; Blender +%.0f MiB (RSS +%.0f)" % (
            n, r, first["sent"]["elapsed_ms"], _t(first["sent"]), first["visible_ms"], first["mem_mib"],
            first["rss_mib"]), flush=True)
        if r == 0:
            b.eval(ba.OBJ_EXPORT % same_obj, timeout=600)
        if last and edits:
            res["edits"], res["hub"] = edit_series(s, b, edits)
        s.drop(b)
        if seed:
            res["seed_export_ms"].append(ba.run_long(s.fc, ba.SEED_EXPORT % seed_obj))
        imp = obj_import(s, same_obj, seed_obj)
        res["imports"].append(imp)
        print("  %d parts, run %d: obj_import %.0f ms, +%.0f MiB (RSS +%.0f); seed %s" % (
            n, r, imp["import_ms"], imp["mem_mib"], imp["rss_mib"],
            "%.0f + %.0f ms" % (res["seed_export_ms"][-1], imp["seed_import_ms"]) if seed else "-"), flush=True)
    return res


def _t(sent):
    t = sent["timings"]
    return "(FreeCAD %.0f, hub %.0f, Blender fetch %.0f + wait %.0f + build %.0f)" % (
        sent["prepare_ms"], sent["network_ms"], t.get("fetch_ms", 0), t.get("pickup_ms", 0), t.get("build_ms", 0))


def summary(res):
    """The medians of one size, as the report prints them."""
    f, i = res["first"], res["imports"]
    sent = [x["sent"] for x in f]
    out = {"parts": res["n"], "objects": f[0]["scene"]["objects"], "triangles": f[0]["scene"]["triangles"],
           "meshes": f[0]["scene"]["meshes"], "mesh_triangles": f[0]["scene"]["mesh_triangles"],
           "uploaded": sent[0]["uploaded"], "uploaded_kb": sent[0]["uploaded_kb"],
           "first_ms": med(x["elapsed_ms"] for x in sent), "prepare_ms": med(x["prepare_ms"] for x in sent),
           "network_ms": med(x["network_ms"] for x in sent),
           "fetch_ms": med(x["timings"].get("fetch_ms", 0) for x in sent),
           "pickup_ms": med(x["timings"].get("pickup_ms", 0) for x in sent),
           "build_ms": med(x["timings"].get("build_ms", 0) for x in sent),
           "visible_ms": med(x["visible_ms"] for x in f), "open_s": res["open_s"],
           "redraw_ms": med(x["redraw_ms"] for x in f),
           "mem_mib": med(x["mem_mib"] for x in f), "rss_mib": med(x["rss_mib"] for x in f),
           "import_ms": med(x["import_ms"] for x in i), "import_mem_mib": med(x["mem_mib"] for x in i),
           "import_rss_mib": med(x["rss_mib"] for x in i), "runs": len(f)}
    if res["seed_export_ms"]:
        out["seed_ms"] = med(e + x["seed_import_ms"] for e, x in zip(res["seed_export_ms"], i))
    if res.get("edits"):
        e = res["edits"]
        out.update({"edits": len(e), "edit_ms": med(x["elapsed_ms"] for x in e),
                    "edit_recompute_ms": med(x["since_recompute_ms"] for x in e),
                    "edit_prepare_ms": med(x["prepare_ms"] for x in e),
                    "edit_network_ms": med(x["network_ms"] for x in e),
                    "edit_fetch_ms": med(x["timings"].get("fetch_ms", 0) for x in e),
                    "edit_pickup_ms": med(x["timings"].get("pickup_ms", 0) for x in e),
                    "edit_build_ms": med(x["timings"].get("build_ms", 0) for x in e),
                    "edit_uploaded": med(x["uploaded"] for x in e), "hub": res["hub"]})
    return out


def report(rows):
    print("\nparts objects triangles(meshes) | first send: Mod ms (FreeCAD/hub/fetch/wait/build) visible ms | "
          "seed ms | Blender MiB ours/obj_import (RSS) | edit ms (FreeCAD/hub/fetch/wait/build), from recompute | "
          "open s, redraw ms")
    for r in rows:
        print("%5d %7d %9d (%d) | %6.0f (%.0f/%.0f/%.0f/%.0f/%.0f) %6.0f | %s | %.0f/%.0f (%.0f/%.0f) | %s" % (
            r["parts"], r["objects"], r["triangles"], r["meshes"], r["first_ms"], r["prepare_ms"], r["network_ms"],
            r["fetch_ms"], r["pickup_ms"], r["build_ms"], r["visible_ms"], "%.0f" % r["seed_ms"] if "seed_ms" in r
            else "-", r["mem_mib"], r["import_mem_mib"], r["rss_mib"], r["import_rss_mib"],
            "%.0f (%.0f/%.0f/%.0f/%.0f/%.0f), %.0f" % (
                r["edit_ms"], r["edit_prepare_ms"], r["edit_network_ms"], r["edit_fetch_ms"], r["edit_pickup_ms"],
                r["edit_build_ms"], r["edit_recompute_ms"]) if "edit_ms" in r else "-") +
              " | %.0f, %.0f" % (r["open_s"], r["redraw_ms"]))
        if "hub" in r:
            print("      hub every 10 edits: RSS MiB %s; heap after GC MiB %s" % (
                " ".join("%.0f" % (h["rss_kb"] / 1024) for h in r["hub"]),
                " ".join("%.1f" % (h["heap_kb"] / 1024) if h["heap_kb"] is not None else "?" for h in r["hub"])))


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="410,1000,2000,4000")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--edits", type=int, default=100)
    p.add_argument("--no-seed", dest="seed", action="store_false")
    p.add_argument("--json", help="write every figure here")
    a = p.parse_args(argv)
    sizes = [int(x) for x in a.sizes.split(",")]
    ensure_models(sizes)
    s = Session()
    results = []
    try:
        for n in sizes:
            results.append(measure(s, n, a.runs, a.edits, a.seed))
    finally:
        s.close()
    rows = [summary(r) for r in results]
    report(rows)
    print("machine: %d cores, load average %s" % (os.cpu_count(), " ".join(open("/proc/loadavg").read().split()[:3])))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"summary": rows, "raw": results}, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
