"""What the add-on's apply pays for the sender's normals, per way of storing them, in the running Blender (run in a
background Blender; 3.4 and 4.3 here). Builds the 410 meshes of blender_bench.py's synthetic surface (450 triangles,
256 vertices and unit analytic normals each) with the add-on's MeshBuilder, three ways: without normals (Blender
shades by angle), with tangent-space custom normals (normals_split_custom_set_from_vertices: what 3.4 to 4.4 do),
and with the normals stored as a float vector attribute named custom_normal, one bulk copy: what Blender 4.5+
shows as free normals. Blender 4.5 is not packaged for Debian, so on 3.4 and 4.3 the last is a proxy: the same
store, which those versions keep as a plain attribute, without 4.5's use of it.
Run: blender -b --factory-startup --python bench/free_normals_bench.py -- [runs]"""
import dataclasses
import math
import os
import statistics
import sys
import time
from array import array

import bpy

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "connectors", "blender"))
from livelink_blender.blender import apply  # noqa: E402
from livelink_blender.livelink_client import meshblob  # noqa: E402

OBJECTS, GRID = 410, 15
SCENE = {"id": "bench", "name": "bench", "units": "mm", "up": "Z"}


def surface(o, normals):
    n = GRID + 1
    pos, nrm, idx = array("f"), array("f"), array("I")
    for i in range(n):
        for k in range(n):
            pos.extend(((o % 21) * 20.0 + i, (o // 21) * 20.0 + k, math.sin(o + i * 0.3 + k * 0.7)))
            c = math.cos(o + i * 0.3 + k * 0.7)
            gx, gy = -0.3 * c, -0.7 * c
            ln = math.sqrt(gx * gx + gy * gy + 1)
            nrm.extend((gx / ln, gy / ln, 1 / ln))
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
    bare = {"b%d" % o: surface(o, False) for o in range(OBJECTS)}
    lit = {"l%d" % o: surface(o, True) for o in range(OBJECTS)}
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
