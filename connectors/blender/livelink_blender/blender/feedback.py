"""How the add-on tells the user things outside an operator: the status bar report, and sidebar redraws."""
import bpy


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


def report(message, level="ERROR"):
    """News outside an operator still reaches the user: through the report operator into the status bar (and the
    Info editor). level: INFO, WARNING or ERROR."""
    try:
        bpy.ops.livelink.report(message=message, level=level)
    except RuntimeError:
        print("Live Link:", message)


class LIVELINK_OT_report(bpy.types.Operator):
    bl_idname = "livelink.report"
    bl_label = "Live Link Report"
    bl_options = {"INTERNAL"}

    message: bpy.props.StringProperty()
    level: bpy.props.EnumProperty(items=(("INFO", "Info", ""), ("WARNING", "Warning", ""), ("ERROR", "Error", "")),
                                  default="ERROR")

    def execute(self, context):
        self.report({self.level}, "Live Link: " + self.message)
        return {"FINISHED"}


classes = (LIVELINK_OT_report,)
