"""The running link inside Blender: created when the add-on registers, ticked by a bpy.app.timers timer on the
main thread, re-registered when another .blend loads, closed on unregister and on quit."""
import atexit

import bpy

from ..logic.receiver import Receiver
from ..net.link import Link
from . import feedback, prefs
from .host import BlenderHost, document

TICK_SECONDS = 0.01  # event-to-main-thread pickup stays under 20 ms; an empty queue check costs microseconds


class _Runtime:
    """The one piece of module state: Blender's register()/unregister() API offers no other owner for an object
    that must live between them."""

    receiver = None

    @classmethod
    def tick(cls):
        receiver = cls.receiver
        if receiver is None:
            return None
        try:
            receiver.tick()
        except Exception as e:  # noqa: BLE001 - a timer that raises is dropped by Blender: the link would stop
            feedback.report("internal error, the link goes on: %s: %s" % (type(e).__name__, e))
        return TICK_SECONDS


def current_link():
    """The Receiver (status, paused) while the link runs, else None."""
    return _Runtime.receiver


def start_link():
    p = prefs.get(bpy.context)
    link = Link("%d.%d.%d" % bpy.app.version, document(), launcher=p.launcher, auto_start=p.auto_start)
    _Runtime.receiver = Receiver(link, BlenderHost())
    link.start()
    if not bpy.app.timers.is_registered(_Runtime.tick):
        bpy.app.timers.register(_Runtime.tick, first_interval=0.0, persistent=True)


def stop_link():
    receiver, _Runtime.receiver = _Runtime.receiver, None
    if bpy.app.timers.is_registered(_Runtime.tick):
        bpy.app.timers.unregister(_Runtime.tick)
    if receiver is not None:
        receiver.close()


def _at_exit():
    stop_link()  # looked up at exit, so whatever stop_link is then runs


@bpy.app.handlers.persistent
def _on_load_post(_dummy):
    receiver = _Runtime.receiver
    if receiver is None:
        start_link()  # Blender opened with a .blend: the file loads before the first timer runs
    else:
        receiver.file_loaded(document())


def _start_soon():
    if _Runtime.receiver is None:
        start_link()
    return None


def register():
    if bpy.app.background:
        return  # `blender -b` (install, scripts) runs no timers: no link there
    bpy.app.handlers.load_post.append(_on_load_post)
    atexit.register(_at_exit)
    # Preferences are readable only once registration has finished. Persistent, so loading a file first does not
    # drop it.
    bpy.app.timers.register(_start_soon, first_interval=0.0, persistent=True)


def unregister():
    if bpy.app.background:
        return
    atexit.unregister(_at_exit)
    if _on_load_post in bpy.app.handlers.load_post:
        bpy.app.handlers.load_post.remove(_on_load_post)
    if bpy.app.timers.is_registered(_start_soon):
        bpy.app.timers.unregister(_start_soon)
    stop_link()
