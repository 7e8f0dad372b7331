"""Applies a Plan to Blender data. Main thread only.

What the source owns is rewritten: geometry, transform, name (when the source renames), visibility, parent, and
the materials it made (tagged livelink_material). Everything else is the artist's and stays: modifiers, a material
the artist put in a slot, the collections the object was moved to, custom properties.
"""
import math
from array import array

import bpy
from mathutils import Matrix

from . import frames
from .livelink_client import meshblob
from .plan import ALL_FIELDS

SCENE_KEY = "livelink_scene"
NODE_KEY = "livelink_node"
VERSION_KEY = "livelink_version"
MESH_KEY = "livelink_mesh"
MATERIAL_KEY = "livelink_material"
SHARP_ANGLE = math.radians(30.0)


def scene_objects(scene_id):
    """{node id: object} for the objects of one source scene in this .blend."""
    return {o[NODE_KEY]: o for o in bpy.data.objects if o.get(SCENE_KEY) == scene_id and NODE_KEY in o}


def scene_meshes(scene_id):
    return {m[MESH_KEY]: m for m in bpy.data.meshes if m.get(SCENE_KEY) == scene_id and MESH_KEY in m}


def applied_versions():
    """{scene id: version} recorded on the collections of this .blend."""
    return {c[SCENE_KEY]: int(c.get(VERSION_KEY, 0)) for c in bpy.data.collections if SCENE_KEY in c}


def _collection(scene):
    for c in bpy.data.collections:
        if c.get(SCENE_KEY) == scene["id"]:
            return c
    c = bpy.data.collections.new(scene.get("name") or scene["id"])
    c[SCENE_KEY] = scene["id"]
    bpy.context.scene.collection.children.link(c)
    return c


def build_mesh(name, blob, scene):
    """A mesh datablock from blob bytes: bulk foreach_set from memoryviews, one C-side transform to metres."""
    m = meshblob.decode(blob)
    me = bpy.data.meshes.new(name)
    me.vertices.add(m.vertex_count)
    me.vertices.foreach_set("co", m.positions)
    t = m.triangle_count
    me.loops.add(3 * t)
    me.loops.foreach_set("vertex_index", m.indices)
    me.polygons.add(t)
    me.polygons.foreach_set("loop_start", array("i", range(0, 3 * t, 3)))
    if bpy.app.version < (4, 0, 0):
        me.polygons.foreach_set("loop_total", array("i", [3]) * t)
    if m.material_index is not None:
        me.polygons.foreach_set("material_index", m.material_index)
    me.update(calc_edges=True)
    # Smooth shading split at sharp edges: a cylinder looks round and a box's edges stay crisp, whether or not the
    # sender split vertices at CAD face boundaries.
    if hasattr(me, "shade_smooth"):
        me.shade_smooth()
    else:
        me.polygons.foreach_set("use_smooth", [True] * t)
    if hasattr(me, "set_sharp_from_angle"):  # Blender 4.1+
        me.set_sharp_from_angle(angle=SHARP_ANGLE)
    else:
        me.use_auto_smooth = True
        me.auto_smooth_angle = SHARP_ANGLE
    me.transform(Matrix(frames.mesh_matrix(scene)))
    me[SCENE_KEY] = scene["id"]
    return me


def _material(mat):
    key = "%.4f,%.4f,%.4f,%.4f,%.3f,%.3f" % frames.material_key(mat)
    for m in bpy.data.materials:
        if m.get(MATERIAL_KEY) == key:
            return m
    r, g, b, a, metallic, roughness = frames.material_key(mat)
    m = bpy.data.materials.new(frames.material_name(mat))
    m[MATERIAL_KEY] = key
    m.diffuse_color = (r, g, b, a)
    m.metallic = metallic
    m.roughness = roughness
    m.use_nodes = True
    bsdf = next((n for n in m.node_tree.nodes if n.type == "BSDF_PRINCIPLED"), None)
    if bsdf is not None:
        bsdf.inputs["Base Color"].default_value = (r, g, b, 1.0)
        bsdf.inputs["Alpha"].default_value = a
        bsdf.inputs["Metallic"].default_value = metallic
        bsdf.inputs["Roughness"].default_value = roughness
    if a < 1.0:
        if hasattr(m, "surface_render_method"):
            m.surface_render_method = "BLENDED"
        else:
            m.blend_method = "BLEND"
            m.shadow_method = "HASHED"
    return m


