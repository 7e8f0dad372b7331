"""Host-free parts of livelink_freecad.scene: colours, the scene it sends, the mesh cache. No FreeCAD needed."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "LiveLink"))
from fakes import Material, View  # noqa: E402
from livelink_freecad.scene import colors  # noqa: E402
from livelink_freecad.scene.cache import MeshCache  # noqa: E402
from livelink_freecad.scene.model import Item, Mesh, MeshSource, build_scene, safe_id, with_geometry  # noqa: E402

IDENTITY = (1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1)


class ColorsTest(unittest.TestCase):
    def test_srgb_is_decoded_to_linear(self):
        self.assertEqual(colors.srgb_to_linear(1.0), 1.0)
        self.assertEqual(colors.srgb_to_linear(0.0), 0.0)
        self.assertAlmostEqual(colors.srgb_to_linear(0.8), 0.6038, places=4)
        self.assertAlmostEqual(colors.srgb_to_linear(0.5), 0.2140, places=4)

    def materials(self, view, faces=6):
        mats, slots = colors.object_materials("Box", *colors.view_colors(view), faces)
        return [m["color"] for m in mats], slots

    def test_0_20_transparency_is_a_percentage_and_diffuse_alpha_is_transparency(self):
        self.assertEqual(self.materials(View(ShapeColor=(1.0, 0.0, 0.0, 0.0), Transparency=40,
                                             DiffuseColor=[(1.0, 0.0, 0.0, 0.4)])), ([[1.0, 0.0, 0.0, 0.6]], None))
        faces = [(1.0, 0.0, 0.0, 0.0)] * 5 + [(0.0, 1.0, 0.0, 0.5)]
        self.assertEqual(self.materials(View(ShapeColor=(1.0, 0.0, 0.0, 0.0), Transparency=0, DiffuseColor=faces)),
                         ([[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 0.5]], [0, 0, 0, 0, 0, 1]),
                         "per face, faces of one colour sharing a material")

    def test_0_20_diffuse_colours_of_the_wrong_length_fall_back_to_the_shape_colour(self):
        view = View(ShapeColor=(0.0, 0.0, 1.0, 0.0), Transparency=0, DiffuseColor=[(1.0, 0.0, 0.0, 0.0)] * 3)
        self.assertEqual(self.materials(view), ([[0.0, 0.0, 1.0, 1.0]], None))

    def test_1_0_reads_shape_appearance_and_ignores_the_4th_values(self):
        # As FreeCAD 1.0.0 showed them: a red box, then Transparency = 50 (the material's DiffuseColor keeps 0)...
        half = View(ShapeColor=(1.0, 0.0, 0.0, 0.0), Transparency=50, DiffuseColor=[(1.0, 0.0, 0.0, 0.5)],
                    ShapeAppearance=[Material((1.0, 0.0, 0.0, 0.0), 0.5)])
        self.assertEqual(self.materials(half), ([[1.0, 0.0, 0.0, 0.5]], None))
        # ...and a per-face DiffuseColor set with 4th values 0: ShapeColor's and the materials' 4th become 1.
        faces = [Material((1.0, 0.0, 0.0, 1.0), 0.0)] * 5 + [Material((0.0, 1.0, 0.0, 1.0), 0.0)]
        opaque = View(ShapeColor=(1.0, 0.0, 0.0, 1.0), Transparency=0, DiffuseColor=[(1.0, 0.0, 0.0, 0.0)] * 6,
                      ShapeAppearance=faces)
        self.assertEqual(self.materials(opaque), ([[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 1.0]], [0, 0, 0, 0, 0, 1]))
        self.assertEqual(self.materials(opaque, faces=8), ([[1.0, 0.0, 0.0, 1.0]], None),
                         "one material per face only when there are as many as faces")

    def test_1_1_opacity_in_the_4th_values_changes_nothing(self):
        # 1.0.2 and 1.1 made DiffuseColor's 4th value opacity: an opaque box has 1.0 there, which 0.20's rule would
        # read as fully transparent.
        opaque = View(ShapeColor=(0.0, 0.0, 1.0, 1.0), Transparency=0, DiffuseColor=[(0.0, 0.0, 1.0, 1.0)],
                      ShapeAppearance=[Material((0.0, 0.0, 1.0, 1.0), 0.0)])
        self.assertEqual(self.materials(opaque), ([[0.0, 0.0, 1.0, 1.0]], None))
        glass = View(ShapeColor=(0.0, 0.0, 1.0, 0.25), Transparency=75, DiffuseColor=[(0.0, 0.0, 1.0, 0.25)],
                     ShapeAppearance=[Material((0.0, 0.0, 1.0, 0.25), 0.75)])
        self.assertEqual(self.materials(glass), ([[0.0, 0.0, 1.0, 0.25]], None))

    def test_no_view_object_is_freecads_default_grey(self):
        self.assertEqual(self.materials(None), ([[0.60383, 0.60383, 0.60383, 1.0]], None))


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

    def test_with_geometry_keeps_meshes_and_their_ancestors(self):
        items = [Item("Asm", "Assembly", None, IDENTITY), Item("Joints", "Joints", "Asm", IDENTITY),
                 Item("Part", "Part", "Asm", IDENTITY), Item("Body", "Body", "Part", IDENTITY, "Body"),
                 Item("Empty", "Empty part", None, IDENTITY), Item("Link", "Link", None, IDENTITY),
                 Item("Link:Bad", "Bad (Link)", "Link", IDENTITY, "Bad")]
        self.assertEqual([i.id for i in with_geometry(items)], ["Asm", "Part", "Body", "Link", "Link:Bad"])
        self.assertEqual([i.id for i in with_geometry(items, unmeshed={"Bad"})], ["Asm", "Part", "Body"],
                         "a link whose only mesh failed goes too")

    def test_an_objects_change_drops_the_meshes_other_documents_hold_of_it(self):
        def make(source, deviation):
            return Mesh.of(source.name.encode())

        c = MeshCache()
        c.mesh("Assembly", MeshSource("Parts#Box", None), 0, make)
        c.mesh("Assembly", MeshSource("Box", None), 0, make)
        c.mesh("Parts", MeshSource("Box", None), 0, make)
        c.invalidate("Parts", "Box")
        self.assertEqual(len(c), 1, "the Assembly's own Box stays")
        c.mesh("Assembly", MeshSource("Parts#Box", None), 0, make)
        c.invalidate("Parts")
        self.assertEqual(len(c), 1, "a closed document's objects go from every document")

    def test_ids(self):
        self.assertEqual(safe_id("Box 1/ä"), "Box_1__")


if __name__ == "__main__":
    unittest.main()
