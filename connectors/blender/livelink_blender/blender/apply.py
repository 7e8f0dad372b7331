"""Applies a Plan to Blender data. Main thread only.

What the source owns is rewritten: geometry, transform, name (when the source renames), visibility, parent, and
the materials it made (tagged livelink_material). Everything else is the artist's and stays: modifiers, a material
the artist put in a slot, the collections the object was moved to, custom properties.
"""
import functools
import math
from array import array

import bpy
from mathutils import Matrix

from ..livelink_client import meshblob
from ..livelink_client.errors import LiveLinkError
from ..logic import features, frames, normals
from ..logic.plan import ALL_FIELDS

from .index import MANY, MESH_KEY, NAME_KEY, NODE_KEY, SCENE_KEY, Lookup

VERSION_KEY = "livelink_version"
MATERIAL_KEY = "livelink_material"
SHARP_ANGLE = math.radians(30.0)
CREATED = ALL_FIELDS | {"created"}  # the fields of a node created in this apply (compared by identity)


def scene_collection(scene_id):
    """The collection that holds a source scene (and records the version applied), or None."""
    return next((c for c in bpy.data.collections if c.get(SCENE_KEY) == scene_id), None)


def _collection(scene):
    """The scene's collection, and whether it is new. A new one is linked into the Blender scene only after its
    objects are in it: Blender re-syncs the view layer on every object linked into a visible collection."""
    c = scene_collection(scene["id"])
    if c is not None:
        return c, False
    c = bpy.data.collections.new(scene.get("name") or scene["id"])
    c[SCENE_KEY] = scene["id"]
    return c, True


@functools.lru_cache(maxsize=None)
def running_features():
    """Features of the running Blender, read from its RNA once (they do not change while it runs)."""
    mesh, material = bpy.types.Mesh.bl_rna, bpy.types.Material.bl_rna
    loop_total = bpy.types.MeshPolygon.bl_rna.properties.get("loop_total")
    set_normal = getattr(bpy.types, "GeometryNodeSetMeshNormal", None)  # a node type: none before 4.5
    modes = set_normal.bl_rna.properties["mode"].enum_items.keys() if set_normal is not None else ()
    return features.detect(set(mesh.functions.keys()), set(mesh.properties.keys()),
                           loop_total is None or loop_total.is_readonly, set(material.properties.keys()), set(modes))


