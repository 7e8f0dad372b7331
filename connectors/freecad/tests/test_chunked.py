"""An export in turns of FreeCAD's event loop (Controller.export with ui.later): a large first send is collected
and meshed a chunk per turn, an edit made between two turns is not lost, exports asked for meanwhile follow in
order, and a document closed meanwhile sends nothing."""
import unittest

from fakes import Doc, Placement
from livelink_freecad.controller import Controller
from livelink_freecad.scene.incremental import CHUNK
from test_incremental import Documents, Sender, find


class Clock:
    """perf_counter() stand-in: 5 ms pass between two readings."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        self.now += 0.005
        return self.now


class LoopUi:
    """The Qt side: later(fn) queues fn for a turn that the test runs."""

    def __init__(self):
        self.queued = []

    def later(self, fn):
        self.queued.append(fn)

    def restart_debounce(self):
        pass

    def turn(self):
        self.queued.pop(0)()


def many_boxes(n):
    doc = Doc("Many")
    part = doc.part("Part")
    for i in range(n):
        doc.add("Part::Box", "Box%d" % i, part, faces=6, placement=Placement(i, 0, 0))
    return doc


class ChunkedExportTest(unittest.TestCase):
    def setUp(self):
        self.doc = many_boxes(3 * CHUNK)
        self.docs = Documents(self.doc)
        self.docs.open = True
        self.docs.is_open = lambda doc: self.docs.open
        self.sender = Sender()
        self.ui = LoopUi()
        self.c = Controller(self.docs, lambda label, receive: self.sender, self.ui, clock=Clock())
        self.c.watch(True)

    def run_turns(self):
        turns = 0
        while self.ui.queued:
            self.ui.turn()
            turns += 1
        return turns

    def nodes(self, job):
        return {n["id"]: n for n in job.scene["nodes"]}

    def test_a_first_send_takes_several_turns_and_sends_every_object_once(self):
        self.assertIsNone(self.c.export())
        self.assertEqual(self.sender.jobs, [], "the first turn does not do it all")
        self.assertGreater(self.run_turns(), 2)
        (job,) = self.sender.jobs
        self.assertEqual(len(self.nodes(job)), 3 * CHUNK + 1)
        self.assertEqual(len(job.meshes), 3 * CHUNK)

    def test_an_edit_between_two_turns_is_sent_now_or_next_time_and_a_deleted_object_not_at_all(self):
        self.c.export()
        first, last = find(self.doc, "Box0"), find(self.doc, "Box%d" % (3 * CHUNK - 1))
        first.Label = "Edited"
        self.c.observer.slotChangedObject(first, "Label")  # collected in the first turn already
        self.doc.Objects.remove(last)
        part = find(self.doc, "Part")
        part.Group.remove(last)
        self.c.observer.slotChangedObject(part, "Group")
        self.c.observer.slotDeletedObject(last)  # not collected yet
        self.run_turns()
        nodes = self.nodes(self.sender.jobs[0])
        self.assertFalse(last.Name in nodes, "the deleted box is left out")
        self.c.export()
        self.run_turns()
        self.assertEqual(self.nodes(self.sender.jobs[1])["Box0"]["name"], "Edited")
        self.assertFalse(self.docs.tracker.last[0], "what changed collected again, not everything")

    def test_exports_asked_for_meanwhile_follow_in_order(self):
        self.c.export()
        self.c.export(targets=["blender-2"])
        self.run_turns()
        self.assertEqual([j.targets for j in self.sender.jobs], [(), ("blender-2",)])

    def test_a_document_closed_between_two_turns_sends_nothing(self):
        self.c.export()
        self.docs.open = False
        self.run_turns()
        self.assertEqual(self.sender.jobs, [])
        self.docs.open = True
        self.c.observer.slotDeletedDocument(self.doc)
        self.c.export()
        self.run_turns()
        self.assertEqual(len(self.sender.jobs), 1)
        self.assertTrue(self.docs.tracker.last[0], "collected whole again")


if __name__ == "__main__":
    unittest.main()
