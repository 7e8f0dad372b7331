"""Imports the add-on's bpy-free rooms (logic/, net/, livelink_client/) in plain Python: the package is registered
without running its __init__, which needs bpy."""
import os
import sys
import types

ADDON = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "livelink_blender")


def package():
    if "livelink_blender" not in sys.modules:
        pkg = types.ModuleType("livelink_blender")
        pkg.__path__ = [ADDON]
        sys.modules["livelink_blender"] = pkg
    return sys.modules["livelink_blender"]


package()
