"""What a received version does to a FreeCAD document, in plain Python: receive/plan.py over receive/apply.py, with
fake documents shaped like FreeCAD's (fakes.FcDoc) in place of FreeCAD."""
import json
import math
import unittest

import fakes
from receiving import BLUE, GREY, RED, SCENE, cube_blob, decoded, delta, node, sha, trs
from livelink_freecad.receive import apply, meshes, plan

CUBE, TWO = cube_blob(2.0), cube_blob(1.0, two_materials=True)
C, T = sha(CUBE), sha(TWO)


def rounded(m, places=6):
    return [round(x, places) + 0.0 for x in m]


class DecomposeTest(unittest.TestCase):
    def test_rotation_and_translation_go_to_the_placement_and_scale_to_the_mesh(self):
        rigid, residual = plan.decompose(plan.to_mm(SCENE, trs((1, 2, 3), math.pi / 2, (1, 2, 0.5))))
        self.assertEqual(rounded(rigid), rounded(trs((1000, 2000, 3000), math.pi / 2)))
        self.assertEqual(rounded(residual), [1, 0, 0, 0, 2, 0, 0, 0, 0.5])

    def test_a_mirror_stays_in_the_mesh_and_the_rotation_stays_proper(self):
        rigid, residual = plan.decompose(trs(s=(1, 1, -1)))
        self.assertEqual(rounded(rigid), rounded(trs()))
        self.assertEqual(rounded(residual), [1, 0, 0, 0, 1, 0, 0, 0, -1])

    def test_an_object_scaled_to_zero_keeps_its_translation(self):
        rigid, residual = plan.decompose(trs((5, 0, 0), s=(0, 1, 1)))
        self.assertEqual(rigid[3], 5)
        self.assertEqual(rounded(residual), [0, 0, 0, 0, 1, 0, 0, 0, 1])

    def test_a_scaled_empty_passes_its_scale_to_its_members(self):
        nodes = {"rig": node("rig", transform=trs((0, 0, 1), s=(2, 2, 2))),
                 "arm": node("arm", C, "rig", trs((1, 0, 0)))}
        lay = plan.layout(SCENE, nodes)
        self.assertEqual(rounded(lay["rig"].placement), rounded(trs((0, 0, 1000))))
        self.assertEqual((lay["arm"].container, rounded(lay["arm"].placement)), ("rig", rounded(trs((2000, 0, 0)))))
        self.assertEqual(rounded(lay["arm"].residual), [2, 0, 0, 0, 2, 0, 0, 0, 2])

    def test_a_node_under_a_mesh_goes_in_the_meshs_part_with_both_transforms(self):
        nodes = {"body": node("body", C, None, trs((1, 0, 0))), "wheel": node("wheel", C, "body", trs((0, 1, 0)))}
        lay = plan.layout(SCENE, nodes)
        self.assertEqual((lay["wheel"].container, rounded(lay["wheel"].placement)), (None, rounded(trs((1000, 1000,
                                                                                                          0)))))


class ApplyTestCase(unittest.TestCase):
    def setUp(self):
        self.fc = fakes.FakeFreeCAD().install(self)
        self.host = apply.FreeCADReceiveHost(as_solid=lambda: False)

    def receive(self, d, *blobs, holder=None):
        holder = holder or self.host.holder(d["scene"]["id"])
        return self.host.apply(d, decoded(*blobs), holder)

    def objects(self, doc):
        return {o.Label: o for o in doc.Objects}

    def first_version(self):
        """The e2e scene: a scaled, turned box; a two-material cube; an empty with two instances of one mesh."""
        return delta([node("box", C, None, trs((1, 2, 3), math.pi / 2, (1, 2, 0.5)), [GREY], "Box"),
                      node("two", T, None, trs((5, 0, 0)), [RED, BLUE], "TwoTone"),
                      node("rig", None, None, trs((0, 0, 1), 0.5), name="Rig"),
                      node("arm", C, "rig", trs((1, 0, 0)), [RED], "Arm"),
                      node("leg", C, "rig", trs((0, 1, 0)), [RED], "Leg")])


