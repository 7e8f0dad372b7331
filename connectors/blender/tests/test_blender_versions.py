"""The bpy side's version differences, over fakes shaped like Blender 3.4, 4.3 and 5.0 (5.x is not packaged by
Debian; 3.4 and 4.3 also run for real in the end-to-end lanes)."""
import importlib
import sys
import unittest
from array import array

import fakebpy
import hostfree  # noqa: F401 - makes livelink_blender importable without Blender
from livelink_blender.livelink_client import meshblob
from livelink_blender.logic import features

BLOB = meshblob.encode(array("f", [0, 0, 0, 1, 0, 0, 0, 1, 0]), array("I", [0, 1, 2]))
# What FreeCAD sends: the same triangle with a normal per vertex from the surface.
LIT = meshblob.encode(array("f", [0, 0, 0, 1, 0, 0, 0, 1, 0]), array("I", [0, 1, 2]),
                      normals=array("f", [0, 0, 1, 0.6, 0, 0.8, 0, 0.6, 0.8]))
# A planar part as FreeCAD sends it: every normal its face's. Blender's own smooth normals are these already.
FLAT = meshblob.encode(array("f", [0, 0, 0, 1, 0, 0, 0, 1, 0]), array("I", [0, 1, 2]),
                       normals=array("f", [0, 0, 1] * 3))
SCENE = {"id": "doc", "name": "Doc", "units": "mm", "up": "Z"}


def load_apply(version):
    bpy = fakebpy.make(version)
    sys.modules.pop("livelink_blender.blender.apply", None)
    sys.modules.pop("livelink_blender.blender", None)
    return bpy, importlib.import_module("livelink_blender.blender.apply")


class FeaturesTest(unittest.TestCase):
    def test_each_version_gets_its_own_branch_from_rna_names(self):
        got = {v: features.detect(s["mesh_functions"], s["mesh_props"], s["loop_total_readonly"], s["material_props"],
                                  s.get("set_normal_modes", ())) for v, s in fakebpy.SHAPES.items()}
        self.assertEqual((got["3.4"].auto_smooth, got["3.4"].sharp_from_angle, got["3.4"].write_loop_total),
                         (True, False, True))
        self.assertEqual((got["4.3"].auto_smooth, got["4.3"].sharp_from_angle, got["4.3"].write_loop_total),
                         (False, True, False))
        self.assertTrue(got["4.3"].surface_render_method and got["5.0"].surface_render_method)
        self.assertTrue(all(f.custom_normals for f in got.values()))
        self.assertFalse(features.detect({"update"}, set(), True, set()).custom_normals)
        self.assertFalse(got["5.0"].shadow_method)
        self.assertEqual([v for v, f in got.items() if f.free_normals], ["5.0"])


