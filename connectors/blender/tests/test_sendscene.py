"""The sender's pure parts: the scene id of a .blend, which of two objects with one id is the copy, and the nodes
built from collected objects and from what was sent before."""
import math
import unittest

import hostfree  # noqa: F401 - makes livelink_blender importable without bpy
from livelink_blender.logic.sendscene import (IDENTITY, Carrier, Collected, Instance, Present, Sent, build, copies,
                                              inverse, mul, node_id, relative, resolve, scene_identity)


def trs(t=(0.0, 0.0, 0.0), angle_z=0.0, s=(1.0, 1.0, 1.0)):
    c, n = math.cos(angle_z), math.sin(angle_z)
    return (c * s[0], -n * s[1], 0.0, t[0], n * s[0], c * s[1], 0.0, t[1], 0.0, 0.0, s[2], t[2], 0.0, 0.0, 0.0, 1.0)


def close(test, a, b):
    test.assertEqual(len(a), len(b))
    for x, y in zip(a, b):
        test.assertAlmostEqual(x, y, places=6)


class IdentityTest(unittest.TestCase):
    def test_saved_file_sends_under_its_name_and_unsaved_keeps_its_random_id(self):
        self.assertEqual(scene_identity("", "", "Gear box.blend", "t1"), ("blender:Gear_box", "Gear box.blend"))
        self.assertEqual(scene_identity("", "", "", "t1"), ("blender:untitled-t1", ""))
        self.assertEqual(scene_identity("blender:untitled-t1", "", "", "t2"), ("blender:untitled-t1", ""))

    def test_an_unsaved_id_survives_the_first_save_and_save_as_makes_another_scene(self):
        self.assertEqual(scene_identity("blender:untitled-t1", "", "a.blend", "t2"), ("blender:untitled-t1", "a.blend"))
        self.assertEqual(scene_identity("blender:untitled-t1", "a.blend", "a.blend", "t2")[0], "blender:untitled-t1")
        self.assertEqual(scene_identity("blender:untitled-t1", "a.blend", "b.blend", "t2"), ("blender:b", "b.blend"))

    def test_node_ids_are_readable_and_safe(self):
        self.assertEqual(node_id("Cube.001", "ab12"), "Cube.001-ab12")
        self.assertEqual(node_id("Pièce: 1", "ab12"), "Pi_ce_1-ab12")
        self.assertEqual(node_id("", "ab12"), "object-ab12")


class CopiesTest(unittest.TestCase):
    def test_the_object_this_session_saw_keeps_the_id(self):
        got = copies([Carrier("Cube", "c-1", 10), Carrier("Cube.001", "c-1", 11)], {"c-1": 11}, {})
        self.assertEqual(got, ["Cube"], "the renamed original is known by its uid; the other is the copy")

    def test_without_a_session_record_the_name_last_sent_decides_then_the_shortest_name(self):
        carriers = [Carrier("Crate.001", "c-1", 1), Carrier("Crate", "c-1", 2), Carrier("Arm", "a-1", 3)]
        self.assertEqual(copies(carriers, {}, {"c-1": "Crate.001"}), ["Crate"])
        self.assertEqual(copies(carriers, {}, {}), ["Crate.001"])
        self.assertEqual(copies(carriers + [Carrier("Crate.002", "c-1", 4)], {"c-1": 2}, {}),
                         ["Crate.001", "Crate.002"])

    def test_single_carriers_are_left_alone(self):
        self.assertEqual(copies([Carrier("A", "a", 1), Carrier("B", "b", 2)], {"a": 9}, {"b": "X"}), [])


class MatrixTest(unittest.TestCase):
    def test_inverse_of_rotation_scale_translation(self):
        m = trs((1, 2, 3), 0.7, (1, 2, 0.5))
        close(self, mul(inverse(m), m), IDENTITY)
        self.assertIsNone(inverse(trs(s=(1, 0, 1))))

    def test_relative_puts_a_child_in_its_parents_frame(self):
        parent, child = trs((0, 0, 1), math.pi / 2), trs((1, 1, 1))
        local = relative(parent, child)
        close(self, mul(parent, local), child)
        close(self, local[3:12:4], (1.0, -1.0, 0.0))


