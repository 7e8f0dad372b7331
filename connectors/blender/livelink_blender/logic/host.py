"""What the receiver needs from Blender. The bpy side implements it (blender.host.BlenderHost); tests fake it.

bpy.data is the only record of what is applied: every question here is answered from it, nothing is mirrored."""
import abc


class Host(abc.ABC):
    @abc.abstractmethod
    def applied_version(self, scene_id):
        """The version of the scene this .blend holds, 0 when none."""

    @abc.abstractmethod
    def node_ids(self, scene_id):
        """Node ids of the scene's objects in this .blend."""

    @abc.abstractmethod
    def mesh_hashes(self, scene_id):
        """Mesh hashes built for the scene in this .blend (meshes are per scene: units and up axis are)."""

    @abc.abstractmethod
    def apply(self, plan, blobs):
        """Applies a plan; returns the number of objects touched. Raises on failure."""

    @abc.abstractmethod
    def report(self, message):
        """Shows an error to the user."""

    @abc.abstractmethod
    def redraw(self):
        """The status changed: redraw what shows it."""
