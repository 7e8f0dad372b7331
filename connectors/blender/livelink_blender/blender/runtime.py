"""The running link inside Blender: created when the add-on registers, ticked by a bpy.app.timers timer on the
main thread, re-registered when another .blend loads, closed on unregister and on quit. Auto-send: a
depsgraph_update_post handler only marks what changed; a one-shot timer sends once edits have settled."""
import atexit

import bpy

from ..logic.receiver import Receiver
from ..logic.sending import DEBOUNCE_S, Sender
from ..net.link import Link
from . import feedback, prefs, sendhost
from .host import BlenderHost, document

TICK_SECONDS = 0.01  # event-to-main-thread pickup stays under 20 ms; an empty queue check costs microseconds


class _Runtime:
    """The one piece of module state: Blender's register()/unregister() API offers no other owner for an object
    that must live between them."""

    receiver = None
    sender = None


def _tick():
    """A module function, not a method: bpy.app.timers knows a timer by the identity of the function object, and
    each attribute access makes a new bound method."""
    receiver, sender = _Runtime.receiver, _Runtime.sender
    if receiver is None:
        return None
    try:
        receiver.tick()
        sender.tick()
    except Exception as e:  # noqa: BLE001 - a timer that raises is dropped by Blender: the link would stop
        feedback.report("internal error, the link goes on: %s: %s" % (type(e).__name__, e))
    return TICK_SECONDS


def current_link():
    """The Receiver (status, paused) while the link runs, else None."""
    return _Runtime.receiver


def current_sender():
    """The Sender (status, receivers(), send()) while the link runs, else None."""
    return _Runtime.sender


def start_link():
    p = prefs.get(bpy.context)
    link = Link("%d.%d.%d" % bpy.app.version, document(), launcher=p.launcher, auto_start=p.auto_start)
    _Runtime.receiver = Receiver(link, BlenderHost())
    _Runtime.sender = Sender(link, sendhost.BlenderSendHost())
    link.start()
    if not bpy.app.timers.is_registered(_tick):
        bpy.app.timers.register(_tick, first_interval=0.0, persistent=True)


def stop_link():
    receiver, _Runtime.receiver, _Runtime.sender = _Runtime.receiver, None, None
    for timer in (_tick, _debounce):
        if bpy.app.timers.is_registered(timer):
            bpy.app.timers.unregister(timer)
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
        _Runtime.sender.file_loaded()


@bpy.app.handlers.persistent
def _on_undo_redo(_scene, _dummy=None):
    receiver = _Runtime.receiver
    if receiver is not None:
        receiver.undone()


def _auto_send_on():
    wm = bpy.context.window_manager
    return wm is not None and getattr(wm, "livelink_auto_send", False)


@bpy.app.handlers.persistent
def _on_depsgraph_update(_scene, depsgraph):
    """Marks only: a send from here would read the depsgraph while Blender is still handing it over."""
    sender = _Runtime.sender
    if sender is None or not _auto_send_on():
        return
    if sender.changed(*sendhost.changes(depsgraph)) and not bpy.app.timers.is_registered(_debounce):
        bpy.app.timers.register(_debounce, first_interval=DEBOUNCE_S)


def _debounce():
    """One shot, rescheduled while edits go on; sends once they have settled for DEBOUNCE_S."""
    sender = _Runtime.sender
    if sender is None:
        return None
    if not _auto_send_on():
        sender.forget_changes()
        return None
    try:
        return sender.debounce()
    except Exception as e:  # noqa: BLE001 - an auto-send that fails must reach the user, and the next edit retries
        feedback.report("Auto-send failed: %s: %s" % (type(e).__name__, e))
        return None


def _start_soon():
    if _Runtime.receiver is None:
        start_link()
    return None


def register():
    if bpy.app.background:
        return  # `blender -b` (install, scripts) runs no timers: no link there
    bpy.app.handlers.load_post.append(_on_load_post)
    bpy.app.handlers.depsgraph_update_post.append(_on_depsgraph_update)
    bpy.app.handlers.undo_post.append(_on_undo_redo)
    bpy.app.handlers.redo_post.append(_on_undo_redo)
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
    if _on_depsgraph_update in bpy.app.handlers.depsgraph_update_post:
        bpy.app.handlers.depsgraph_update_post.remove(_on_depsgraph_update)
    for handlers in (bpy.app.handlers.undo_post, bpy.app.handlers.redo_post):
        if _on_undo_redo in handlers:
            handlers.remove(_on_undo_redo)
    if bpy.app.timers.is_registered(_start_soon):
        bpy.app.timers.unregister(_start_soon)
    stop_link()
