"""A fake `bpy` with the shape of a given Blender version, enough for blender/apply.py's mesh and material code:
RNA function and property names per version, and datablocks that refuse attributes their version lacks. Blender
5.x is not packaged by Debian, so its differences are covered here; 3.4 and 4.3 also run for real end to end."""
import sys
import types

# What apply.py looks at, per version (from each version's API docs and change logs).
# Custom split normals: normals_split_custom_set_from_vertices in all three; before 4.1 they show only with
# use_auto_smooth, from 4.1 (no use_auto_smooth) always.
SPLIT_NORMALS = "normals_split_custom_set_from_vertices"
# attributes: those a mesh holds once vertices, loops and polygons are added (4.0 made positions and corner vertices
# attributes; 4.x's Python API adds smooth faces: no "sharp_face").
CORNERS = {"position", ".corner_vert", ".corner_edge"}
SHAPES = {
    "3.4": {"mesh_functions": {"update", "transform", SPLIT_NORMALS}, "attributes": set(),
            "mesh_props": {"use_auto_smooth", "auto_smooth_angle"},
            "loop_total_readonly": False, "material_props": {"use_nodes", "blend_method", "shadow_method"}},
    "4.3": {"mesh_functions": {"update", "transform", "shade_smooth", "set_sharp_from_angle", SPLIT_NORMALS},
            "mesh_props": set(), "attributes": CORNERS,
            "loop_total_readonly": True,
            "material_props": {"use_nodes", "blend_method", "surface_render_method"}},
    # 5.0: use_nodes is deprecated and does nothing (every material has its tree); blend_method is gone.
    # 4.5 added free normals ("custom_normal", a vector attribute) with the Set Mesh Normal node and its FREE mode.
    "5.0": {"mesh_functions": {"update", "transform", "shade_smooth", "set_sharp_from_angle", SPLIT_NORMALS},
            "mesh_props": set(), "attributes": CORNERS,
            "loop_total_readonly": True, "material_props": {"use_nodes", "surface_render_method"},
            "set_normal_modes": {"SHARPNESS", "FREE", "TANGENT_SPACE"}},
}


class _Rna:
    def __init__(self, functions=(), properties=None):
        self.functions = {f: None for f in functions}
        self.properties = properties or {}


class _Prop:
    def __init__(self, readonly):
        self.is_readonly = readonly


class _Seq:
    def __init__(self, log, name):
        self.log, self.name, self.count = log, name, 0
        self.typecodes = {}  # attr -> the array typecode it was set from (Blender converts a mismatch per element)

    def add(self, n):
        self.count += n

    def foreach_set(self, attr, values):
        self.log.append((self.name, attr, len(values)))
        self.typecodes[attr] = getattr(values, "typecode", None)


class _Attributes(dict):
    """Mesh.attributes: name -> an attribute whose data logs foreach_set as ("attribute NAME", attr, count)."""

    def __init__(self, log, names):
        super().__init__((n, types.SimpleNamespace(data=_Seq(log, "attribute " + n))) for n in names)
        self.log = log

    def new(self, name, data_type, domain):
        if name in self:
            raise RuntimeError("attribute %r exists" % name)
        self.log.append(("new attribute", name, data_type, domain))
        self[name] = types.SimpleNamespace(data=_Seq(self.log, "attribute " + name))
        return self[name]


class _IdMixin:
    def __init__(self, name):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "_props", {})

    def __setitem__(self, key, value):
        self._props[key] = value

    def __getitem__(self, key):
        return self._props[key]

    def __contains__(self, key):
        return key in self._props

    def __setattr__(self, attr, value):
        if attr not in self.ALLOWED:
            raise AttributeError("'%s' object has no attribute '%s'" % (type(self).__name__, attr))
        object.__setattr__(self, attr, value)


def make(version):
    """Installs a fake bpy (and mathutils) shaped like `version`; returns the module."""
    shape = SHAPES[version]
    log = []

    class Mesh(_IdMixin):
        ALLOWED = {"use_auto_smooth", "auto_smooth_angle"} & shape["mesh_props"]

        def __init__(self, name):
            super().__init__(name)
            for part in ("vertices", "loops", "polygons"):
                object.__setattr__(self, part, _Seq(log, part))
            object.__setattr__(self, "materials", [])
            object.__setattr__(self, "attributes", _Attributes(log, shape["attributes"]))

        def update(self, calc_edges=False):
            log.append(("update", calc_edges))

        def transform(self, matrix):
            log.append(("transform",))

    if "shade_smooth" in shape["mesh_functions"]:
        Mesh.shade_smooth = lambda self: log.append(("shade_smooth",))
    if SPLIT_NORMALS in shape["mesh_functions"]:
        def split_normals(self, normals):
            # As Blender's RNA: a sequence of 3-sequences, one per vertex; a flat array is a TypeError.
            if len(normals) != self.vertices.count or not all(len(n) == 3 for n in normals):
                raise TypeError("Mesh.%s(): expected a sequence of float, not float" % SPLIT_NORMALS)
            log.append((SPLIT_NORMALS, len(normals), tuple(normals[0])))
        setattr(Mesh, SPLIT_NORMALS, split_normals)
    if "set_sharp_from_angle" in shape["mesh_functions"]:
        Mesh.set_sharp_from_angle = lambda self, angle: log.append(("set_sharp_from_angle", round(angle, 4)))

    class Node:
        type = "BSDF_PRINCIPLED"

        def __init__(self):
            self.inputs = {n: types.SimpleNamespace(default_value=None)
                           for n in ("Base Color", "Alpha", "Metallic", "Roughness")}

    class Material(_IdMixin):
        ALLOWED = {"diffuse_color", "metallic", "roughness"} | shape["material_props"]

        def __init__(self, name):
            super().__init__(name)
            # 5.0 materials always have their node tree; before, use_nodes makes it (the fake has it from the start).
            object.__setattr__(self, "node_tree", types.SimpleNamespace(nodes=[Node()]))

    class Collection:
        def __init__(self, items, cls):
            self.items, self.cls = items, cls

        def new(self, name, *args):
            item = self.cls(name)
            self.items.append(item)
            return item

        def __iter__(self):
            return iter(self.items)

    bpy = types.ModuleType("bpy")
    bpy.log = log
    bpy.app = types.SimpleNamespace(version=tuple(int(x) for x in version.split(".")) + (0,))
    bpy.data = types.SimpleNamespace(meshes=Collection([], Mesh), materials=Collection([], Material))
    mesh_props = {p: _Prop(False) for p in shape["mesh_props"]}
    bpy.types = types.SimpleNamespace(
        Mesh=types.SimpleNamespace(bl_rna=_Rna(shape["mesh_functions"], mesh_props)),
        MeshPolygon=types.SimpleNamespace(bl_rna=_Rna(properties={"loop_total": _Prop(shape["loop_total_readonly"])})),
        Material=types.SimpleNamespace(bl_rna=_Rna(properties={p: _Prop(False) for p in shape["material_props"]})))
    if "set_normal_modes" in shape:  # a node type's RNA: its mode enum's items
        mode = types.SimpleNamespace(enum_items={m: None for m in shape["set_normal_modes"]})
        bpy.types.GeometryNodeSetMeshNormal = types.SimpleNamespace(bl_rna=_Rna(properties={"mode": mode}))
    mathutils = types.ModuleType("mathutils")
    mathutils.Matrix = lambda rows=None: rows
    sys.modules["bpy"], sys.modules["mathutils"] = bpy, mathutils
    return bpy
