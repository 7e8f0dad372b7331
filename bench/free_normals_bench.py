"""What the add-on's apply pays for the sender's normals, per way of storing them, in the running Blender (run in a
background Blender). Builds the 410 meshes of blender_bench.py's synthetic surface (surface.py: 450 triangles, 256
vertices and unit analytic normals each) with the add-on's MeshBuilder, three ways: without normals (Blender shades
by angle), with tangent-space custom normals (normals_split_custom_set_from_vertices: what 3.4 to 4.4 do), and with
the normals stored as a float vector attribute named custom_normal, one bulk copy: what Blender 4.5+ shows as free
normals. On 3.4 and 4.3, which have no free normals, the last is a proxy: the same store, kept as a plain attribute.
Run: blender -b --factory-startup --python bench/free_normals_bench.py -- [runs]"""
import dataclasses
import os
import statistics
import sys
import time
from array import array

import bpy

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [BENCH, os.path.join(os.path.dirname(BENCH), "connectors", "blender")]
import surface  # noqa: E402
from livelink_blender.blender import apply  # noqa: E402
from livelink_blender.livelink_client import meshblob  # noqa: E402

OBJECTS, GRID = 410, 15
SCENE = {"id": "bench", "name": "bench", "units": "mm", "up": "Z"}


def blob(o, normals):
    n = GRID + 1
    pos, nrm, idx = array("f"), array("f"), array("I")
    for i in range(n):
        for k in range(n):
            pos.extend(surface.point(o, i, k))
            nrm.extend(surface.normal(o, i, k))
    for i in range(GRID):
        for k in range(GRID):
            a = i * n + k
            idx.extend((a, a + 1, a + n + 1, a, a + n + 1, a + n))
    return meshblob.encode(pos, idx, normals=nrm if normals else None)


def build_all(blobs, free):
    real = apply.running_features()
    apply.running_features = lambda: dataclasses.replace(real, free_normals=free)
    try:
        start = time.perf_counter()
        builder = apply.MeshBuilder(SCENE, blobs)
        meshes = [builder.build("m%d" % i, b, h) for i, (h, b) in enumerate(blobs.items())]
        took = (time.perf_counter() - start) * 1000
    finally:
        apply.running_features = lambda: real
    for me in meshes:
        bpy.data.meshes.remove(me, do_unlink=False)
    return took


def main(runs):
    bare = {"b%d" % o: blob(o, False) for o in range(OBJECTS)}
    lit = {"l%d" % o: blob(o, True) for o in range(OBJECTS)}
    ways = {"no normals": (bare, False), "tangent-space custom normals": (lit, False),
            "custom_normal attribute (free on 4.5+)": (lit, True)}
    got = {w: [] for w in ways}
    for _ in range(runs):
        for w, (blobs, free) in ways.items():
            got[w].append(build_all(blobs, free))
    print("Blender %s, %d meshes, median of %d runs:" % (bpy.app.version_string, OBJECTS, runs))
    for w, times in got.items():
        print("  %-40s %7.1f ms  (%s)" % (w, statistics.median(times), " ".join("%.1f" % t for t in times)))


if __name__ == "__main__":
    argv = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []
    main(int(argv[0]) if argv else 7)
