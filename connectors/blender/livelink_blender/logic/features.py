"""What the running Blender offers, decided from its RNA (functions and properties), never from its version
number or hasattr on a type: Blender 3.3 to 5.x differ here, and a guess picked the 3.x branch on 4.3.

Known differences: 4.0 made MeshPolygon.loop_total read-only; 4.1 removed Mesh.use_auto_smooth (sharp edges come
from Mesh.set_sharp_from_angle); 4.2 replaced Material.blend_method/shadow_method with surface_render_method;
5.0 left Material.use_nodes without effect (every material has its node tree). Custom split normals
(Mesh.normals_split_custom_set_from_vertices) exist from 2.8 to 5.x; before 4.1 they need use_auto_smooth. 4.5 added
"free" custom normals: vectors in a float attribute named custom_normal, shown as they are (no fan spaces to compute),
told by the Set Mesh Normal node's FREE mode, which came with them."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Features:
    shade_smooth: bool  # Mesh.shade_smooth(), else use_smooth per polygon
    sharp_from_angle: bool  # Mesh.set_sharp_from_angle() (4.1+), else use_auto_smooth + auto_smooth_angle
    auto_smooth: bool
    write_loop_total: bool  # MeshPolygon.loop_total writable (before 4.0)
    surface_render_method: bool  # Material.surface_render_method (4.2+), else blend_method
    shadow_method: bool
    use_nodes: bool  # Material.use_nodes still a property to set
    custom_normals: bool = False  # Mesh.normals_split_custom_set_from_vertices(), else normals are not applied
    free_normals: bool = False  # a "custom_normal" vector attribute is shown as the normals (4.5+)


def detect(mesh_functions, mesh_properties, loop_total_readonly, material_properties, set_normal_modes=()):
    """mesh_functions/mesh_properties/material_properties: names from bl_rna; loop_total_readonly: whether
    MeshPolygon.loop_total is read-only (True when it is absent); set_normal_modes: the modes of the Set Mesh Normal
    geometry node (none before 4.5)."""
    return Features(
        shade_smooth="shade_smooth" in mesh_functions,
        sharp_from_angle="set_sharp_from_angle" in mesh_functions,
        auto_smooth="use_auto_smooth" in mesh_properties,
        write_loop_total=not loop_total_readonly,
        surface_render_method="surface_render_method" in material_properties,
        shadow_method="shadow_method" in material_properties,
        use_nodes="use_nodes" in material_properties,
        custom_normals="normals_split_custom_set_from_vertices" in mesh_functions,
        free_normals="FREE" in set_normal_modes,
    )
