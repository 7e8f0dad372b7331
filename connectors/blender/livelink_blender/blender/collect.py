"""Reads what a send publishes from the evaluated depsgraph. Main thread only; no per-vertex Python.

Every mesh comes from Object.to_mesh() on the evaluated object (modifiers applied; curves, surfaces, text and
metaballs turned into a mesh), scaled to metres in C by Mesh.transform, and read with foreach_get into typed arrays:
vertex positions, loop-triangle vertices and loop-triangle material indices (MeshLoopTriangle.material_index,
in 3.3 to 5.x). Collection and geometry-nodes instances come from depsgraph.object_instances: each becomes a node
under its instancer, and the instances of one geometry share one mesh."""
from array import array

import bpy
from mathutils import Matrix

from ..logic.messages import MeshArrays
from ..logic.sendscene import Collected, Instance

MESHLIKE = {"MESH", "CURVE", "SURFACE", "FONT", "META"}
UNSET = 2147483647  # persistent_id entries past the instance's depth
GREY = {"name": "", "color": [0.8, 0.8, 0.8, 1.0], "metallic": 0.0, "roughness": 0.5}


def unit_scale(scene):
    """Metres per Blender unit."""
    s = scene.unit_settings.scale_length
    return s if s > 0 else 1.0


def world(matrix, scale):
    """A matrix_world as 16 numbers, row-major, translation in metres."""
    m = [x for row in matrix for x in row]
    m[3], m[7], m[11] = m[3] * scale, m[7] * scale, m[11] * scale
    return tuple(m)


def _arrays(ev, scale, material_index):
    """MeshArrays of an evaluated object, or None when it has no triangles."""
    me = ev.to_mesh()
    try:
        if me is None:
            return None
        if scale != 1.0:
            me.transform(Matrix.Scale(scale, 4))  # to_mesh gives a copy of its own: scaling it touches nothing
        me.calc_loop_triangles()
        v, t = len(me.vertices), len(me.loop_triangles)
        if t == 0:
            return None
        positions = array("f", bytes(12 * v))
        me.vertices.foreach_get("co", positions)
        indices = array("i", bytes(12 * t))
        me.loop_triangles.foreach_get("vertices", indices)
        mi = None
        if material_index:
            mi = array("i", bytes(4 * t))
            me.loop_triangles.foreach_get("material_index", mi)
        return MeshArrays(positions, indices, mi)
    finally:
        ev.to_mesh_clear()


def _clamp(x):
    return round(min(max(float(x), 0.0), 1.0), 5)


def _principled(m):
    """The Principled BSDF feeding the material output, else the first one, else None."""
    tree = m.node_tree if m.use_nodes else None
    if tree is None:
        return None
    found = [n for n in tree.nodes if n.type == "BSDF_PRINCIPLED"]
    for n in tree.nodes:
        if n.type == "OUTPUT_MATERIAL" and n.is_active_output and n.inputs[0].links:
            src = n.inputs[0].links[0].from_node
            if src.type == "BSDF_PRINCIPLED":
                return src
    return found[0] if found else None


def material(m):
    """The protocol's material for a Blender material: Principled Base Color and Alpha by socket name (4.0
    renamed many sockets, not these), else the viewport colour."""
    if m is None:
        return dict(GREY)
    r, g, b, a = m.diffuse_color
    metallic, roughness = m.metallic, m.roughness
    bsdf = _principled(m)
    if bsdf is not None:
        inputs = bsdf.inputs
        if "Base Color" in inputs:
            r, g, b = inputs["Base Color"].default_value[:3]
        if "Alpha" in inputs:
            a = inputs["Alpha"].default_value
        if "Metallic" in inputs:
            metallic = inputs["Metallic"].default_value
        if "Roughness" in inputs:
            roughness = inputs["Roughness"].default_value
    return {"name": m.name, "color": [_clamp(r), _clamp(g), _clamp(b), _clamp(a)], "metallic": _clamp(metallic),
            "roughness": _clamp(roughness)}


class Collector:
    """One send's reading: materials and meshes read once each however many objects use them."""

    def __init__(self, context):
        self.depsgraph = context.evaluated_depsgraph_get()
        self.scale = unit_scale(context.scene)
        self.meshes = {}  # key -> MeshArrays
        self._materials = {}

    def materials(self, ev):
        out = []
        for slot in ev.material_slots:
            m = slot.material
            key = m.name_full if m is not None else ""
            if key not in self._materials:
                self._materials[key] = material(m)
            out.append(self._materials[key])
        return tuple(out)

    def mesh(self, ev, key, materials):
        if key not in self.meshes:
            self.meshes[key] = _arrays(ev, self.scale, len(materials) > 1)
        return key if self.meshes[key] is not None else None

    def collect(self, objects):
        """objects: {send id: Object} -> {send id: Collected}."""
        out, instancers = {}, {}
        for sid, obj in objects.items():
            ev = obj.evaluated_get(self.depsgraph)
            mats = self.materials(ev) if obj.type in MESHLIKE else ()
            key = None
            if obj.type in MESHLIKE:
                plain = obj.type == "MESH" and not obj.modifiers and obj.data.shape_keys is None
                # Linked duplicates with nothing evaluated on top share their data: read it once.
                key = self.mesh(ev, "d%x" % obj.data.as_pointer() if plain else "o:" + sid, mats)
            out[sid] = Collected(sid, world(ev.matrix_world, self.scale), key, mats, obj.visible_get())
            if obj.instance_type != "NONE" or any(m.type == "NODES" for m in obj.modifiers) or obj.particle_systems:
                instancers[obj.name] = sid
        if instancers:
            found = self.instances(instancers)
            for sid, instances in found.items():
                c = out[sid]
                out[sid] = Collected(c.id, c.world, c.mesh, c.materials, c.visible, tuple(instances))
        return out

    def instances(self, instancers):
        """{send id: [Instance]} for the instances the named objects generate. The instance objects are
        temporary: everything is read inside the loop."""
        found, seen = {}, set()
        for inst in self.depsgraph.object_instances:
            if not inst.is_instance or inst.parent is None:
                continue
            sid = instancers.get(inst.parent.original.name)
            io = inst.object
            if sid is None or io.type not in MESHLIKE or io.data is None:
                continue
            mats = self.materials(io)
            # Instances of one geometry share its evaluated data; it lives as long as the instancer's result.
            key = self.mesh(io, "i%x" % io.data.as_pointer(), mats)
            if key is None:
                continue
            suffix = ".".join(str(p) for p in inst.persistent_id if p != UNSET) or "0"
            while (sid, suffix) in seen:
                suffix += "_"
            seen.add((sid, suffix))
            source = io.original if io.original is not None else io
            # Geometry-nodes geometry has no object of its own: its "original" is the instancer.
            name = source.name if source != inst.parent.original else source.name + " instance"
            found.setdefault(sid, []).append(Instance(suffix, name, world(inst.matrix_world, self.scale), key, mats))
        return found
