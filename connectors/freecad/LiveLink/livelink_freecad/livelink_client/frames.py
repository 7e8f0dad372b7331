"""Units and axes: from a scene's frame (its `units` and `up`) to metres, Z up. Pure Python; both connectors use it
(Blender works in metres, FreeCAD scales the result to millimetres).

Vertices take one matrix for the whole mesh (mesh_matrix: the unit scale, and Y-up turned Z-up); node transforms
are conjugated by the axis change and have their translation scaled (object_matrix): rotations and scales are
unit-free.
"""

UNIT_METRES = {"mm": 0.001, "cm": 0.01, "m": 1.0, "in": 0.0254, "ft": 0.3048}

# Y-up to Z-up: (x, y, z) -> (x, -z, y), row-major.
Y_TO_Z = ((1.0, 0.0, 0.0, 0.0), (0.0, 0.0, -1.0, 0.0), (0.0, 1.0, 0.0, 0.0), (0.0, 0.0, 0.0, 1.0))
Z_TO_Y = ((1.0, 0.0, 0.0, 0.0), (0.0, 0.0, 1.0, 0.0), (0.0, -1.0, 0.0, 0.0), (0.0, 0.0, 0.0, 1.0))
IDENTITY = ((1.0, 0.0, 0.0, 0.0), (0.0, 1.0, 0.0, 0.0), (0.0, 0.0, 1.0, 0.0), (0.0, 0.0, 0.0, 1.0))


class FrameError(ValueError):
    pass


def unit_scale(units):
    """Metres per unit."""
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
    """The 4x4 (rows) that takes mesh coordinates of this scene into metres, Z up."""
    s = unit_scale(scene.get("units", "m"))
    scale = ((s, 0.0, 0.0, 0.0), (0.0, s, 0.0, 0.0), (0.0, 0.0, s, 0.0), (0.0, 0.0, 0.0, 1.0))
    return _mul(scale, Y_TO_Z) if scene.get("up", "Z") == "Y" else scale


def object_matrix(scene, flat):
    """A node's local transform (16 numbers, rows) in metres, Z up: C T C^-1, translation in metres."""
    m = rows(flat)
    if scene.get("up", "Z") == "Y":
        m = _mul(_mul(Y_TO_Z, m), Z_TO_Y)
    s = unit_scale(scene.get("units", "m"))
    return tuple(tuple(m[r][c] * (s if c == 3 and r < 3 else 1.0) for c in range(4)) for r in range(4))
