"""Live Link: receives scenes from the livelink hub (FreeCAD, any mesh file) and keeps them up to date in place;
sends the selected objects to FreeCAD (Send to FreeCAD, Auto-send).

Three rooms: net/ (the hub session, fetch and send workers; no bpy), logic/ (plan, frames, the main-thread receiver
and sender; no bpy), blender/ (bpy: apply, collect, panel, operators, the timers). livelink_client/ is a generated copy of the shared
protocol client (connectors/python)."""

bl_info = {
    "name": "Live Link",
    "author": "livelink",
    "version": (0, 1, 0),
    "blender": (3, 3, 0),
    "location": "View3D > Sidebar > Live Link",
    "description": "Live link with FreeCAD and other applications through the livelink hub",
    "category": "Import-Export",
}

from .blender import feedback, prefs, runtime, sendui, ui  # noqa: E402 - bl_info first, as Blender reads it
from .blender.runtime import current_link, current_sender  # noqa: E402,F401 - for scripts and tests

classes = prefs.classes + feedback.classes + sendui.classes + ui.classes


def register():
    import bpy
    for c in classes:
        bpy.utils.register_class(c)
    sendui.register()
    runtime.register()


def unregister():
    import bpy
    runtime.unregister()
    sendui.unregister()
    for c in reversed(classes):
        bpy.utils.unregister_class(c)
