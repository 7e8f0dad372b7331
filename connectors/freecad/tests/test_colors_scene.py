"""Host-free parts of livelink_freecad.scene: colours, the scene it sends, the mesh cache. No FreeCAD needed."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "LiveLink"))
from livelink_freecad.scene import colors  # noqa: E402
from livelink_freecad.scene.cache import MeshCache  # noqa: E402
from livelink_freecad.scene.model import Item, Mesh, MeshSource, build_scene, safe_id  # noqa: E402

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
        meshes = {"Body": Mesh.of(b"body"), "Orphan": Mesh.of(b"orphan")}
        s = build_scene("Demo", "Demo doc", "FreeCAD 0.20.2", items, meshes)
        self.assertEqual((s["units"], s["up"]), ("mm", "Z"))
        nodes = {n["id"]: n for n in s["nodes"]}
        self.assertEqual(nodes["Body"]["mesh"], meshes["Body"].hash)
        self.assertEqual(nodes["Body"]["mesh"], nodes["Link:Body"]["mesh"])
        self.assertEqual(nodes["Body"]["parent"], "Part")
        self.assertIsNone(nodes["Orphan"]["parent"], "a parent that is not sent is dropped, not dangling")
        self.assertIsNone(nodes["Part"]["mesh"])

    def test_mesh_address_is_the_sha256_of_its_bytes(self):
        self.assertEqual(Mesh.of(b"abc").hash, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")

    def test_cache_holds_until_invalidated_per_object_or_document(self):
        made = []

        def make(source, deviation):
            made.append((source.name, deviation))
            return Mesh.of(("%s@%s" % (source.name, deviation)).encode())

        c = MeshCache()
        box, cyl = MeshSource("Box", None), MeshSource("Cyl", None)
        first = c.mesh("Doc", box, 0.5, make)
        c.mesh("Doc", cyl, 0.5, make)
        c.mesh("Other", box, 0.5, make)
        self.assertIs(c.mesh("Doc", box, 0.5, make), first)
        self.assertEqual(len(made), 3, "a hit does not mesh again")
        c.mesh("Doc", box, 0.2, make)
        self.assertEqual(made[-1], ("Box", 0.2), "another deviation is another mesh")
        c.mesh("Doc", MeshSource("Box", None, (0, 0, 1)), 0.2, make)
        self.assertEqual(len(made), 5, "other per-face colours are another material index, so another mesh")
        c.invalidate("Doc", "Box")
        c.mesh("Doc", cyl, 0.5, make)
        self.assertEqual(len(made), 5, "invalidating the box keeps the cylinder")
        c.invalidate("Doc")
        self.assertEqual(len(c), 1, "other documents keep theirs")
        c.mesh("Doc", cyl, 0.5, make)
        self.assertEqual(made[-1], ("Cyl", 0.5))

    def test_ids(self):
        self.assertEqual(safe_id("Box 1/ä"), "Box_1__")


if __name__ == "__main__":
    unittest.main()
