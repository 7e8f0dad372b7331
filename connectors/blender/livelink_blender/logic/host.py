"""What the receiver and the sender need from Blender. The bpy side implements them (blender.host.BlenderHost,
blender.sendhost.BlenderSendHost); tests fake them.

bpy.data is the only record of what is applied: every question here is answered from it; what the bpy side keeps
between applies (logic.index) is a cache of it, checked on use."""
import abc
from dataclasses import dataclass, field


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

    def forget(self):
        """bpy.data was replaced (another file, undo, redo): nothing kept from it holds."""

    def sends(self, scene_id):
        """Whether scene_id is the scene this .blend sends: a version of it is never applied here (no echo)."""
        return False

    @abc.abstractmethod
    def apply(self, plan, blobs):
        """Applies a plan; returns the number of objects touched. Raises on failure."""

    @abc.abstractmethod
    def report(self, message):
        """Shows an error to the user."""

    @abc.abstractmethod
    def redraw(self):
        """The status changed: redraw what shows it."""


@dataclass
class Scan:
    """The Blender scene as the sender sees it before a send."""
    scene: dict  # header: id, name, source, units "m", up "Z"
    scale: float  # the unit scale the metres came from: another one makes every mesh and transform change
    present: dict  # {send id: sendscene.Present} for every object that takes part
    explicit: tuple = ()  # send ids of the objects the user selected
    sent: dict = field(default_factory=dict)  # {send id: name} the .blend recorded at its last send
    sent_scale: float = None  # and the unit scale of that send
    owners: dict = field(default_factory=dict)  # {send id: uid} of the present objects, for the next duplicate check
    editing: frozenset = frozenset()  # send ids of objects in edit mode: Auto-send waits for them to leave it


class SendHost(abc.ABC):
    @abc.abstractmethod
    def scan(self, owners, explicit):
        """Gives copies (duplicates) and the explicitly selected objects (names) ids of their own and returns the
        Scan. owners: {send id: uid} from the previous scan."""

    @abc.abstractmethod
    def material_users(self, names):
        """Send ids of objects that use any of these materials."""

    @abc.abstractmethod
    def collect(self, ids):
        """({id: sendscene.Collected}, {mesh key: messages.MeshArrays}) for these send ids, from the depsgraph."""

    @abc.abstractmethod
    def remember(self, scene, names, scale):
        """Records in the .blend the scene id, {send id: name} and the unit scale of what this send publishes."""

    @abc.abstractmethod
    def report(self, message, level):
        """Tells the user (level INFO, WARNING or ERROR) outside an operator."""

    @abc.abstractmethod
    def redraw(self):
        """The status changed: redraw what shows it."""

    def online_access(self):
        """Whether the user lets add-ons reach other machines (Blender 4.2+'s "Allow Online Access"); peers on
        other machines, which a studio hub lists through NATS, are shown and targeted only then."""
        return True
