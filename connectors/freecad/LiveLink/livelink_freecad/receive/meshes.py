"""Mesh blobs as FreeCAD takes them, with numpy and without a Python loop per vertex or face. No FreeCAD objects:
decode runs on the fetch thread, the rest on the GUI thread just before FreeCAD reads the bytes.

FreeCAD builds a mesh fastest from its own binary mesh format (MeshKernel::Write/Read, the .bms of an .FCStd),
which Mesh.read takes from a stream: measured for 100,000 triangles, 25 ms against 40 ms from binary PLY and 900 ms
from a list of points, in 0.20 and 1.0. Its layout, little-endian:

    u32 0xA0B0C0D0, u32 0x00010000, 256 bytes of text (ignored), u32 V, u32 T,
    V x (f32 x, y, z), T x (u32 a, b, c, u32 three neighbour facets), f32 minX, maxX, minY, maxY, minZ, maxZ

Neighbours are written as "none" (0xFFFFFFFF) and FreeCAD rebuilds them (rebuildNeighbourHood). Facets keep the
blob's order, so a per-face colour list lines up with the blob's material index.
"""
from dataclasses import dataclass

import numpy as np

from ..livelink_client import LiveLinkError, meshblob

BMS_MAGIC, BMS_VERSION = 0xA0B0C0D0, 0x00010000
NO_NEIGHBOUR = 0xFFFFFFFF


class BadMesh(Exception):
    """A blob this FreeCAD cannot make an object of; the message is the reason alone (the caller names the node)."""


@dataclass(frozen=True)
class Geometry:
    """A decoded blob: positions (V x 3 float32, scene units), indices (T x 3 uint32), material index (T int32, or
    None)."""
    positions: np.ndarray
    indices: np.ndarray
    material_index: np.ndarray = None

    @property
    def triangles(self):
        return len(self.indices)


def decode(data):
    """A Geometry from blob bytes, or BadMesh naming what is wrong: no faces, coordinates that are not finite
    numbers, an index past the vertices, a broken blob."""
    try:
        m = meshblob.decode(data)
    except LiveLinkError as e:
        raise BadMesh(str(e)) from e
    if m.triangle_count == 0:
        raise BadMesh("it has no faces")
    positions = np.frombuffer(m.positions, dtype=np.float32).reshape(-1, 3)
    indices = np.frombuffer(m.indices, dtype=np.int32).reshape(-1, 3)
    if not np.isfinite(positions).all():
        raise BadMesh("its coordinates are not all finite numbers (NaN or infinity)")
    if indices.min() < 0 or indices.max() >= m.vertex_count:
        raise BadMesh("a face refers to a vertex past its %d vertices" % m.vertex_count)
    mi = np.frombuffer(m.material_index, dtype=np.int32) if m.material_index is not None else None
    return Geometry(positions, indices.astype(np.uint32), mi)


def decode_all(blobs):
    """{hash: Geometry or BadMesh} for {hash: bytes}."""
    out = {}
    for h, data in blobs.items():
        try:
            out[h] = decode(data)
        except BadMesh as e:
            out[h] = e
    return out


def bms(geometry, matrix):
    """FreeCAD's binary mesh bytes of a Geometry with its vertices transformed by `matrix` (3 x 3, rows: the
    units, axes and residual of plan.vertex_matrix)."""
    pts = (geometry.positions.astype(np.float64) @ np.asarray(matrix, dtype=np.float64).reshape(3, 3).T)
    pts = pts.astype("<f4")
    facets = np.full((geometry.triangles, 6), NO_NEIGHBOUR, dtype="<u4")
    facets[:, :3] = geometry.indices
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    box = np.array([lo[0], hi[0], lo[1], hi[1], lo[2], hi[2]], dtype="<f4")
    head = np.array([BMS_MAGIC, BMS_VERSION], dtype="<u4").tobytes() + bytes(256)
    counts = np.array([len(pts), geometry.triangles], dtype="<u4").tobytes()
    return b"".join((head, counts, pts.tobytes(), facets.tobytes(), box.tobytes()))


def linear_to_srgb(c):
    """Linear channel values (an array) to the display values FreeCAD's colours are."""
    c = np.clip(np.asarray(c, dtype=np.float64), 0.0, 1.0)
    return np.where(c <= 0.0031308, c * 12.92, 1.055 * np.power(c, 1.0 / 2.4) - 0.055)


@dataclass(frozen=True)
class Colors:
    """What FreeCAD shows of a node's materials: one colour (sRGB) and transparency (percent) for the object, and
    a colour per face when its faces have several."""
    color: tuple
    transparency: int
    faces: list = None  # a packed colour (int) per face, or None


DEFAULT = {"color": [0.8, 0.8, 0.8, 1.0]}


def packed(rgb):
    """Colours (n x 3, 0..1) as the ints FreeCAD's colour lists also take (App::Color's packed value, 0xRRGGBBAA;
    alpha 0: FreeCAD's mesh view uses only RGB per face)."""
    c = np.round(np.clip(rgb, 0.0, 1.0) * 255.0).astype(np.uint32)
    return (c[:, 0] << 24) | (c[:, 1] << 16) | (c[:, 2] << 8)


def colors(materials, geometry=None):
    """Colors of a node: its first material for the object; per face through the blob's material index when it has
    more than one. A material index past the materials takes the last. FreeCAD's mesh view draws a colour per face
    but one transparency, so faces of different alphas are drawn opaque."""
    mats = list(materials or ()) or [DEFAULT]
    rgba = np.array([(list(m.get("color") or DEFAULT["color"]) + [1.0])[:4] for m in mats], dtype=np.float64)
    srgb = np.round(linear_to_srgb(rgba[:, :3]), 5)
    alphas = np.clip(rgba[:, 3], 0.0, 1.0)
    faces, alphas = None, alphas[:1]
    if len(mats) > 1 and geometry is not None and geometry.material_index is not None:
        used = np.clip(geometry.material_index, 0, len(mats) - 1)
        faces = packed(srgb)[used].tolist()  # Python ints made in C: no Python loop per face
        alphas = np.clip(rgba[np.unique(used), 3], 0.0, 1.0)
    alpha = float(alphas[0]) if np.all(alphas == alphas[0]) else 1.0
    return Colors(tuple(float(x) for x in srgb[0]), int(round((1.0 - alpha) * 100)), faces)
