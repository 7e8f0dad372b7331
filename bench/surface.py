"""The synthetic surface of the Blender benchmarks (blender_bench.py writes it as an OBJ, free_normals_bench.py
builds it as blobs): object o's grid point (i, k), in millimetres, and the surface's unit normal there (its
analytic gradient). Plain Python: runs in Blender's interpreter too."""
import math


def point(o, i, k):
    return (o % 21) * 20.0 + i, (o // 21) * 20.0 + k, math.sin(o + i * 0.3 + k * 0.7)


def normal(o, i, k):
    c = math.cos(o + i * 0.3 + k * 0.7)
    gx, gy = -0.3 * c, -0.7 * c
    ln = math.sqrt(gx * gx + gy * gy + 1)
    return gx / ln, gy / ln, 1 / ln
