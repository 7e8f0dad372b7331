"""The Host the receiver applies through (logic.host): answers every question from bpy.data. Main thread only."""
import bpy

from ..logic.host import Host
from . import apply, feedback, index, prefs, sendhost


class BlenderHost(Host):
    """Keeps which object holds each node and which mesh each hash (logic.index) between applies."""

    def __init__(self):
        self.objects = index.object_index()
        self.meshes = index.mesh_index()

    def applied_version(self, scene_id):
        c = apply.scene_collection(scene_id)
        return int(c.get(apply.VERSION_KEY, 0)) if c is not None else 0

    def node_ids(self, scene_id):
        return self.objects.keys(scene_id)

    def mesh_hashes(self, scene_id):
        return set(self.meshes.keys(scene_id))

    def forget(self):
        self.objects.forget()
        self.meshes.forget()

    def sends(self, scene_id):
        return sendhost.sends(scene_id)

    def apply(self, plan, blobs):
        follow = prefs.get(bpy.context).follow_deformation
        return apply.apply_plan(plan, blobs, self.objects, self.meshes, follow)

    def report(self, message):
        feedback.report(message)

    def redraw(self):
        feedback.redraw()


def document():
    """The name the add-on registers under: the .blend's file name."""
    import os
    return os.path.basename(bpy.data.filepath) or "untitled"
