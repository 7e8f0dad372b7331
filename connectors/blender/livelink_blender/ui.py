"""The Live Link sidebar panel and its operators."""
import bpy


def _link():
    from . import current_link
    return current_link()


def redraw():
    """Redraws only the sidebars that show the panel: a whole viewport redraw can take far longer than the news."""
    wm = bpy.context.window_manager
    if wm is None:
        return
    for window in wm.windows:
        for area in window.screen.areas:
            if area.type == "VIEW_3D":
                for region in area.regions:
                    if region.type == "UI":
                        region.tag_redraw()


def report(message):
    """Errors outside an operator still reach the user: through the report operator into the status bar."""
    try:
        bpy.ops.livelink.report(message=message)
    except RuntimeError:
        print("Live Link:", message)


class LIVELINK_OT_report(bpy.types.Operator):
    bl_idname = "livelink.report"
    bl_label = "Live Link Report"
    bl_options = {"INTERNAL"}

    message: bpy.props.StringProperty()

    def execute(self, context):
        self.report({"ERROR"}, "Live Link: " + self.message)
        return {"FINISHED"}


class LIVELINK_OT_pause(bpy.types.Operator):
    bl_idname = "livelink.pause"
    bl_label = "Pause / Resume"
    bl_description = "Hold incoming updates until resumed"

    def execute(self, context):
        from . import receiver
        link = _link()
        if link is None:
            self.report({"ERROR"}, "Live Link is not running")
            return {"CANCELLED"}
        link.set_paused(not link.paused, receiver)
        redraw()
        return {"FINISHED"}


class LIVELINK_OT_reconnect(bpy.types.Operator):
    bl_idname = "livelink.reconnect"
    bl_label = "Reconnect"
    bl_description = "Close and reopen the connection to the hub"

    def execute(self, context):
        from . import start_link, stop_link
        stop_link()
        start_link()
        return {"FINISHED"}


class LIVELINK_PT_panel(bpy.types.Panel):
    bl_idname = "LIVELINK_PT_panel"
    bl_label = "Live Link"
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "Live Link"

    def draw(self, context):
        col = self.layout.column()
        link = _link()
        if link is None:
            col.label(text="Not running")
            col.operator("livelink.reconnect", text="Connect")
            return
        s = link.status
        col.label(text="Hub: " + s.hub, icon="LINKED" if s.hub == "connected" else "UNLINKED")
        if s.peer:
            col.label(text="Peer: " + s.peer)
        col.label(text="Last: " + (s.last or "nothing received yet"))
        if s.error:
            col.label(text=s.error, icon="ERROR")
        row = col.row()
        row.operator("livelink.pause", text="Resume" if link.paused else "Pause",
                     icon="PLAY" if link.paused else "PAUSE")
        row.operator("livelink.reconnect", text="", icon="FILE_REFRESH")


classes = (LIVELINK_OT_report, LIVELINK_OT_pause, LIVELINK_OT_reconnect, LIVELINK_PT_panel)
