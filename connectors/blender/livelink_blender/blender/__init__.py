"""The add-on's bpy side: applying plans to bpy.data, the sidebar panel and operators, the timer that runs the
receiver on Blender's main thread."""
