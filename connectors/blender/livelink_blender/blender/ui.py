"""The Live Link sidebar panel and its operators."""
import bpy

from . import feedback, runtime, sendui


class LIVELINK_OT_pause(bpy.types.Operator):
    bl_idname = "livelink.pause"
    bl_label = "Pause / Resume"
    bl_description = "Hold incoming updates until resumed"

    def execute(self, context):
        receiver = runtime.current_link()
        if receiver is None:
            self.report({"ERROR"}, "Live Link is not running")
            return {"CANCELLED"}
        receiver.set_paused(not receiver.paused)
        feedback.redraw()
        return {"FINISHED"}


class LIVELINK_OT_reconnect(bpy.types.Operator):
    bl_idname = "livelink.reconnect"
    bl_label = "Reconnect"
    bl_description = "Close and reopen the connection to the hub"

    def execute(self, context):
        runtime.stop_link()
        runtime.start_link()
        return {"FINISHED"}


class LIVELINK_PT_panel(bpy.types.Panel):
    bl_idname = "LIVELINK_PT_panel"
    bl_label = "Live Link"
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "Live Link"

    def draw(self, context):
        col = self.layout.column()
        receiver = runtime.current_link()
        if receiver is None:
            col.label(text="Not running")
            col.operator("livelink.reconnect", text="Connect")
            return
        s = receiver.status
        col.label(text="Hub: " + s.hub, icon="LINKED" if s.hub == "connected" else "UNLINKED")
        if s.peer:
            col.label(text="Peer: " + s.peer)
        if s.space:
            col.label(text=s.space, icon="WORLD" if s.space_ready else "UNLINKED")
        if s.drops:
            col.label(text="Connection lost %d time(s) since start" % s.drops)
        col.label(text="Last: " + (s.last or "nothing received yet"))
        if s.error:
            col.label(text=s.error, icon="ERROR")
        row = col.row()
        row.operator("livelink.pause", text="Resume" if receiver.paused else "Pause",
                     icon="PLAY" if receiver.paused else "PAUSE")
        row.operator("livelink.reconnect", text="", icon="FILE_REFRESH")
        sendui.draw_panel(col, context)


classes = (LIVELINK_OT_pause, LIVELINK_OT_reconnect, LIVELINK_PT_panel)
