"""Units and axes: from a scene's frame to Blender's (metres, Z up). Pure Python: no bpy.

Blender gets vertices scaled to metres (and Y-up turned Z-up) by one matrix applied to the whole mesh in C
(Mesh.transform), and object transforms with their translation scaled; rotations and scales are unit-free.
"""

UNIT_METRES = {"mm": 0.001, "cm": 0.01, "m": 1.0, "in": 0.0254, "ft": 0.3048}

# Y-up to Z-up: (x, y, z) -> (x, -z, y), row-major.
Y_TO_Z = ((1.0, 0.0, 0.0, 0.0), (0.0, 0.0, -1.0, 0.0), (0.0, 1.0, 0.0, 0.0), (0.0, 0.0, 0.0, 1.0))
Z_TO_Y = ((1.0, 0.0, 0.0, 0.0), (0.0, 0.0, 1.0, 0.0), (0.0, -1.0, 0.0, 0.0), (0.0, 0.0, 0.0, 1.0))
IDENTITY = ((1.0, 0.0, 0.0, 0.0), (0.0, 1.0, 0.0, 0.0), (0.0, 0.0, 1.0, 0.0), (0.0, 0.0, 0.0, 1.0))


class FrameError(ValueError):
    pass


def unit_scale(units):
    try:
        return UNIT_METRES[units]
    except KeyError:
        raise FrameError("unknown units %r (expected mm, cm, m, in or ft)" % (units,)) from None


def _mul(a, b):
    return tuple(tuple(sum(a[r][k] * b[k][c] for k in range(4)) for c in range(4)) for r in range(4))


def rows(flat):
    if flat is None:
        return IDENTITY
    if len(flat) != 16:
        raise FrameError("transform has %d numbers, expected 16" % len(flat))
    return tuple(tuple(float(flat[r * 4 + c]) for c in range(4)) for r in range(4))


def mesh_matrix(scene):
    """The 4x4 (rows) that takes mesh coordinates of this scene into Blender metres, Z up."""
    s = unit_scale(scene.get("units", "m"))
    scale = ((s, 0.0, 0.0, 0.0), (0.0, s, 0.0, 0.0), (0.0, 0.0, s, 0.0), (0.0, 0.0, 0.0, 1.0))
    return _mul(scale, Y_TO_Z) if scene.get("up", "Z") == "Y" else scale


def object_matrix(scene, flat):
    """A node's local transform (16 numbers, rows) in Blender's frame: C T C^-1, translation in metres."""
    m = rows(flat)
    if scene.get("up", "Z") == "Y":
        m = _mul(_mul(Y_TO_Z, m), Z_TO_Y)
    s = unit_scale(scene.get("units", "m"))
    return tuple(tuple(m[r][c] * (s if c == 3 and r < 3 else 1.0) for c in range(4)) for r in range(4))


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
