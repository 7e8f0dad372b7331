"""An object that cannot be meshed: left out, named in one Report-view line, and the others sent. The Controller over
the fakes of test_controller."""
import unittest

from test_controller import ControllerTestCase


class UnmeshableTest(ControllerTestCase):
    def test_one_object_that_cannot_be_meshed_is_named_in_one_line_and_the_others_go(self):
        self.docs.unmeshable["Cylinder"] = "its faces have no triangles after tessellation"
        out, err = self.said(self.c.export)
        self.assertEqual(err, "Live Link: skipped 1 object that could not be meshed: Cylinder (Cylinder): its faces "
                              "have no triangles after tessellation\n")
        job = self.sender.jobs[-1]
        self.assertEqual(sorted(n["id"] for n in job.scene["nodes"]), ["Body", "Box", "Link", "Link:Body", "Part"])
        self.assertEqual(job.objects, 3)
        self.assertEqual(len(job.meshes), 2)
        del self.docs.unmeshable["Cylinder"]
        self.said(self.c.export)
        self.assertEqual(self.docs.meshed, ["Box", "Cylinder", "Body", "Cylinder"], "a failure is not cached")

    def test_several_in_the_same_line_and_their_links_and_empty_parents_go_with_them(self):
        self.docs.unmeshable.update(Body="Part.OCCError: BRep_API: command not done", Box="no faces")
        out, err = self.said(self.c.export)
        self.assertEqual(err, "Live Link: skipped 2 objects that could not be meshed: Box (Box): no faces; "
                              "Body (Body): Part.OCCError: BRep_API: command not done\n")
        self.assertEqual([n["id"] for n in self.sender.jobs[-1].scene["nodes"]], ["Cylinder"])

    def test_nothing_left_to_send(self):
        self.docs.unmeshable.update(Body="a", Box="b", Cylinder="c")
        out, err = self.said(self.c.export)
        self.assertEqual(err.splitlines()[1], "Live Link: Nothing to send: Demo has no visible objects with a shape.")
        self.assertEqual((self.sender.jobs, self.c.in_flight), ([], 0))


if __name__ == "__main__":
    unittest.main()
