"""livelink for FreeCAD: the Blender menu, export and auto-sync. Only freecad_doc.py and gui.py import FreeCAD."""
