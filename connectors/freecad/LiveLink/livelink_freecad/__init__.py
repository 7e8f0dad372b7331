"""livelink for FreeCAD: the Blender menu, export, auto-sync and receiving from Blender.

scene/          FreeCAD objects -> the livelink scene (objects, colours, meshes, the mesh cache)
receive/        what Blender sends -> FreeCAD objects (plan, meshes, apply, the receiver, the record)
net/            the link: one PeerSession, the send and fetch threads (no FreeCAD)
controller.py   the decisions (targets, cache, messages, auto-sync), plain Python
messages.py     what the Report view says about a send
fc.py           FreeCAD and FreeCADGui behind one module, with stand-ins for plain Python
commands.py     the FreeCAD commands; gui.py the Qt menu, timer and signal
livelink_client the protocol client (a generated copy of connectors/python/livelink_client: do not edit)
"""
