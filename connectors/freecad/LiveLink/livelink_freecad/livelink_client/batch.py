"""The blob batch framing of docs/protocol.md, used for uploads (POST /v1/blobs) and fetches (POST
/v1/blobs/fetch): per blob 64 ASCII hex digits of its SHA-256, its length as u64 little-endian, then its bytes.
The hub's Java codec is dev.livelink.wire.BlobBatch; this is the Python one."""
from .errors import LiveLinkError

HASH_LEN = 64
FRAME_HEAD = HASH_LEN + 8
_HEX = frozenset(b"0123456789abcdef")


def encode(blobs, hashes=None):
    """One body from {hash: bytes}; `hashes` picks and orders the ones to include (default: all)."""
    parts = []
    for h in (blobs if hashes is None else hashes):
        b = blobs[h]
        parts.append(h.encode("ascii"))
        parts.append(len(b).to_bytes(8, "little"))
        parts.append(b)
    return b"".join(parts)


def decode(data):
    """{hash: bytes} from one body. A truncated frame or a malformed hash is an error naming the frame."""
    view = memoryview(data)
    out, p, n = {}, 0, len(view)
    while p < n:
        if p + FRAME_HEAD > n:
            raise LiveLinkError("blob batch truncated in the header of frame %d (at byte %d of %d)" % (len(out), p, n))
        head = bytes(view[p:p + HASH_LEN])
        if not _HEX.issuperset(head):
            raise LiveLinkError("blob batch frame %d does not start with 64 lowercase hex digits: %r"
                                % (len(out), head[:16]))
        size = int.from_bytes(view[p + HASH_LEN:p + FRAME_HEAD], "little")
        start = p + FRAME_HEAD
        if start + size > n:
            raise LiveLinkError("blob batch frame %d (%s…) declares %d bytes but %d remain"
                                % (len(out), head[:12].decode(), size, n - start))
        out[head.decode("ascii")] = bytes(view[start:start + size])
        p = start + size
    return out
