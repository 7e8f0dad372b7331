"""Where the hub's runtime file lives, and reading it (LIVELINK_HOME, else the per-user config directory)."""
import json
import os
import sys
from dataclasses import dataclass

from .errors import LiveLinkError


@dataclass(frozen=True)
class HubInfo:
    port: int
    token: str
    pid: int
    version: str


def default_home():
    env = os.environ.get("LIVELINK_HOME")
    if env:
        return env
    home = os.path.expanduser("~")
    if sys.platform.startswith("win"):
        return os.path.join(os.environ.get("APPDATA", home), "livelink")
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Application Support", "livelink")
    return os.path.join(os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config"), "livelink")


def read_hub(home=None):
    """The running hub's HubInfo, or None when there is no runtime file."""
    path = os.path.join(home or default_home(), "hub.json")
    try:
        with open(path, "rb") as f:
            o = json.loads(f.read())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise LiveLinkError("cannot read %s: %s" % (path, e)) from e
    return HubInfo(int(o["port"]), str(o["token"]), int(o.get("pid", 0)), str(o.get("version", "")))


def read_install(home=None):
    """What `livelink install` recorded (launcher path), or {}."""
    path = os.path.join(home or default_home(), "install.json")
    try:
        with open(path, "rb") as f:
            return json.loads(f.read())
    except (OSError, ValueError):
        return {}
