"""Typed messages between the network threads and Blender's main thread (queue items, never positional tuples).

net -> main: StatusChanged, CatchUp, VersionAnnounced, DeltaFetched, FetchFailed, AckFailed
main -> net: FetchRequest, AckRequest
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class StatusChanged:
    hub: str  # "connected", or what is wrong and when it retries
    peer: str = ""
    error: str = ""


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
class FetchFailed:
    scene: str
    version: int
    reason: str
    report: bool = True  # False when there was simply no connection: the next hello catches up


@dataclass(frozen=True)
class AckFailed:
    reason: str


@dataclass(frozen=True)
class FetchRequest:
    scene: str
    since: int  # the version this .blend holds
    version: int  # the version announced
    have: frozenset  # mesh hashes of this scene already in the .blend


@dataclass(frozen=True)
class AckRequest:
    scene: str
    version: int
    peer: str
    ok: bool
    reason: str = ""
    timings: dict = None