class MeshBuilder:
    """Builds mesh datablocks from blobs for one apply. Arrays that depend only on the triangle count are made
    once per count, and the version checks once, since a CAD scene repeats both hundreds of times."""

    def __init__(self, scene, blobs=None, follow_deformation=False):
        """follow_deformation: the preference to keep the sender's normals in Blender's fan spaces, which follow an
        armature or a deforming modifier, even where free normals (4.5+) would do."""
        self.scene = scene
        self._blobs = blobs or {}  # mesh hash -> bytes: the apply's meshes, whose normals are tested all at once
        self._decoded = None
        self._flat = self._free = frozenset()
        m = frames.mesh_matrix(scene)
        self.matrix = None if m == frames.IDENTITY else Matrix(m)
        self._per_count = {}
        self.has = running_features()
        self.np = normals.numpy_or_none()  # to test normals in bulk; without it, custom normals always
        self._try_free = self.has.free_normals and not follow_deformation

    def _arrays(self, t):
        a = self._per_count.get(t)
        if a is None:
            # Unsigned, as Blender declares loop_start and loop_total: a signed buffer makes foreach_set convert
            # element by element (loop_start 8 ms for 410 meshes on 3.4, 16 on 4.3; unsigned: 0.6 and 0.4).
            a = (array("I", range(0, 3 * t, 3)), array("I", [3]) * t, [True] * t)
            self._per_count[t] = a
        return a

    def build(self, name, blob, key=None):
        """A mesh datablock from blob bytes (key: its hash in the blobs given): bulk foreach_set from typed arrays,
        one C-side transform to metres."""
        m = self._decode(blob, key)
        t = m.triangle_count
        loop_start, loop_total, smooth = self._arrays(t)
        me = bpy.data.meshes.new(name)
        me.vertices.add(m.vertex_count)
        me.loops.add(3 * t)
        me.polygons.add(t)
        attributes = me.attributes
        corner_vert = attributes.get(".corner_vert")
        if corner_vert is not None:
            # 4.x keeps positions and corner vertices as plain attributes: copied in one go, where the MeshVertex and
            # MeshLoop proxies set each element through RNA (ten times slower here).
            attributes["position"].data.foreach_set("vector", m.positions)
            corner_vert.data.foreach_set("value", m.indices)
        else:
            me.vertices.foreach_set("co", m.positions)
            me.loops.foreach_set("vertex_index", m.indices)
        me.polygons.foreach_set("loop_start", loop_start)
        if self.has.write_loop_total:
            me.polygons.foreach_set("loop_total", loop_total)
        if m.material_index is not None:
            me.polygons.foreach_set("material_index", m.material_index)
        me.update(calc_edges=True)
        if not self.has.shade_smooth:
            me.polygons.foreach_set("use_smooth", smooth)
        elif corner_vert is None or "sharp_face" in attributes:
            me.shade_smooth()  # faces that 4.x's Python API adds are smooth already (no sharp_face attribute)
        if m.normals is not None and self.has.custom_normals:
            # Custom split normals only where they change what Blender shows: a part of planar faces only (a box,
            # a board) shades with its faces' normals already, smooth, without their cost (logic/normals.py).
            if key in self._free:
                # Free normals (4.5+): the vectors as sent, one bulk copy, where the fan-space custom normals cost
                # Blender most of a full apply, and as much again when it first draws the part.
                me.attributes.new("custom_normal", "FLOAT_VECTOR", "POINT").data.foreach_set("vector", m.normals)
            elif key not in self._flat:
                self._custom_normals(me, m.normals)
        elif self.has.sharp_from_angle:
            # No normals from the sender (STL, OBJ without vn): smooth, split at sharp edges, so a cylinder looks
            # round and a box's edges stay crisp, whether or not the sender split vertices at CAD face boundaries.
            me.set_sharp_from_angle(angle=SHARP_ANGLE)
        elif self.has.auto_smooth:
            me.use_auto_smooth = True
            me.auto_smooth_angle = SHARP_ANGLE
        if self.matrix is not None:
            me.transform(self.matrix)
        me[SCENE_KEY] = self.scene["id"]
        return me

    def _decode(self, blob, key):
        """The decoded blob; at the first call, every blob given is decoded and their normals tested in one go."""
        if self._decoded is None:
            self._decoded = {h: m for h, m in ((h, _decoded(b)) for h, b in self._blobs.items()) if m is not None}
            self._test(self._decoded)
        m = self._decoded.pop(key, None)
        if m is None:  # a blob not given up front: tested on its own
            m = meshblob.decode(blob)
            self._test({key: m})
        return m

    def _test(self, meshes):
        """Which of the decoded meshes need no custom normals, and which of the others can take free ones
        (logic/normals.py); a planar part is not looked at twice."""
        if not self.has.custom_normals:
            return
        flat = normals.flat_meshes(self.np, meshes)
        self._flat = self._flat | flat
        if self._try_free:
            curved = {k: m for k, m in meshes.items() if k not in flat}
            self._free = self._free | normals.unit_meshes(self.np, curved)

    def _custom_normals(self, me, normals):
        """The sender's per-vertex normals (FreeCAD's, from the B-rep surface) as custom split normals, so Blender
        shades as the sender does: a 20-degree chamfer stays flat and hard-edged, a coarse fillet smooth. Set
        before the transform to metres, which turns them with the mesh."""
        if self.has.auto_smooth:
            me.use_auto_smooth = True  # before 4.1, custom normals are ignored without it (and ignore its angle)
        # The RNA function takes only a sequence of 3-sequences: Blender 3.4 and 4.3 refuse a flat array and a
        # 2-D memoryview. zip builds the tuples in C; Blender's own work on the normals is most of the time.
        it = iter(normals)
        me.normals_split_custom_set_from_vertices(list(zip(it, it, it)))