def _assign_materials(obj, mats):
    """Ours go in the mesh's slots; a slot where the artist put another material keeps the artist's."""
    me = obj.data
    if me is None or not hasattr(me, "materials"):
        return
    wanted = [_material(m) for m in mats]
    for i, mat in enumerate(wanted):
        if i < len(me.materials):
            current = me.materials[i]
            if current is None or MATERIAL_KEY in current:
                me.materials[i] = mat
        else:
            me.materials.append(mat)


def _set_mesh(obj, me, old_materials):
    """Swaps geometry; modifiers live on the object and stay. Artist materials carry over slot by slot."""
    old = obj.data
    if old is me:
        return
    for i, mat in enumerate(old_materials):
        if mat is not None and MATERIAL_KEY not in mat:
            while len(me.materials) <= i:
                me.materials.append(None)
            me.materials[i] = mat
    obj.data = me
    if old is not None and old.users == 0:
        bpy.data.meshes.remove(old)


def apply_plan(plan, blobs):
    """Applies the plan; blobs maps mesh hash to bytes for every mesh the plan needs. Returns objects touched."""
    scene = plan.scene
    sid = scene["id"]
    coll = _collection(scene)
    if coll.name != scene.get("name", coll.name) and scene.get("name"):
        coll.name = scene["name"]
    objects = scene_objects(sid)

    def mesh_for(node):
        h = node.get("mesh")
        if not h:
            return None
        me = meshes.get(h)
        if me is None:
            me = build_mesh(node.get("name") or node["id"], blobs[h], scene)
            me[MESH_KEY] = h
            meshes[h] = me
        return me

    for op in plan.removes:
        obj = objects.pop(op.node_id, None)
        if obj is not None:
            me = obj.data if obj.type == "MESH" else None
            bpy.data.objects.remove(obj)
            if me is not None and me.users == 0:
                bpy.data.meshes.remove(me)

    meshes = scene_meshes(sid)  # after removals, which may have freed meshes
    staged = []
    for op in plan.creates:
        node = op.node
        obj = bpy.data.objects.new(node.get("name") or node["id"], mesh_for(node))
        obj[SCENE_KEY] = sid
        obj[NODE_KEY] = node["id"]
        coll.objects.link(obj)
        objects[node["id"]] = obj
        staged.append((obj, node, ALL_FIELDS))
    for op in plan.updates:
        obj = objects[op.node["id"]]
        if "mesh" in op.fields:
            new = mesh_for(op.node)
            if new is not None and obj.type == "MESH":
                _set_mesh(obj, new, list(obj.data.materials))
        staged.append((obj, op.node, op.fields))

    # Parents are set after every object exists, so order in the delta does not matter.
    for obj, node, fields in staged:
        if "name" in fields and node.get("name") and obj.name != node["name"]:
            obj.name = node["name"]
        if "parent" in fields:
            parent = objects.get(node.get("parent")) if node.get("parent") else None
            obj.parent = parent
            obj.matrix_parent_inverse = Matrix.Identity(4)
        if "transform" in fields or "parent" in fields:
            obj.matrix_basis = Matrix(frames.object_matrix(scene, node.get("transform")))
        if "visibility" in fields:
            hidden = not node.get("visible", True)
            obj.hide_viewport = hidden
            obj.hide_render = hidden
        if "materials" in fields or "mesh" in fields:
            _assign_materials(obj, node.get("materials") or ())
    coll[VERSION_KEY] = plan.version
    return plan.touched
