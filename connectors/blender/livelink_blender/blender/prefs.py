"""The add-on's preferences (Edit > Preferences > Add-ons > Live Link)."""
import bpy
from bpy.props import BoolProperty, StringProperty

# The add-on's own module name: "livelink_blender" as a legacy add-on, "bl_ext.<repo>.livelink_blender" on 4.2+.
ADDON = __package__.rpartition(".")[0]


class LIVELINK_AP_preferences(bpy.types.AddonPreferences):
    bl_idname = ADDON

    launcher: StringProperty(name="Launcher", subtype="FILE_PATH",
                             description="Path of the livelink launcher, used to start the hub when none is running "
                                         "(default: what 'livelink install' recorded)")
    auto_start: BoolProperty(name="Start the hub when none is running", default=True)
    follow_deformation: BoolProperty(
        name="Normals follow deformation",
        description="Keep the sender's surface normals in Blender's tangent space, which follows armatures and "
                    "deforming modifiers. Off, Blender 4.5 and later store them as free normals: much faster to "
                    "receive and to draw, but fixed to the shape as received. Earlier Blenders always use "
                    "tangent space",
        default=False)

    def draw(self, context):
        self.layout.prop(self, "launcher")
        self.layout.prop(self, "auto_start")
        self.layout.prop(self, "follow_deformation")


def get(context):
    return context.preferences.addons[ADDON].preferences


classes = (LIVELINK_AP_preferences,)
