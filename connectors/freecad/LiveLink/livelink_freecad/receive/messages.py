"""Typed messages between the network threads and FreeCAD's GUI thread for receiving (never positional tuples).

net -> GUI (a Qt signal carries them): CatchUp, VersionAnnounced, DeltaFetched, NotAccepted, FetchFailed, AckFailed.
GUI -> net: FetchRequest, AckRequest."""
from dataclasses import dataclass


@dataclass(frozen=True)
class CatchUp:
    """The hub's hello: the latest version of every scene it holds."""
    scenes: tuple  # ((scene id, version), ...)


@dataclass(frozen=True)
class VersionAnnounced:
    """A version was sent to this FreeCAD (live, or as catch-up right after hello)."""
    scene: str
    version: int


@dataclass(frozen=True)
class FetchRequest:
    scene: str
    since: int  # the version the document holds (0: none, the delta is the whole scene)
    version: int  # the version announced
    held: dict  # {node id: (mesh hash, materials)} as the document holds them: blobs it need not fetch


@dataclass(frozen=True)
class DeltaFetched:
    delta: dict  # the hub's delta JSON
    meshes: dict  # {hash: receive.meshes.Geometry or receive.meshes.BadMesh}, decoded on the fetch thread
    fetch_ms: float  # delta and blobs
    decode_ms: float
    peer: str  # the peer id it was fetched as: the ack goes out as that peer
    posted_at: float  # perf_counter() when it was posted: pickup time is measured from it


@dataclass(frozen=True)
class NotAccepted:
    """A scene from an app this FreeCAD does not receive from (the hub does not filter by "from" yet)."""
    scene: str
    version: int
    peer: str
    source: str


@dataclass(frozen=True)
class FetchFailed:
    scene: str
    version: int
    reason: str
    report: bool = True  # False when there was simply no connection: the next hello catches up


@dataclass(frozen=True)
class AckRequest:
    scene: str
    version: int
    peer: str
    ok: bool
    reason: str = ""
    timings: dict = None


@dataclass(frozen=True)
class AckFailed:
    reason: str
