"""Whether Blender's own smooth shading already shows a sender's per-vertex normals, so the add-on can leave out
custom split normals (Blender's normals_split_custom_set_from_vertices: ~0.2 ms a CAD part, the larger part of a
full apply, and as much again when the viewport first draws the part).

FreeCAD splits vertices at CAD face boundaries and sends the B-rep surface's normal at each. When every triangle's
three normals are its own plane's, every vertex lies on planar faces only, and Blender's smooth normal there (the
angle-weighted average of the triangles around it) is that plane's normal: custom normals would change nothing on
screen. A box, a board, a prism or a chamfered block is such a part. A curved face (a hole, a fillet, a sphere) has
vertices where Blender's average is off the surface's by a few degrees (a seam, the end of an arc): those parts keep
custom normals.

The test must cost next to nothing on the curved parts, which are most of a CAD scene (measured: reading Blender's
own vertex normals to compare cost a third of what the custom normals cost): a few triangles spread over the mesh
are looked at in plain Python first, and a curved triangle among them settles it; only a mesh whose sampled
triangles are all flat gets the full test, in a few numpy calls. numpy (bundled with Blender) is passed in; no bpy
here. Arrays are those of a decoded mesh blob: positions and normals float32, indices int32."""

import math

TOLERANCE_DEG = 0.5  # within this, Blender's own normal counts as the sender's (the e2e sphere allows 1 degree)
COS_TOLERANCE = math.cos(math.radians(TOLERANCE_DEG))
PROBES = 8  # triangles looked at before numpy; on a curved part the first curved one ends the test


def numpy_or_none():
    """numpy when this Python has it, else None (then the caller always sets custom normals)."""
    try:
        import numpy
    except ImportError:
        return None
    return numpy


def _probe_flat(indices, normals, triangles):
    """False when one of PROBES triangles spread over the mesh has corners with different sent normals (a curved
    face): exact comparison, as a planar face's normal is one value for all its vertices."""
    step = max(1, triangles // PROBES)
    for t in range(0, min(triangles, step * PROBES), step):
        a, b, c = (3 * indices[3 * t + k] for k in range(3))
        na = normals[a:a + 3]
        if na != normals[b:b + 3] or na != normals[c:c + 3]:
            return False
    return True


def flat_only(np, positions, indices, normals):
    """True when each triangle's three sent normals are within TOLERANCE_DEG of its own face normal (as its corner
    order, counter-clockwise, orients it). Then Blender's smooth normals are the sent ones at every vertex."""
    triangles = len(indices) // 3
    if np is None or triangles == 0 or not _probe_flat(indices, normals, triangles):
        return False
    p = np.frombuffer(positions, dtype=np.float32).reshape(-1, 3)
    n = np.frombuffer(normals, dtype=np.float32).reshape(-1, 3)
    tri = np.frombuffer(indices, dtype=np.int32).reshape(-1, 3)
    corners = p[tri]
    face = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    length = np.sqrt(np.einsum("ij,ij->i", face, face))
    # Sent normals are unit: each corner's cosine with its face, times the face normal's length. A triangle of no
    # area (length 0) has no direction to agree with: not flat.
    dot = np.einsum("tkj,tj->tk", n[tri], face)
    return bool((length > 0).all() and (dot >= COS_TOLERANCE * length[:, None]).all())
