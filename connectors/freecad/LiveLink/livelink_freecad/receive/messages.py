"""Typed messages between the network threads and FreeCAD's GUI thread for receiving (never positional tuples).

net -> GUI (a Qt signal carries them): CatchUp, VersionAnnounced, DeltaFetched, NotAccepted, FetchFailed, AckFailed.
GUI -> net: FetchRequest, AckRequest."""
from dataclasses import dataclass

# The receiver's requests to the fetch thread and its failures: the shared client's, as its FetchWorker runs them.
from ..livelink_client.fetching import AckFailed, AckRequest, FetchFailed, FetchRequest  # noqa: F401


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
