"""Host-free logic of the FreeCAD Mod: colours, the scene it sends, the mesh cache. No FreeCAD needed."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "LiveLink"))
from livelink_freecad import colors  # noqa: E402
from livelink_freecad.scene import Item, MeshCache, build_scene, describe_targets, safe_id  # noqa: E402

IDENTITY = (1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1)


class ColorsTest(unittest.TestCase):
    def test_srgb_is_decoded_to_linear(self):
        self.assertEqual(colors.srgb_to_linear(1.0), 1.0)
        self.assertEqual(colors.srgb_to_linear(0.0), 0.0)
        self.assertAlmostEqual(colors.srgb_to_linear(0.8), 0.6038, places=4)
        self.assertAlmostEqual(colors.srgb_to_linear(0.5), 0.2140, places=4)

    def test_one_colour_object_with_transparency(self):
        mats, slots = colors.object_materials("Box", (1.0, 0.0, 0.0, 0.0), 40, None, 6)
        self.assertIsNone(slots)
        self.assertEqual(mats[0]["color"], [1.0, 0.0, 0.0, 0.6])

    def test_per_face_colours_share_materials_by_colour(self):
        faces = [(1, 0, 0, 0)] * 5 + [(0, 1, 0, 0)]
        mats, slots = colors.object_materials("Box", (1, 0, 0, 0), 0, faces, 6)
        self.assertEqual([m["color"] for m in mats], [[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
        self.assertEqual(slots, [0, 0, 0, 0, 0, 1])

    def test_diffuse_colours_of_the_wrong_length_fall_back_to_the_shape_colour(self):
        mats, slots = colors.object_materials("Box", (0, 0, 1, 0), 0, [(1, 0, 0, 0)] * 3, 6)
        self.assertIsNone(slots)
        self.assertEqual(mats[0]["color"], [0.0, 0.0, 1.0, 1.0])


class SceneTest(unittest.TestCase):
    def test_scene_in_millimetres_z_up_with_instances_and_parents(self):
        items = [Item("Part", "Part", None, IDENTITY),
                 Item("Body", "Body", "Part", IDENTITY, "Body", ({"name": "m", "color": [1, 1, 1, 1]},)),
                 Item("Link:Body", "Body (Link)", "Link", IDENTITY, "Body"),
                 Item("Orphan", "Orphan", "NotSent", IDENTITY, "Orphan")]
        s = build_scene("Demo", "Demo doc", "FreeCAD 0.20.2", items, {"Body": "a" * 64, "Orphan": "b" * 64})
        self.assertEqual((s["units"], s["up"]), ("mm", "Z"))
        nodes = {n["id"]: n for n in s["nodes"]}
        self.assertEqual(nodes["Body"]["mesh"], nodes["Link:Body"]["mesh"])
        self.assertEqual(nodes["Body"]["parent"], "Part")
        self.assertIsNone(nodes["Orphan"]["parent"], "a parent that is not sent is dropped, not dangling")
        self.assertIsNone(nodes["Part"]["mesh"])

    def test_cache_holds_until_invalidated_per_object_or_document(self):
        c = MeshCache()
        c.put("Doc", "Box", 0.5, "h1", b"blob")
        c.put("Doc", "Cyl", 0.5, "h2", b"blob2")
        c.put("Other", "Box", 0.5, "h3", b"blob3")
        self.assertEqual(c.get("Doc", "Box", 0.5), ("h1", b"blob"))
        self.assertIsNone(c.get("Doc", "Box", 0.2), "another tolerance is another mesh")
        c.invalidate("Doc", "Box")
        self.assertIsNone(c.get("Doc", "Box", 0.5))
        self.assertEqual(c.get("Doc", "Cyl", 0.5), ("h2", b"blob2"))
        c.invalidate("Doc")
        self.assertIsNone(c.get("Doc", "Cyl", 0.5))
        self.assertEqual(c.get("Other", "Box", 0.5), ("h3", b"blob3"), "other documents keep theirs")

    def test_ids_and_ack_lines(self):
        self.assertEqual(safe_id("Box 1/ä"), "Box_1__")
        lines = describe_targets([
            {"app": "Blender", "appVersion": "3.4.1", "document": "a.blend", "status": "ok",
             "timings": {"total_ms": 12.4}},
            {"app": "Blender", "appVersion": "4.2.0", "document": "b.blend", "status": "failed",
             "reason": "out of memory"}])
        self.assertEqual(lines, ["Blender 3.4.1 (a.blend): applied in 12 ms",
                                 "Blender 4.2.0 (b.blend): FAILED: out of memory"])


if __name__ == "__main__":
    unittest.main()
