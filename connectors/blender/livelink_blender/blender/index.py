"""bpy.data as logic.index sees it: received objects by node id, meshes by hash. Main thread only."""
import bpy

from ..logic.index import Index, Table

SCENE_KEY = "livelink_scene"
NODE_KEY = "livelink_node"
MESH_KEY = "livelink_mesh"
NAME_KEY = "livelink_name"  # the name livelink last gave the object: if it differs now, the artist renamed it
MANY = 16  # an apply that touches more objects than this reads them all at once (one walk beats that many lookups)


class ObjectTable(Table):
    def count(self):
        return len(bpy.data.objects)

    def scan(self):
        for o in bpy.data.objects:
            scene = o.get(SCENE_KEY)
            if scene is not None and NODE_KEY in o:
                yield scene, o[NODE_KEY], o, o.get(NAME_KEY) == o.name

    def get(self, name):
        return bpy.data.objects.get(name)

    def key_of(self, item):
        return item.get(SCENE_KEY), item.get(NODE_KEY)

    def name_of(self, item):
        return item.name


class MeshTable(ObjectTable):
    def count(self):
        return len(bpy.data.meshes)

    def scan(self):
        for m in bpy.data.meshes:
            scene = m.get(SCENE_KEY)
            if scene is not None and MESH_KEY in m:
                yield scene, m[MESH_KEY], m, False

    def get(self, name):
        return bpy.data.meshes.get(name)

    def key_of(self, item):
        return item.get(SCENE_KEY), item.get(MESH_KEY)


def object_index():
    return Index(ObjectTable())


def mesh_index():
    return Index(MeshTable())


class Lookup:
    """{key: datablock} of one scene during one apply: the whole table read once when the apply touches many,
    else each looked up by name when first asked for. Holds datablocks only for the apply's duration."""

    def __init__(self, index, scene, many):
        self._index, self._scene = index, scene
        self._complete = many
        self._items = dict(index.items(scene)) if many else {}

    def get(self, key):
        if not key:
            return None
        item = self._items.get(key)
        if item is None and not self._complete:
            item = self._index.get(self._scene, key)
            if item is not None:
                self._items[key] = item
        return item

    def put(self, key, item):
        self._items[key] = item
        self._index.put(self._scene, key, item)

    def drop(self, key):
        self._items.pop(key, None)
        self._index.drop(self._scene, key)
