"""The add-on's bpy side: applying plans to bpy.data, reading what a send publishes, the sidebar panel and
operators, the timers that run the receiver and the sender on Blender's main thread."""
