"""FreeCAD objects become a livelink scene here: document.py picks the objects and their nodes, colors.py their
materials, meshing.py their meshes, cache.py keeps meshes between sends, model.py is the scene they make."""