class CreateTest(ApplyTestCase):
    def test_a_new_scene_arrives_in_a_part_named_after_the_senders_file_in_a_new_document(self):
        applied = self.receive(self.first_version(), CUBE, TWO)
        doc = applied.doc
        self.assertEqual((doc.Name, doc.Label, applied.touched, applied.skipped), ("untitled", "untitled", 5, ()))
        self.assertEqual(doc.transactions, [("Live Link: untitled v1", True)], "one undo step")
        o = self.objects(doc)
        root = o["untitled"]
        self.assertEqual((root.TypeId, root.LiveLinkScene, root.LiveLinkId, root.LiveLinkVersion),
                         ("App::Part", SCENE["id"], "", 1))
        self.assertEqual([c.Label for c in root.Group], ["Box", "Rig", "TwoTone"])
        self.assertEqual([c.Label for c in o["Rig"].Group], ["Arm", "Leg"])
        self.assertEqual((root.group_calls, o["Rig"].group_calls), (1, 1), "new objects join their part at once")
        self.assertEqual(o["Rig"].TypeId, "App::Part", "an empty is an App::Part")
        box = o["Box"]
        self.assertEqual((box.TypeId, box.LiveLinkId, box.LiveLinkName, box.Name), ("Mesh::Feature", "box", "Box",
                                                                                    "Box"))
        self.assertEqual(box.editor, dict.fromkeys(["LiveLinkScene", "LiveLinkId", "LiveLinkName", "LiveLinkLabel",
                                                    "LiveLinkNode"], 1), "read-only in the property editor")
        self.assertEqual(rounded(box.Placement.m), rounded(trs((1000, 2000, 3000), math.pi / 2)), "millimetres")
        self.assertEqual(box.Mesh.size, (2000.0, 4000.0, 1000.0), "2 m cube scaled 1 x 2 x 0.5, in mm")
        self.assertEqual(json.loads(box.LiveLinkNode)["mesh"], C)
        self.assertEqual([o.touched for o in doc.Objects], [False] * len(doc.Objects), "nothing to recompute")

    def test_an_open_document_takes_the_scene(self):
        mine = self.fc.new_document("Mine", "Mine")
        mine.addObject("Part::Box", "Box")
        applied = self.receive(self.first_version(), CUBE, TWO)
        self.assertIs(applied.doc, mine)
        self.assertEqual(sorted(self.objects(mine)), ["Arm", "Box", "Box001", "Leg", "Rig", "TwoTone", "untitled"])

    def test_colours_per_object_and_per_face(self):
        o = self.objects(self.receive(self.first_version(), CUBE, TWO).doc)
        self.assertEqual(o["Arm"].ViewObject.ShapeColor, (1.0, 0.0, 0.0))
        self.assertEqual(o["Box"].ViewObject.ShapeColor, (0.50196, 0.50196, 0.50196), "linear 0.21586 is sRGB 128")
        two = o["TwoTone"]
        self.assertEqual(two.FaceColors, [0xFF000000] * 6 + [0x0000FF00] * 6, "red, then blue (0xRRGGBBAA)")
        self.assertEqual((two.ViewObject.ShapeColor, two.ViewObject.Transparency), ((1.0, 0.0, 0.0), 0),
                         "one transparency for the object: faces of different alphas are drawn opaque")
        self.assertEqual(two.ViewObject.toggles, [False, True], "Coloring turned on after the mesh was set")
        self.assertEqual(meshes.colors([BLUE]).transparency, 50)

    def test_instances_share_one_mesh_and_the_blob_is_read_once(self):
        o = self.objects(self.receive(self.first_version(), CUBE, TWO).doc)
        self.assertIs(o["Arm"].Mesh, o["Leg"].Mesh)
        self.assertIsNot(o["Arm"].Mesh, o["Box"].Mesh, "another scale: another mesh")

    def test_as_solid_makes_part_features(self):
        self.host = apply.FreeCADReceiveHost(as_solid=lambda: True)
        o = self.objects(self.receive(self.first_version(), CUBE, TWO).doc)
        self.assertEqual(o["Box"].TypeId, "Part::Feature")
        self.assertEqual(o["Box"].Shape[0], "solid")
        self.assertEqual(o["Box"].Shape[1].size, (2000.0, 4000.0, 1000.0))


