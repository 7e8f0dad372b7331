"""Receiving from Blender: what a delta does to a document (plan), meshes from blobs (meshes, numpy), the FreeCAD
objects (apply, GUI thread), the order of fetches and acks (receiver), what was applied (record)."""
