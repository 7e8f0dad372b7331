"""Live Link: receives scenes from the livelink hub (FreeCAD, any mesh file) and keeps them up to date in place."""

bl_info = {
    "name": "Live Link",
    "author": "livelink",
    "version": (0, 1, 0),
    "blender": (3, 3, 0),
    "location": "View3D > Sidebar > Live Link",
    "description": "Live link from FreeCAD and other applications through the livelink hub",
    "category": "Import-Export",
}

import atexit
import os

import bpy
from bpy.props import BoolProperty, StringProperty

from . import ui

TICK_SECONDS = 0.01  # event-to-main-thread pickup stays under 20 ms; an empty queue check costs microseconds


class LIVELINK_AP_preferences(bpy.types.AddonPreferences):
    bl_idname = __package__

    launcher: StringProperty(name="Launcher", subtype="FILE_PATH",
                             description="Path of the livelink launcher, used to start the hub when none runs "
                                         "(default: what 'livelink install' recorded)")
    auto_start: BoolProperty(name="Start the hub when none is running", default=True)

    def draw(self, context):
        self.layout.prop(self, "launcher")
        self.layout.prop(self, "auto_start")


class _Runtime:
    """The running link and its timer. The one piece of module state: Blender's register()/unregister() API
    offers no other owner for an object that must live between them."""

    link = None

    @classmethod
    def tick(cls):
        link = cls.link
        if link is None:
            return None
        from . import receiver
        link.tick(receiver)
        return TICK_SECONDS


def _document():
    return os.path.basename(bpy.data.filepath) or "untitled"


def start_link():
    from . import receiver
    from .link import Link
    prefs = bpy.context.preferences.addons[__package__].preferences
    link = Link("%d.%d.%d" % bpy.app.version, _document(), receiver.applied_versions(), receiver.known_meshes(),
                launcher=prefs.launcher, auto_start=prefs.auto_start, on_status=ui.redraw)
    _Runtime.link = link
    link.start()
    if not bpy.app.timers.is_registered(_Runtime.tick):
        bpy.app.timers.register(_Runtime.tick, first_interval=0.0, persistent=True)


def stop_link():
    link, _Runtime.link = _Runtime.link, None
    if bpy.app.timers.is_registered(_Runtime.tick):
        bpy.app.timers.unregister(_Runtime.tick)
    if link is not None:
        link.close()


def current_link():
    return _Runtime.link


@bpy.app.handlers.persistent
def _on_load_post(_dummy):
    from . import receiver
    link = _Runtime.link
    if link is None:
        start_link()  # Blender opened with a .blend: the file loads before the first timer runs
    else:
        link.restart(_document(), receiver.applied_versions(), receiver.known_meshes())


classes = (LIVELINK_AP_preferences,) + ui.classes


def register():
    for c in classes:
        bpy.utils.register_class(c)
    if bpy.app.background:
        return  # `blender -b` (install, scripts) runs no timers: no link there
    bpy.app.handlers.load_post.append(_on_load_post)
    atexit.register(stop_link)
    # Preferences are readable only once registration has finished. Persistent, so loading a file first does not
    # drop it.
    bpy.app.timers.register(_start_soon, first_interval=0.0, persistent=True)


def _start_soon():
    if _Runtime.link is None:
        start_link()
    return None


def unregister():
    if not bpy.app.background:
        atexit.unregister(stop_link)
        if _on_load_post in bpy.app.handlers.load_post:
            bpy.app.handlers.load_post.remove(_on_load_post)
        if bpy.app.timers.is_registered(_start_soon):
            bpy.app.timers.unregister(_start_soon)
        stop_link()
    for c in reversed(classes):
        bpy.utils.unregister_class(c)
