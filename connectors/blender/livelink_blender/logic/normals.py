"""Whether Blender's own smooth shading already shows a sender's per-vertex normals, so the add-on can leave out
custom split normals (Blender's normals_split_custom_set_from_vertices: ~0.2 ms for a 600-vertex gear, a few µs
for a box; the larger part of a full apply, and as much again when the viewport first draws the part).

FreeCAD splits vertices at CAD face boundaries and sends the B-rep surface's normal at each. When every triangle's
three normals are its own plane's, every vertex lies on planar faces only, and Blender's smooth normal there (the
angle-weighted average of the triangles around it) is that plane's normal: custom normals would change nothing on
screen. A box, a board, a prism or a chamfered block is such a part. A curved face (a hole, a fillet, a sphere) has
vertices where Blender's average is off the surface's by a few degrees (a seam, the end of an arc): those parts keep
custom normals.

The test must cost next to nothing on the curved parts, which are most of a CAD scene (measured: reading Blender's
own vertex normals to compare cost a third of what the custom normals cost), and on small parts, where custom
normals are cheap: a few triangles spread over each mesh are looked at in plain Python first, and a curved triangle
among them settles it; the meshes left are tested together, all of an apply's in one numpy pass (per mesh, numpy's
per-call overhead alone would cost a box as much as its custom normals). numpy (bundled with Blender) is passed in;
no bpy here. Meshes are decoded mesh blobs: positions and normals float32, indices int32."""

import math

TOLERANCE_DEG = 0.5  # within this, Blender's own normal counts as the sender's (the e2e sphere allows 1 degree)
COS_TOLERANCE = math.cos(math.radians(TOLERANCE_DEG))
PROBES = 4  # triangles looked at before numpy; on a curved part the first curved one ends the test
SMALL = 32  # triangles: a mesh this small goes to numpy unprobed (its share there costs less than the probe)


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


def flat_meshes(np, meshes):
    """The keys of `meshes` (key -> decoded mesh blob) whose every triangle's three sent normals are within
    TOLERANCE_DEG of its own face normal, as its corner order (counter-clockwise) orients it: Blender's smooth
    normals are the sent ones at every vertex of those. Empty without numpy."""
    keys = [k for k, m in meshes.items() if m.normals is not None and m.triangle_count
            and (m.triangle_count <= SMALL or _probe_flat(m.indices, m.normals, m.triangle_count))]
    if np is None or not keys:
        return set()
    ms = [meshes[k] for k in keys]
    p = np.concatenate([np.frombuffer(m.positions, dtype=np.float32) for m in ms]).reshape(-1, 3)
    n = np.concatenate([np.frombuffer(m.normals, dtype=np.float32) for m in ms]).reshape(-1, 3)
    vertices = np.array([m.vertex_count for m in ms], dtype=np.int64)
    triangles = np.array([m.triangle_count for m in ms], dtype=np.int64)
    tri = np.concatenate([np.frombuffer(m.indices, dtype=np.int32) for m in ms]).reshape(-1, 3).astype(np.int64)
    if (tri < 0).any() or (tri >= np.repeat(vertices, triangles)[:, None]).any():
        return set()  # an index out of its mesh: Blender will say so when it builds it; nothing decided here
    tri += np.repeat(np.cumsum(vertices) - vertices, triangles)[:, None]
    corners = p[tri]
    face = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    length = np.sqrt(np.einsum("ij,ij->i", face, face))
    # Sent normals are unit: each corner's cosine with its face, times the face normal's length. A triangle of no
    # area (length 0) has no direction to agree with: not flat.
    dot = np.einsum("tkj,tj->tk", n[tri], face)
    ok = (length > 0) & (dot >= COS_TOLERANCE * length[:, None]).all(axis=1)
    per_mesh = np.logical_and.reduceat(ok, np.cumsum(triangles) - triangles)
    return {keys[i] for i in np.flatnonzero(per_mesh)}


def unit_meshes(np, meshes):
    """The keys of `meshes` (key -> decoded mesh blob) whose every sent normal is of unit length (within 1%):
    those can be Blender 4.5+'s free normals as sent, which are shown as they are, where a zero vector (the
    protocol's "yours to choose") would shade black. Empty without numpy: then the fan-space custom normals, which
    normalise and fill in zeros themselves."""
    keys = [k for k, m in meshes.items() if m.normals is not None and m.vertex_count]
    if np is None or not keys:
        return set()
    n = np.concatenate([np.frombuffer(meshes[k].normals, dtype=np.float32) for k in keys]).reshape(-1, 3)
    ok = np.abs(np.einsum("ij,ij->i", n, n) - 1.0) < 0.02  # |n|^2 within 2%: |n| within 1%
    vertices = np.array([meshes[k].vertex_count for k in keys], dtype=np.int64)
    per_mesh = np.logical_and.reduceat(ok, np.cumsum(vertices) - vertices)
    return {keys[i] for i in np.flatnonzero(per_mesh)}
