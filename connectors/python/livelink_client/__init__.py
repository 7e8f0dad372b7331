"""The livelink protocol client for Python connectors (standard library only).

One copy lives in the repository (connectors/python/livelink_client) and ships inside the Blender add-on and the
FreeCAD Mod, which link to it. See docs/protocol.md for the protocol it speaks.
"""
from .errors import LiveLinkError
from .hubfile import HubInfo, default_home, read_hub, read_install
from .client import HubClient, end_session
from .events import EventStream
from .launch import ensure_hub
from . import meshblob

__all__ = ["LiveLinkError", "HubInfo", "default_home", "read_hub", "read_install", "HubClient", "end_session",
           "EventStream", "ensure_hub", "meshblob"]
