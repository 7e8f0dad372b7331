"""The livelink protocol client for Python connectors (standard library only); docs/protocol.md is what it speaks.

This folder is the one source. The Blender add-on and the FreeCAD Mod each ship a generated, byte-identical copy
(each connector folder must install on its own), made by `python3 connectors/python/sync_copies.py`; a test fails
when a copy differs. Edit here, then run that script.
"""
from . import batch, meshblob
from .client import HubClient
from .errors import LiveLinkError
from .events import Ack, EventStream, Hello, PeersChanged, SpaceState, VersionReady
from .fetching import AckFailed, AckRequest, FetchFailed, FetchRequest, FetchWorker
from .hubfile import HubInfo, default_home, read_hub, read_install
from .launch import ensure_hub
from .session import Connected, Disconnected, PeerSession, Registration, end_session

__all__ = ["LiveLinkError", "HubInfo", "default_home", "read_hub", "read_install", "HubClient", "EventStream",
           "Hello", "VersionReady", "Ack", "PeersChanged", "SpaceState", "Connected", "Disconnected", "PeerSession",
           "Registration", "end_session", "ensure_hub", "batch", "meshblob", "FetchWorker", "FetchRequest",
           "AckRequest", "FetchFailed", "AckFailed"]
