"""Live Link: receives scenes from the livelink hub (FreeCAD, any mesh file) and keeps them up to date in place.

Three rooms: net/ (the hub session and fetch worker; no bpy), logic/ (plan, frames, the main-thread receiver; no
bpy), blender/ (bpy: apply, panel, operators, the timer). livelink_client/ is a generated copy of the shared
protocol client (connectors/python)."""

bl_info = {
    "name": "Live Link",
    "author": "livelink",
    "version": (0, 1, 0),
    "blender": (3, 3, 0),
    "location": "View3D > Sidebar > Live Link",
    "description": "Live link from FreeCAD and other applications through the livelink hub",
    "category": "Import-Export",
}

from .blender import feedback, prefs, runtime, ui  # noqa: E402 - bl_info first, as Blender reads it
from .blender.runtime import current_link  # noqa: E402,F401 - for scripts and tests: the running receiver

classes = prefs.classes + feedback.classes + ui.classes


def register():
    import bpy
    for c in classes:
        bpy.utils.register_class(c)
    runtime.register()


def unregister():
    import bpy
    runtime.unregister()
    for c in reversed(classes):
        bpy.utils.unregister_class(c)
