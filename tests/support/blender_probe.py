"""Runs inside a real Blender (blender --python blender_probe.py): lets a test evaluate Python on Blender's main
thread and read real state. Prints LIVELINK_PROBE_PORT=<port> once it listens on 127.0.0.1."""
import os
import sys

import bpy

sys.path.insert(0, os.environ["LIVELINK_SUPPORT"])  # set by apps.py
from probe_server import Probe  # noqa: E402

probe = Probe({"bpy": bpy})


def _drain():
    probe.drain()
    return 0.01


bpy.app.timers.register(_drain, first_interval=0.0, persistent=True)
print("LIVELINK_PROBE_PORT=%d" % probe.port, flush=True)
