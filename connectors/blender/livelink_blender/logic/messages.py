"""Typed messages between the network threads and Blender's main thread (queue items, never positional tuples).

Receiving. net -> main: StatusChanged, SpaceChanged, CatchUp, VersionAnnounced, DeltaFetched, FetchFailed, AckFailed;
main -> net: FetchRequest, AckRequest.
Sending. main -> net: SendJob; net -> main (a queue of their own): SendDone, SendFailed, AckReceived, PeersUpdated.
"""
from array import array
from dataclasses import dataclass

# The receiver's requests to the fetch thread and its failures: the shared client's, as its FetchWorker runs them.
from ..livelink_client.fetching import AckFailed, AckRequest, FetchFailed, FetchRequest  # noqa: F401


@dataclass(frozen=True)
class StatusChanged:
    hub: str  # "connected", or what is wrong and when it retries
    peer: str = ""
    error: str = ""


@dataclass(frozen=True)
class SpaceChanged:
    """The hub's studio space, as one line for the panel ("Studio space NAME: connected"); "" when none."""
    line: str
    ready: bool = False  # versions cross to and from the other machines


@dataclass(frozen=True)
class CatchUp:
    """The hub's hello: the latest version of every scene it holds."""
    scenes: tuple  # ((scene id, version), ...)


@dataclass(frozen=True)
class VersionAnnounced:
    scene: str
    version: int


@dataclass(frozen=True)
class DeltaFetched:
    delta: dict  # the hub's delta JSON
    blobs: dict  # {hash: bytes} for the meshes it names that the .blend lacked
    fetch_ms: float
    peer: str  # the peer id the version was fetched as (acks go out as that peer)
    posted_at: float  # perf_counter() when it was queued: pickup time is measured from it


@dataclass(frozen=True)
class MeshArrays:
    """One evaluated mesh as read with foreach_get, in metres: the send worker encodes and hashes it."""
    positions: array  # 'f', x y z per vertex
    indices: array  # 'i', a b c per loop triangle
    material_index: array = None  # 'i', per triangle; None with at most one material slot


@dataclass(frozen=True)
class SendJob:
    serial: int
    scene: dict  # the header: id, name, source, units, up
    nodes: tuple  # node dicts; "mesh" names a key of `meshes`, or a hash the hub already holds
    meshes: dict  # key -> MeshArrays
    targets: tuple  # receiver peer ids; () lets the hub send to every receiver but this Blender


@dataclass(frozen=True)
class SendDone:
    serial: int
    scene: str
    version: int
    targets: tuple  # the peers the hub sent the version to
    hashes: dict  # mesh key -> blob hash
    uploaded: int  # blobs the hub lacked
    uploaded_bytes: int
    delta: dict  # {"added", "changed", "removed"} node counts
    encode_ms: float
    network_ms: float


@dataclass(frozen=True)
class SendFailed:
    serial: int
    reason: str


@dataclass(frozen=True)
class AckReceived:
    """A receiver acked a version this Blender sent."""
    scene: str
    version: int
    peer: str
    ok: bool
    reason: str
    app: str
    app_version: str
    document: str
    timings: dict


@dataclass(frozen=True)
class PeersUpdated:
    """The list of peers changed: the panel's receivers may have."""