def _decoded(blob):
    """The decoded blob, or None when it is not one: its own build reports it, if it is built at all."""
    try:
        return meshblob.decode(blob)
    except LiveLinkError:
        return None


class Materials:
    """Our materials by colour key: bpy.data read once per apply, when the first object needs one, instead of
    scanning it per object (and not at all for an apply that changes no materials)."""

    def __init__(self, has):
        self._by_key = None
        self.has = has

    def get(self, mat):
        if self._by_key is None:
            self._by_key = {m[MATERIAL_KEY]: m for m in bpy.data.materials if MATERIAL_KEY in m}
        key = "%.4f,%.4f,%.4f,%.4f,%.3f,%.3f" % frames.material_key(mat)
        m = self._by_key.get(key)
        if m is None:
            m = self._by_key[key] = _new_material(mat, key, self.has)
        return m


def _new_material(mat, key, has):
    r, g, b, a, metallic, roughness = frames.material_key(mat)
    m = bpy.data.materials.new(frames.material_name(mat))
    m[MATERIAL_KEY] = key
    m.diffuse_color = (r, g, b, a)
    m.metallic = metallic
    m.roughness = roughness
    if has.use_nodes:
        m.use_nodes = True
    tree = m.node_tree
    bsdf = next((n for n in tree.nodes if n.type == "BSDF_PRINCIPLED"), None) if tree is not None else None
    if bsdf is not None:
        # By name: 4.0 renamed many Principled sockets, but not these four.
        for socket, value in (("Base Color", (r, g, b, 1.0)), ("Alpha", a), ("Metallic", metallic),
                              ("Roughness", roughness)):
            if socket in bsdf.inputs:
                bsdf.inputs[socket].default_value = value
    if a < 1.0:
        if has.surface_render_method:
            m.surface_render_method = "BLENDED"
        else:
            m.blend_method = "BLEND"
            if has.shadow_method:
                m.shadow_method = "HASHED"
    return m


def _assign_materials(obj, mats, materials):
    """Ours go in the mesh's slots; a slot where the artist put another material keeps the artist's."""
    me = obj.data
    if me is None or not hasattr(me, "materials"):
        return
    wanted = [materials.get(m) for m in mats]
    for i, mat in enumerate(wanted):
        if i < len(me.materials):
            current = me.materials[i]
            if current is not mat and (current is None or MATERIAL_KEY in current):
                me.materials[i] = mat
        else:
            me.materials.append(mat)


def _set_mesh(obj, me, old_materials):
    """Swaps geometry; modifiers live on the object and stay. Artist materials carry over slot by slot. Returns
    the old mesh when nothing uses it any more."""
    old = obj.data
    if old is me:
        return None
    for i, mat in enumerate(old_materials):
        if mat is not None and MATERIAL_KEY not in mat:
            while len(me.materials) <= i:
                me.materials.append(None)
            me.materials[i] = mat
    obj.data = me
    return old if old is not None and old.users == 0 else None


def apply_plan(plan, blobs, object_index, mesh_index, follow_deformation=False):
    """Applies the plan; blobs maps mesh hash to bytes for every mesh the plan needs; the indexes (logic.index)
    find the scene's objects and meshes and are kept up to date; follow_deformation: MeshBuilder's. Returns objects
    touched."""
    object_index.begin()
    mesh_index.begin()
    try:
        return _apply(plan, blobs, object_index, mesh_index, follow_deformation)
    finally:
        object_index.settle()
        mesh_index.settle()


