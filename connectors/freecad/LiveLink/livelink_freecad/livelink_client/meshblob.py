"""The binary mesh blob (layout in docs/protocol.md), read into typed arrays without per-vertex Python work.

Header, 32 bytes little-endian: magic b"LLMB", u16 version 1, u16 flags (1 normals, 2 material index), u32 V, u32 T,
16 reserved. Then float32 positions[3V], uint32 indices[3T], float32 normals[3V]?, uint32 material_index[T]?.
"""
import struct
import sys
from array import array
from dataclasses import dataclass

from .errors import LiveLinkError

MAGIC = b"LLMB"
HEADER = struct.Struct("<4sHHII16x")
FLAG_NORMALS = 1
FLAG_MATERIAL_INDEX = 2


@dataclass(frozen=True)
class Mesh:
    """One blob's sections as typed arrays: positions and normals array('f'), indices and material_index
    array('i'). Blender's foreach_set takes array objects directly (it refuses cast memoryviews)."""
    vertex_count: int
    triangle_count: int
    positions: array
    indices: array
    normals: array = None
    material_index: array = None


def _view(buf, start, count, fmt):
    # frombytes is one memcpy per section; no Python object per number.
    a = array(fmt)
    a.frombytes(memoryview(buf)[start:start + 4 * count])
    if sys.byteorder == "big":
        a.byteswap()
    return a


def decode(data):
    """Checks the header and sizes and returns a Mesh of typed arrays (one bulk copy per section).

    Indices are read as signed 'i' so that Blender's foreach_set takes them; the hub has checked them against V.
    """
    if len(data) < HEADER.size:
        raise LiveLinkError("mesh blob is %d bytes, shorter than its header" % len(data))
    magic, version, flags, v, t = HEADER.unpack_from(data, 0)
    if magic != MAGIC or version != 1:
        raise LiveLinkError("not a version 1 mesh blob (magic %r, version %d)" % (magic, version))
    size = HEADER.size + 12 * v + 12 * t + (12 * v if flags & FLAG_NORMALS else 0) + \
        (4 * t if flags & FLAG_MATERIAL_INDEX else 0)
    if size != len(data):
        raise LiveLinkError("mesh blob declares %d vertices and %d triangles (%d bytes) but is %d bytes"
                            % (v, t, size, len(data)))
    p = HEADER.size
    positions = _view(data, p, 3 * v, "f")
    p += 12 * v
    indices = _view(data, p, 3 * t, "i")
    p += 12 * t
    normals = material_index = None
    if flags & FLAG_NORMALS:
        normals = _view(data, p, 3 * v, "f")
        p += 12 * v
    if flags & FLAG_MATERIAL_INDEX:
        material_index = _view(data, p, t, "i")
    return Mesh(v, t, positions, indices, normals, material_index)


def _le_bytes(values, fmt):
    if hasattr(values, "dtype") and hasattr(values, "astype"):  # a numpy array, where the host has numpy
        return values.astype("<" + {"f": "f4", "I": "u4", "i": "i4"}[fmt], copy=False).tobytes()
    if isinstance(values, memoryview) and values.format == fmt and sys.byteorder == "little":
        return values.tobytes()
    a = values if isinstance(values, array) and values.typecode == fmt else array(fmt, values)
    if sys.byteorder == "big":
        a = array(fmt, a)
        a.byteswap()
    return a.tobytes()


def encode(positions, indices, normals=None, material_index=None):
    """Builds a blob from flat sequences: array('f'), array('I'/'i'), numpy arrays, memoryviews or lists."""
    pos = _le_bytes(positions, "f")
    idx = _le_bytes(indices, "I" if not (isinstance(indices, array) and indices.typecode == "i") else "i")
    v, t = len(pos) // 12, len(idx) // 12
    flags = (FLAG_NORMALS if normals is not None else 0) | (FLAG_MATERIAL_INDEX if material_index is not None else 0)
    parts = [HEADER.pack(MAGIC, 1, flags, v, t), pos, idx]
    if normals is not None:
        parts.append(_le_bytes(normals, "f"))
    if material_index is not None:
        parts.append(_le_bytes(material_index, "I"))
    return b"".join(parts)
