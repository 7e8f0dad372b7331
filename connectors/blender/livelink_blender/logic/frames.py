"""Units and axes come from the shared client (livelink_client.frames: a scene's frame to metres, Z up); what is
Blender's own here is how materials are keyed and named. Pure Python: no bpy.

Blender gets vertices scaled to metres (and Y-up turned Z-up) by one matrix applied to the whole mesh in C
(Mesh.transform), and object transforms with their translation scaled; rotations and scales are unit-free.
"""
from ..livelink_client.frames import (IDENTITY, UNIT_METRES, Y_TO_Z, Z_TO_Y, FrameError, mesh_matrix,  # noqa: F401
                                      object_matrix, rows, unit_scale)


def material_key(mat):
    """Materials with equal colour, alpha, metallic and roughness share one Blender material."""
    c = list(mat.get("color", (0.8, 0.8, 0.8, 1.0)))
    if len(c) == 3:
        c.append(1.0)
    return (round(c[0], 4), round(c[1], 4), round(c[2], 4), round(c[3], 4),
            round(float(mat.get("metallic", 0.0)), 3), round(float(mat.get("roughness", 0.5)), 3))


def material_name(mat):
    r, g, b, a, _, _ = material_key(mat)
    base = mat.get("name") or "material"
    return "%s #%02X%02X%02X%s" % (base, round(r * 255), round(g * 255), round(b * 255),
                                   "" if a >= 1 else " a%.2f" % a)