def _apply(plan, blobs, object_index, mesh_index, follow_deformation):
    scene = plan.scene
    sid = scene["id"]
    coll, new_collection = _collection(scene)
    if coll.name != scene.get("name", coll.name) and scene.get("name"):
        coll.name = scene["name"]
    remeshed = [u for u in plan.updates if "mesh" in u.fields]
    objects = Lookup(object_index, sid, plan.touched > MANY)
    meshes = Lookup(mesh_index, sid, len(plan.creates) + len(remeshed) > MANY)
    builder = MeshBuilder(scene, blobs, follow_deformation)
    materials = Materials(builder.has)
    orphans = []  # meshes left without users: removed at the end, so a mesh moved between nodes is not rebuilt

    def mesh_for(node):
        h = node.get("mesh")
        if not h:
            return None
        me = meshes.get(h)
        if me is None:
            me = builder.build(node.get("name") or node["id"], blobs[h], h)
            me[MESH_KEY] = h
            meshes.put(h, me)
        return me

    def create(node):
        obj = bpy.data.objects.new(node.get("name") or node["id"], mesh_for(node))
        obj[SCENE_KEY] = sid
        obj[NODE_KEY] = node["id"]
        coll.objects.link(obj)
        objects.put(node["id"], obj)
        return obj, node, CREATED

    for op in plan.removes:
        obj = objects.get(op.node_id)
        if obj is not None:
            objects.drop(op.node_id)
            if obj.type == "MESH" and obj.data is not None:
                orphans.append(obj.data)
            bpy.data.objects.remove(obj)

    staged = [create(op.node) for op in plan.creates]
    for op in plan.updates:
        obj = objects.get(op.node["id"])
        if obj is None:
            # The user deleted it since the index last looked (an update's node is whole, as a create's is).
            staged.append(create(op.node))
            continue
        if "mesh" in op.fields:
            new = mesh_for(op.node)
            if new is not None and obj.type == "MESH":
                old = _set_mesh(obj, new, list(obj.data.materials))
                if old is not None:
                    orphans.append(old)
        staged.append((obj, op.node, op.fields))

    # Parents are set after every object exists, so order in the delta does not matter. Each property is written
    # only when it differs: on a 400-object scene the skipped writes are most of the time saved.
    for obj, node, fields in staged:
        new = fields is CREATED
        if "name" in fields and node.get("name"):
            # The source's name wins unless the artist renamed the object since livelink last named it.
            if not new and obj.name != node["name"] and obj.get(NAME_KEY, obj.name) == obj.name:
                obj.name = node["name"]
                objects.put(node["id"], obj)
            obj[NAME_KEY] = obj.name
        if "parent" in fields:
            parent = objects.get(node.get("parent"))
            if obj.parent is not parent:
                obj.parent = parent
                obj.matrix_parent_inverse = Matrix.Identity(4)
        if "transform" in fields or "parent" in fields:
            m = frames.object_matrix(scene, node.get("transform"))
            if not (new and m == frames.IDENTITY):
                obj.matrix_basis = Matrix(m)
        if "visibility" in fields:
            hidden = not node.get("visible", True)
            if obj.hide_viewport != hidden or obj.hide_render != hidden:
                obj.hide_viewport = hidden
                obj.hide_render = hidden
        if "materials" in fields or "mesh" in fields:
            _assign_materials(obj, node.get("materials") or (), materials)
    _remove_orphans(orphans, mesh_index)
    coll[VERSION_KEY] = plan.version
    if new_collection:
        bpy.context.scene.collection.children.link(coll)
    return plan.touched


def _remove_orphans(meshes, mesh_index):
    """Removes the meshes still without users. Without unlinking: Blender would search every datablock for users
    they do not have (0.6 ms a mesh at 4,000 objects, 0.01 ms without, on 3.4 and 4.3) and redraw every window."""
    seen = set()
    for me in meshes:
        if me.as_pointer() in seen or me.users:
            continue
        seen.add(me.as_pointer())
        mesh_index.drop(me.get(SCENE_KEY), me.get(MESH_KEY))
        bpy.data.meshes.remove(me, do_unlink=False)
