"""Sending from Blender: Send to FreeCAD, the Send to… menu (one entry per receiver), File ▸ Export entries, the
Auto-send checkbox (a window-manager property: on for this session, never switched on by opening a file) and the
panel's send section."""
import bpy

from ..logic.sending import SendError, peer_label
from . import feedback, runtime


def _selected(context):
    objs = getattr(context, "selected_objects", None)
    if objs is None:  # a context without a window (a timer, a script): the view layer's selection
        objs = context.view_layer.objects.selected
    return [o.name for o in objs]


class LIVELINK_OT_send_to_freecad(bpy.types.Operator):
    bl_idname = "livelink.send_to_freecad"
    bl_label = "Send to FreeCAD"
    bl_description = ("Send the selected objects through the livelink hub, with every object sent before "
                      "(evaluated meshes, in metres, with colours and hierarchy)")

    target: bpy.props.StringProperty(name="Receiver", description="Peer id of one receiver; empty: every FreeCAD",
                                     options={"HIDDEN", "SKIP_SAVE"})

    @classmethod
    def poll(cls, context):
        return runtime.current_sender() is not None

    def execute(self, context):
        sender = runtime.current_sender()
        try:
            message = sender.send(_selected(context), self.target)
        except SendError as e:
            self.report({"ERROR"}, str(e))
            return {"CANCELLED"}
        except RuntimeError as e:  # bpy refused to evaluate or read an object
            self.report({"ERROR"}, "Could not read the objects to send: %s" % e)
            return {"CANCELLED"}
        self.report({"INFO"}, message)
        feedback.redraw()
        return {"FINISHED"}


class LIVELINK_MT_send_to(bpy.types.Menu):
    bl_idname = "LIVELINK_MT_send_to"
    bl_label = "Send to…"

    def draw(self, context):
        sender = runtime.current_sender()
        peers = sender.receivers() if sender is not None else []
        if not peers:
            self.layout.label(text="No receiver connected")
        for p in peers:
            op = self.layout.operator(LIVELINK_OT_send_to_freecad.bl_idname, text=peer_label(p))
            op.target = p["id"]


def _several_receivers():
    sender = runtime.current_sender()
    return sender is not None and len(sender.receivers()) > 1


def draw_export(self, context):
    """File ▸ Export."""
    self.layout.operator(LIVELINK_OT_send_to_freecad.bl_idname)
    if _several_receivers():
        self.layout.menu(LIVELINK_MT_send_to.bl_idname)


def draw_panel(layout, context):
    """The send section of the Live Link panel."""
    sender = runtime.current_sender()
    if sender is None:
        return
    box = layout.box()
    row = box.row(align=True)
    row.operator(LIVELINK_OT_send_to_freecad.bl_idname, icon="EXPORT")
    if _several_receivers():
        row.menu(LIVELINK_MT_send_to.bl_idname, text="", icon="DOWNARROW_HLT")
    box.prop(context.window_manager, "livelink_auto_send")
    s = sender.status
    if s.last:
        box.label(text=s.last)
    if s.error:
        box.label(text=s.error, icon="ERROR")


def _auto_send_toggled(wm, context):
    sender = runtime.current_sender()
    if sender is not None and not wm.livelink_auto_send:
        sender.forget_changes()


def register():
    bpy.types.WindowManager.livelink_auto_send = bpy.props.BoolProperty(
        name="Auto-send", default=False, update=_auto_send_toggled,
        description="Send again what changed after each edit (objects sent before, once the edit settles)")
    bpy.types.TOPBAR_MT_file_export.append(draw_export)


def unregister():
    bpy.types.TOPBAR_MT_file_export.remove(draw_export)
    del bpy.types.WindowManager.livelink_auto_send


classes = (LIVELINK_OT_send_to_freecad, LIVELINK_MT_send_to)
