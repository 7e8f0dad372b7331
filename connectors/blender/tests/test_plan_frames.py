"""Host-free logic of the Blender add-on: delta -> plan, units and axes, material keys. No Blender needed."""
import unittest

import hostfree  # noqa: F401 - makes livelink_blender importable without bpy
from livelink_blender.logic import frames, plan

SCENE = {"id": "doc", "name": "Doc", "units": "mm", "up": "Z"}


def node(i, mesh="a" * 64):
    return {"id": i, "name": i, "mesh": mesh, "transform": None, "materials": []}


class PlanTest(unittest.TestCase):
    def test_added_nodes_that_exist_become_updates_so_resends_never_duplicate(self):
        d = {"scene": SCENE, "from": 0, "to": 3, "full": False, "added": [node("A"), node("B")], "changed": [],
             "removed": []}
        p = plan.make_plan(d, ["A"])
        self.assertEqual([c.node["id"] for c in p.creates], ["B"])
        self.assertEqual([u.node["id"] for u in p.updates], ["A"])
        self.assertEqual(p.updates[0].fields, plan.ALL_FIELDS)
        self.assertEqual(p.version, 3)

    def test_full_delta_removes_what_the_scene_no_longer_has(self):
        d = {"scene": SCENE, "from": 0, "to": 2, "full": True, "added": [node("A")], "changed": [], "removed": []}
        p = plan.make_plan(d, ["A", "Gone", "AlsoGone"])
        self.assertEqual([r.node_id for r in p.removes], ["AlsoGone", "Gone"])

    def test_changed_fields_pass_through_and_removed_only_if_present(self):
        d = {"scene": SCENE, "from": 1, "to": 2, "full": False, "added": [],
             "changed": [{"node": node("A", "b" * 64), "fields": ["mesh"]}], "removed": ["X", "B"]}
        p = plan.make_plan(d, ["A", "B"])
        self.assertEqual(p.updates[0].fields, frozenset(["mesh"]))
        self.assertEqual([r.node_id for r in p.removes], ["B"])
        self.assertEqual(p.meshes_needed(set()), ["b" * 64])
        self.assertEqual(p.meshes_needed({"b" * 64}), [])

    def test_the_fetcher_gets_every_mesh_the_delta_names_that_the_blend_lacks(self):
        d = {"scene": SCENE, "from": 1, "to": 2, "full": False, "added": [node("N", "c" * 64)],
             "changed": [{"node": node("A", "b" * 64), "fields": ["transform"]}], "removed": []}
        self.assertEqual(plan.delta_meshes(d, {"b" * 64}), ["c" * 64])
        self.assertEqual(plan.delta_meshes(d, set()), ["c" * 64, "b" * 64], "a lost node is created: its mesh")

    def test_instances_need_their_mesh_once(self):
        d = {"scene": SCENE, "from": 0, "to": 1, "full": True, "added": [node("A"), node("B"), node("E", None)],
             "changed": [], "removed": []}
        self.assertEqual(plan.make_plan(d, []).meshes_needed(set()), ["a" * 64])


class FramesTest(unittest.TestCase):
    def test_millimetres_scale_meshes_and_translations(self):
        m = frames.mesh_matrix(SCENE)
        self.assertEqual(m[0][0], 0.001)
        t = frames.object_matrix(SCENE, [1, 0, 0, 1000, 0, 1, 0, 500, 0, 0, 1, 250, 0, 0, 0, 1])
        self.assertEqual([t[0][3], t[1][3], t[2][3]], [1.0, 0.5, 0.25])
        self.assertEqual(t[0][0], 1.0, "rotation and scale are unit-free")

    def test_y_up_becomes_z_up(self):
        y = dict(SCENE, up="Y", units="m")
        m = frames.mesh_matrix(y)
        # (0, 1, 0) up in the file is (0, 0, 1) in Blender.
        up = [sum(m[r][c] * v for c, v in enumerate((0, 1, 0, 1))) for r in range(3)]
        self.assertEqual(up, [0, 0, 1])
        t = frames.object_matrix(y, [1, 0, 0, 0, 0, 1, 0, 10, 0, 0, 1, 0, 0, 0, 0, 1])
        self.assertEqual([t[0][3], t[1][3], t[2][3]], [0, 0, 10])

    def test_unknown_units_and_bad_transform_are_named(self):
        with self.assertRaisesRegex(frames.FrameError, "unknown units 'furlong'"):
            frames.mesh_matrix(dict(SCENE, units="furlong"))
        with self.assertRaisesRegex(frames.FrameError, "transform has 3 numbers, expected 16"):
            frames.object_matrix(SCENE, [1, 2, 3])

    def test_equal_colours_share_a_key_and_names_show_the_colour(self):
        a = {"name": "red", "color": [1, 0, 0, 1]}
        b = {"name": "other red", "color": [1.00001, 0, 0], "metallic": 0, "roughness": 0.5}
        self.assertEqual(frames.material_key(a), frames.material_key(b))
        self.assertEqual(frames.material_name({"name": "glass", "color": [0, 0, 1, 0.25]}), "glass #0000FF a0.25")


if __name__ == "__main__":
    unittest.main()