class BuildTest(unittest.TestCase):
    def test_a_parent_that_is_not_sent_leaves_the_child_at_the_top_with_its_world_transform(self):
        world = trs((0, 0, 6))
        present = {"o": Present("o", "Orphan", ancestors=())}  # its parent "Stand" carries no send id
        nodes, _ = build(present, {"o": Collected("o", world, "k1")}, {})
        self.assertEqual(nodes[0]["parent"], None)
        close(self, nodes[0]["transform"], world)

    def test_children_of_a_sent_ancestor_are_relative_to_the_nearest_one_and_come_after_it(self):
        rig, arm = trs((0, 0, 1), 0.5), trs((1, 0, 0))
        present = {"arm": Present("arm", "Arm", ("rig", "top")), "rig": Present("rig", "Rig", ("top",))}
        nodes, _ = build(present, {"arm": Collected("arm", arm, "k"), "rig": Collected("rig", rig)}, {})
        self.assertEqual([n["id"] for n in nodes], ["rig", "arm"])
        self.assertEqual(nodes[1]["parent"], "rig")
        close(self, mul(rig, nodes[1]["transform"]), arm)
        self.assertIsNone(nodes[0]["mesh"])

    def test_instances_are_nodes_under_their_instancer_sharing_one_mesh(self):
        inst = [Instance("0.1", "Sphere", trs((0, 10, 3)), "i1"), Instance("0.2", "Sphere", trs((0, 12, 3)), "i1")]
        present = {"e": Present("e", "Inst")}
        nodes, families = build(present, {"e": Collected("e", trs((0, 10, 0)), instances=tuple(inst))}, {})
        self.assertEqual([(n["id"], n["parent"], n["mesh"]) for n in nodes],
                         [("e", None, None), ("e:0.1", "e", "i1"), ("e:0.2", "e", "i1")])
        close(self, nodes[2]["transform"], trs((0, 2, 3)))
        self.assertEqual(len(families["e"].nodes), 3)

    def test_objects_not_read_again_go_as_last_sent_renamed_if_renamed(self):
        old = {"id": "a", "name": "A", "parent": None, "transform": list(trs((5, 0, 0))), "mesh": "h" * 64,
               "materials": [{"name": "red", "color": [1, 0, 0, 1]}], "visible": True}
        cache = {"a": Sent(trs((5, 0, 0)), (old, dict(old, id="a:0", parent="a")))}
        present = {"a": Present("a", "A2"), "b": Present("b", "B")}
        nodes, families = build(present, {"b": Collected("b", trs(), "kb")}, cache)
        by_id = {n["id"]: n for n in nodes}
        self.assertEqual(by_id["a"], dict(old, name="A2"))
        self.assertEqual(by_id["a:0"]["parent"], "a", "its instances stay with it")
        self.assertEqual(sorted(families), ["a", "b"])

    def test_a_kept_object_whose_sent_parent_changed_is_re_expressed_from_its_sent_world_transform(self):
        child_world = trs((2, 0, 0))
        old = {"id": "c", "name": "C", "parent": None, "transform": list(child_world), "mesh": None,
               "materials": [], "visible": True}
        cache = {"c": Sent(child_world, (old,))}
        parent_world = trs((1, 0, 0), math.pi / 2)
        present = {"c": Present("c", "C", ("p",)), "p": Present("p", "P")}
        nodes, _ = build(present, {"p": Collected("p", parent_world)}, cache)
        child = nodes[1]
        self.assertEqual(child["parent"], "p")
        close(self, mul(parent_world, child["transform"]), child_world)
        # ... and back to the top when that parent goes.
        _, families = build({"c": Present("c", "C", ("p",))}, {}, {"c": Sent(child_world, (child,))})
        self.assertEqual(families["c"].nodes[0]["parent"], None)
        close(self, families["c"].nodes[0]["transform"], child_world)

    def test_a_parent_scaled_to_zero_leaves_its_child_at_the_top(self):
        present = {"c": Present("c", "C", ("p",)), "p": Present("p", "P")}
        nodes, _ = build(present, {"p": Collected("p", trs(s=(0, 0, 0))), "c": Collected("c", trs((1, 2, 3)))}, {})
        self.assertEqual(nodes[-1]["parent"], None)

    def test_resolve_swaps_mesh_keys_for_hashes_and_keeps_known_hashes(self):
        fam = {"a": Sent(IDENTITY, ({"id": "a", "mesh": "k1"}, {"id": "a:0", "mesh": "f" * 64}))}
        got = resolve(fam, {"k1": "e" * 64})
        self.assertEqual([n["mesh"] for n in got["a"].nodes], ["e" * 64, "f" * 64])


if __name__ == "__main__":
    unittest.main()
