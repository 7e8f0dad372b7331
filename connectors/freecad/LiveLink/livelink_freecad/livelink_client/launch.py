"""Finding the hub, or starting it with the launcher `livelink install` recorded."""
import os
import subprocess

from .errors import LiveLinkError
from .hubfile import read_hub, read_install


def ensure_hub(home=None, launcher="", auto_start=True):
    """HubInfo of the running hub; starts one in its own session (so it outlives the caller) when none runs."""
    info = read_hub(home)
    if info is not None:
        return info
    launcher = launcher or read_install(home).get("launcher", "")
    if not launcher or not os.path.exists(launcher):
        raise LiveLinkError("no livelink hub is running; start one with 'livelink hub' (or run 'livelink install' "
                            "so applications can start it)")
    if not auto_start:
        raise LiveLinkError("no livelink hub is running and auto-start is off; start one with: %s hub" % launcher)
    env = dict(os.environ)
    if home:
        env["LIVELINK_HOME"] = home
    p = subprocess.Popen([launcher, "hub"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, start_new_session=True, text=True)
    # The hub prints its "listening" line after hub.json is written: block on that line.
    tail = []
    for line in p.stdout:
        tail.append(line.strip())
        if "listening on" in line or "already running" in line:
            break
    p.stdout.close()
    info = read_hub(home)
    if info is None:
        raise LiveLinkError("the hub did not start (%s hub): %s" % (launcher, " / ".join(tail[-3:])))
    return info