class ApplyOnVersionsTest(unittest.TestCase):
    def tearDown(self):
        for name in ("bpy", "mathutils", "livelink_blender.blender.apply", "livelink_blender.blender"):
            sys.modules.pop(name, None)

    def build(self, version, blob=BLOB):
        bpy, apply = load_apply(version)
        me = apply.MeshBuilder(SCENE).build("Tri", blob)
        return bpy, apply, me

    def test_senders_normals_become_custom_split_normals_before_free_normals(self):
        for version in ("3.4", "4.3"):
            with self.subTest(version=version):
                bpy, _, me = self.build(version, LIT)
                self.assertIn((fakebpy.SPLIT_NORMALS, 3, (0.0, 0.0, 1.0)), bpy.log, "one 3-tuple per vertex")
                self.assertFalse(any(e[0] == "set_sharp_from_angle" for e in bpy.log), "no sharp edges by angle")
                if version == "3.4":
                    self.assertTrue(me.use_auto_smooth, "3.x shows custom normals only with auto smooth")
                    self.assertFalse(hasattr(me, "auto_smooth_angle"), "custom normals ignore the angle")
                    self.assertIn(("polygons", "use_smooth", 1), bpy.log)
                # Set before the transform to metres, which turns them with the mesh.
                self.assertLess([e[0] for e in bpy.log].index(fakebpy.SPLIT_NORMALS),
                                [e[0] for e in bpy.log].index("transform"))

    def test_free_normals_where_blender_has_them_are_the_senders_vectors_copied_at_once(self):
        bpy, _, me = self.build("5.0", LIT)
        self.assertNotIn(fakebpy.SPLIT_NORMALS, [e[0] for e in bpy.log], "no fan-space normals to compute")
        steps = [e[:2] for e in bpy.log]
        self.assertIn(("new attribute", "custom_normal"), steps)
        self.assertIn(("attribute custom_normal", "vector", 9), bpy.log, "one bulk copy of the sent vectors")
        self.assertEqual(me.attributes["custom_normal"].data.typecodes, {"vector": "f"}, "float32, no conversion")
        self.assertFalse(any(e[0] == "set_sharp_from_angle" for e in bpy.log), "no sharp edges by angle")
        # Before the transform to metres, which turns free normals with the mesh (and keeps them unit).
        self.assertLess(steps.index(("new attribute", "custom_normal")), steps.index(("transform",)))

    def test_normals_that_must_follow_deformation_or_are_not_unit_stay_in_fan_space(self):
        # The preference: an artist who deforms received parts keeps normals that follow the deformation.
        bpy, apply = load_apply("5.0")
        apply.MeshBuilder(SCENE, follow_deformation=True).build("Tri", LIT)
        self.assertIn(fakebpy.SPLIT_NORMALS, [e[0] for e in bpy.log])
        self.assertNotIn("new attribute", [e[0] for e in bpy.log])
        # A zero vector (the protocol's "yours to choose") or a long one would show as sent: Blender's fan-space
        # normals fill in and normalise; the apply's other meshes still go free.
        odd = meshblob.encode(array("f", [0, 0, 0, 1, 0, 0, 0, 1, 0]), array("I", [0, 1, 2]),
                              normals=array("f", [0, 0, 0, 0.6, 0, 0.8, 0, 0.6, 0.8]))
        bpy, apply = load_apply("5.0")
        builder = apply.MeshBuilder(SCENE, {"odd": odd, "lit": LIT})
        builder.build("Odd", odd, "odd")
        builder.build("Lit", LIT, "lit")
        self.assertEqual([e[0] for e in bpy.log if e[0] in (fakebpy.SPLIT_NORMALS, "new attribute")],
                         [fakebpy.SPLIT_NORMALS, "new attribute"])
        # Without numpy to check them, fan-space normals too.
        bpy, apply = load_apply("5.0")
        builder = apply.MeshBuilder(SCENE)
        builder.np = None
        builder.build("Tri", LIT)
        self.assertIn(fakebpy.SPLIT_NORMALS, [e[0] for e in bpy.log])

    def test_a_planar_part_shades_smooth_with_blenders_own_normals_on_each_version(self):
        for version in ("3.4", "4.3", "5.0"):
            with self.subTest(version=version):
                bpy, _, me = self.build(version, FLAT)
                self.assertFalse(any(e[0] in (fakebpy.SPLIT_NORMALS, "set_sharp_from_angle", "new attribute")
                                     for e in bpy.log),
                                 "no custom normals, no sharp edges: smooth faces show the face normals")
                if version == "3.4":
                    self.assertFalse(hasattr(me, "use_auto_smooth"), "no auto smooth to split by angle")
                    self.assertIn(("polygons", "use_smooth", 1), bpy.log)

    def test_an_applys_blobs_are_tested_together_and_a_bad_one_fails_only_its_own_build(self):
        bpy, apply = load_apply("4.3")
        builder = apply.MeshBuilder(SCENE, {"flat": FLAT, "lit": LIT, "bad": b"junk"})
        builder.build("Flat", FLAT, "flat")
        builder.build("Lit", LIT, "lit")
        self.assertEqual([e for e in bpy.log if e[0] == fakebpy.SPLIT_NORMALS], [(fakebpy.SPLIT_NORMALS, 3, (0, 0, 1))],
                         "custom normals for the curved triangle only")
        with self.assertRaisesRegex(Exception, "shorter than its header"):
            builder.build("Bad", b"junk", "bad")

    def test_an_stl_sourced_mesh_without_normals_keeps_angle_based_shading(self):
        # The hub's STL reader sends no normals (StlReaderTest): shading by angle, as before, on every version.
        for version in ("3.4", "4.3", "5.0"):
            with self.subTest(version=version):
                bpy, _, me = self.build(version, BLOB)
                self.assertFalse(any(e[0] == fakebpy.SPLIT_NORMALS for e in bpy.log))
                if version == "3.4":
                    self.assertEqual((me.use_auto_smooth, round(me.auto_smooth_angle, 4)), (True, 0.5236))
                else:
                    self.assertIn(("set_sharp_from_angle", 0.5236), bpy.log)

    def test_blender_3_4_uses_auto_smooth_and_writes_loop_totals(self):
        bpy, _, me = self.build("3.4")
        self.assertTrue(me.use_auto_smooth)
        self.assertIn(("polygons", "loop_total", 1), bpy.log)
        # Unsigned as Blender declares them: else foreach_set converts element by element.
        self.assertEqual(me.polygons.typecodes, {"loop_start": "I", "loop_total": "I", "use_smooth": None})

    def test_blender_4_3_and_5_0_mark_sharp_edges_and_leave_loop_totals(self):
        for version in ("4.3", "5.0"):
            with self.subTest(version=version):
                bpy, _, me = self.build(version)
                self.assertIn(("set_sharp_from_angle", 0.5236), bpy.log)
                self.assertNotIn(("polygons", "loop_total", 1), bpy.log)
                self.assertEqual(me["livelink_scene"], "doc")

    def test_4_x_copies_positions_and_corners_as_attributes_and_keeps_its_smooth_faces(self):
        for version in ("4.3", "5.0"):
            with self.subTest(version=version):
                bpy, _, me = self.build(version)
                self.assertIn(("attribute position", "vector", 9), bpy.log)
                self.assertIn(("attribute .corner_vert", "value", 3), bpy.log)
                self.assertFalse([e for e in bpy.log if e[0] in ("vertices", "loops")], "no per-element RNA proxies")
                self.assertNotIn(("shade_smooth",), bpy.log, "faces the API adds are smooth: nothing to remove")
        # A Blender that adds flat faces (a sharp_face attribute) gets them smoothed.
        bpy, apply = load_apply("4.3")
        fakebpy.SHAPES["4.3"]["attributes"] = fakebpy.CORNERS | {"sharp_face"}
        try:
            apply.MeshBuilder(SCENE).build("Tri", BLOB)
        finally:
            fakebpy.SHAPES["4.3"]["attributes"] = fakebpy.CORNERS
        self.assertIn(("shade_smooth",), bpy.log)

    def test_3_4_sets_vertices_loops_and_smooth_faces_through_rna(self):
        bpy, _, _ = self.build("3.4")
        for entry in (("vertices", "co", 9), ("loops", "vertex_index", 3), ("polygons", "use_smooth", 1)):
            self.assertIn(entry, bpy.log)

    def test_transparent_materials_on_each_version(self):
        glass = {"name": "glass", "color": [0, 0, 1, 0.5]}
        _, apply, _ = self.build("3.4")
        m = apply.Materials(apply.running_features()).get(glass)
        self.assertEqual((m.blend_method, m.shadow_method), ("BLEND", "HASHED"))
        for version in ("4.3", "5.0"):
            with self.subTest(version=version):
                _, apply, _ = self.build(version)
                m = apply.Materials(apply.running_features()).get(glass)
                self.assertEqual(m.surface_render_method, "BLENDED")
                bsdf = m.node_tree.nodes[0]
                self.assertEqual(bsdf.inputs["Base Color"].default_value, (0.0, 0.0, 1.0, 1.0))
                self.assertEqual(bsdf.inputs["Alpha"].default_value, 0.5)
                self.assertFalse(hasattr(m, "blend_method") and version == "5.0")


if __name__ == "__main__":
    unittest.main()