class UpdateTest(ApplyTestCase):
    def setUp(self):
        super().setUp()
        self.doc = self.receive(self.first_version(), CUBE, TWO).doc
        self.o = self.objects(self.doc)

    def test_an_edit_replaces_mesh_and_placement_of_the_same_object(self):
        bigger = cube_blob(3.0)
        box = node("box", sha(bigger), None, trs((1, 2, 4), math.pi / 2, (1, 2, 0.5)), [GREY], "Box")
        applied = self.receive(delta([], 2, 1, changed=[(box, ["transform", "mesh"])]), bigger)
        self.assertEqual(applied.touched, 1)
        self.assertEqual(sorted(self.objects(self.doc)), sorted(self.o), "nothing duplicated")
        same = self.doc.getObject("Box")
        self.assertIs(same, self.o["Box"])
        self.assertEqual(same.Mesh.size, (3000.0, 6000.0, 1500.0))
        self.assertEqual(same.Placement.Base, (1000.0, 2000.0, 4000.0))
        self.assertEqual(self.o["untitled"].LiveLinkVersion, 2)
        self.assertEqual(self.doc.transactions[-1], ("Live Link: untitled v2", True))

    def test_a_scale_edit_without_a_new_blob_rescales_the_present_mesh(self):
        box = node("box", C, None, trs((1, 2, 3), math.pi / 2, (3, 2, 0.5)), [GREY], "Box")
        self.receive(delta([], 2, 1, changed=[(box, ["transform"])]))
        self.assertEqual(self.o["Box"].Mesh.size, (6000.0, 4000.0, 1000.0))

    def test_a_rename_in_blender_relabels_the_same_object_and_a_removed_node_is_removed(self):
        crate = node("box", C, None, trs((1, 2, 3), math.pi / 2, (1, 2, 0.5)), [GREY], "Crate")
        self.receive(delta([], 2, 1, changed=[(crate, ["name"])], removed=["leg"]))
        o = self.objects(self.doc)
        self.assertIs(o["Crate"], self.o["Box"])
        self.assertNotIn("Leg", o)
        self.assertEqual([c.Label for c in o["Rig"].Group], ["Arm"])

    def test_what_the_user_did_stays(self):
        root, box, arm = self.o["untitled"], self.o["Box"], self.o["Arm"]
        root.Placement = fakes.Placement16(trs((0, 0, 500)))  # moved the whole scene
        box.Label = "My box"
        mine = self.doc.addObject("App::Part", "Mine")  # and the arm into an App::Part of their own
        arm.parent.removeObject(arm)
        mine.addObject(arm)
        renamed = node("box", C, None, trs((1, 2, 3), math.pi / 2, (1, 2, 0.5)), [GREY], "Crate")
        moved_arm = node("arm", C, None, trs((2, 0, 0)), [RED], "Arm")  # Blender unparented it
        self.receive(delta([], 2, 1, changed=[(renamed, ["name"]), (moved_arm, ["parent", "transform"])]))
        self.assertEqual(root.Placement.Base, (0.0, 0.0, 500.0))
        self.assertEqual(box.Label, "My box")
        self.assertIs(arm.getParentGeoFeatureGroup(), mine)
        self.assertEqual(arm.Placement.Base, (2000.0, 0.0, 0.0), "the link still places it")
        self.receive(delta([node("box", C, None, trs((1, 2, 3), math.pi / 2, (1, 2, 0.5)), [GREY], "Box")], 3, 0,
                           full=True))
        self.assertEqual(box.Label, "My box", "a full version keeps it too")

    def test_a_full_version_applied_again_duplicates_nothing(self):
        again = self.first_version()
        again["to"] = 2
        applied = self.receive(again, CUBE, TWO)
        self.assertEqual(applied.touched, 0)
        self.assertEqual(sorted(self.objects(self.doc)), sorted(self.o))

    def test_an_object_the_user_deleted_comes_back_only_when_the_scene_sends_it(self):
        self.doc.removeObject("TwoTone")
        self.receive(delta([], 2, 1, changed=[(node("box", C, None, trs((1, 2, 3)), [GREY], "Box"),
                                               ["transform"])]))
        self.assertNotIn("TwoTone", self.objects(self.doc))
        self.receive(delta([node("two", T, None, trs((5, 0, 0)), [RED, BLUE], "TwoTone")], 3, 0, full=True), TWO)
        self.assertIn("TwoTone", self.objects(self.doc))

    def test_a_deleted_app_part_is_made_again_and_takes_back_what_was_left_of_the_scene(self):
        self.doc.removeObject("untitled")  # its members go to the top of the document, as in FreeCAD
        self.assertIsNone(self.host.holder(SCENE["id"]))
        again = self.first_version()
        again["to"] = 2
        self.receive(again, CUBE, TWO, holder=None)
        o = self.objects(self.doc)
        self.assertEqual(sorted(o), sorted(self.o), "nothing duplicated")
        self.assertIsNot(o["untitled"], self.o["untitled"])
        self.assertEqual(sorted(c.Label for c in o["untitled"].Group), ["Box", "Rig", "TwoTone"])
        self.assertIs(o["Box"], self.o["Box"])

    def test_a_users_copy_is_the_users(self):
        copy = self.doc.addObject("Mesh::Feature", "Box")  # Ctrl+C / Ctrl+V copies the properties
        for p in ("LiveLinkScene", "LiveLinkId", "LiveLinkName", "LiveLinkLabel", "LiveLinkNode"):
            copy.addProperty("App::PropertyString", p)
            setattr(copy, p, getattr(self.o["Box"], p))
        self.receive(delta([], 2, 1, removed=["box"]))
        self.assertEqual(sorted(o.Name for o in self.doc.Objects if o.TypeId == "Mesh::Feature"),
                         ["Arm", "Box001", "Leg", "TwoTone"], "the link's Box went, the copy stayed")

    def test_a_mesh_that_cannot_be_made_is_skipped_and_the_rest_arrives(self):
        bad = cube_blob(1.0, nan=True)
        new_box = node("box", sha(bad), None, trs(), [GREY], "Box")
        applied = self.receive(delta([node("new", C, None, trs((9, 0, 0)), [RED], "New")], 2, 1,
                                     changed=[(new_box, ["mesh"])]), bad, CUBE)
        self.assertEqual(applied.skipped, (("Box", "box", "its coordinates are not all finite numbers (NaN or "
                                                          "infinity)"),))
        self.assertEqual(applied.touched, 1)
        self.assertIn("New", self.objects(self.doc))
        self.assertEqual(self.o["Box"].Mesh.size, (2000.0, 4000.0, 1000.0), "the box keeps what it had")

    def test_a_version_that_fails_is_undone(self):
        self.doc.fail_on = "App::Part"
        with self.assertRaisesRegex(apply.ApplyError, "RuntimeError: cannot make a App::Part"):
            self.receive(delta([node("stand", None, None, trs(), name="Stand"),
                                node("cyl", C, "stand", trs(), [RED], "Cyl")], 2, 1), CUBE)
        self.assertEqual(self.doc.transactions[-1], ("Live Link: untitled v2", False))
        self.assertEqual(sorted(self.objects(self.doc)), sorted(self.o))
        self.assertEqual(self.o["untitled"].LiveLinkVersion, 1)


class BadMeshTest(unittest.TestCase):
    def test_each_problem_is_named(self):
        from receiving import empty_blob
        got = decoded(empty_blob(), cube_blob(nan=True), b"LLMB\x01\x00")
        self.assertEqual(sorted(str(g) for g in got.values()),
                         ["it has no faces", "its coordinates are not all finite numbers (NaN or infinity)",
                          "mesh blob is 6 bytes, shorter than its header"])


if __name__ == "__main__":
    unittest.main()
