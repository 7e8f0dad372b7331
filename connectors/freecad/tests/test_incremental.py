"""Collecting only what changed (scene/incremental.py): after each event the document observer would pass on, the
kept collect equals a full collect of the document, only the objects it had to redo were collected again, and every
other object keeps its Item objects (and, through the Controller, its node dicts)."""
import unittest

from fakes import Doc, Placement, View
from livelink_freecad.controller import Controller
from livelink_freecad.scene.document import collect, collect_objects
from livelink_freecad.scene.colors import view_colors
from livelink_freecad.scene.incremental import Tracker
from livelink_freecad.scene.model import Mesh


class Counting:
    """document.collect_objects, recording the Names of the objects each call collects."""

    def __init__(self):
        self.calls = []

    def __call__(self, doc, objects, shared=None):
        self.calls.append(sorted(o.Name for o in objects))
        return collect_objects(doc, objects, shared)


def assembly():
    """A box and a cylinder at the top; an App::Part holding a Sub part with two shapes; three links to the box (one
    inside the part), one to the part."""
    doc = Doc("Asm")
    grey = dict(ShapeColor=(0.8, 0.8, 0.8, 0.0), Transparency=0)
    box = doc.add("Part::Box", "Box", faces=6, placement=Placement(10, 0, 0), view=View(**grey))
    doc.add("Part::Cylinder", "Cyl", faces=3, placement=Placement(0, 20, 0))
    part = doc.part("Part", Placement(0, 0, 100))
    sub = doc.part("Sub", Placement(5, 0, 0), parent=part)
    doc.add("Part::Box", "Gear", sub, faces=6, placement=Placement(1, 0, 0), view=View(**grey))
    doc.add("Part::Box", "Plate", sub, faces=6, placement=Placement(2, 0, 0))
    for n in range(2):
        doc.link("BoxLink%d" % n, box, Placement(0, 0, 50 * n), transform=True)
    doc.link("InnerLink", box, Placement(0, 7, 0), parent=sub)
    doc.link("PartLink", part, Placement(500, 0, 0), transform=True)
    return doc


def find(doc, name):
    return next(o for o in doc.Objects if o.Name == name)


class TrackerTestCase(unittest.TestCase):
    def setUp(self):
        self.doc = assembly()
        self.counted = Counting()
        self.tracker = Tracker(self.counted, view_colors)
        self.tracker.watching = True
        self.first = self.collect()

    def collect(self):
        """The tracker's collect, checked against a full collect of the document as it is now."""
        items, sources = self.tracker.collect(self.doc)
        full_items, full_sources = collect(self.doc)
        self.assertEqual(items, full_items)
        self.assertEqual([s.name for s in sources], [s.name for s in full_sources])
        return {i.id: i for i in items}

    def redone(self):
        """The Names collected by the last collect, and whether it was a full one."""
        return self.counted.calls[-1], self.tracker.last[0]

    def assertSameItems(self, before, after, changed):
        """Every node not in changed is the same Item object as before."""
        for k, item in after.items():
            if k not in changed and k in before:
                self.assertIs(item, before[k], k)


class DirtyTest(TrackerTestCase):
    def test_the_first_collect_is_full_and_an_unchanged_document_collects_nothing(self):
        self.assertTrue(self.tracker.last[0])
        self.assertEqual(self.tracker.last[1], len(self.doc.Objects))
        again = self.collect()
        self.assertEqual(self.redone(), ([], False))
        self.assertSameItems(self.first, again, ())

    def test_one_edited_object_of_many_is_the_only_one_collected_again(self):
        gear = find(self.doc, "Gear")
        gear.Label = "Big gear"
        self.tracker.changed(gear, "Label")
        after = self.collect()
        self.assertEqual(self.redone(), (["Gear", "PartLink"], False), "the link to the part shows the gear too")
        self.assertEqual(after["Gear"].label, "Big gear")
        self.assertEqual(after["PartLink:Gear"].label, "Big gear (PartLink)")
        self.assertSameItems(self.first, after, {"Gear", "PartLink", "PartLink:Gear"})

    def test_an_edit_that_changes_no_node_keeps_the_same_items(self):
        self.tracker.changed(find(self.doc, "Cyl"), "Shape")  # a new shape: the mesh changes, not the node
        after = self.collect()
        self.assertEqual(self.redone(), (["Cyl"], False))
        self.assertSameItems(self.first, after, ())

    def test_a_deleted_object_leaves_and_only_what_read_it_is_redone(self):
        cyl = find(self.doc, "Cyl")
        self.doc.Objects.remove(cyl)
        self.tracker.deleted(cyl)
        after = self.collect()
        self.assertNotIn("Cyl", after)
        self.assertEqual(self.redone(), ([], False))
        plate = find(self.doc, "Plate")
        sub = find(self.doc, "Sub")
        sub.Group.remove(plate)
        self.doc.Objects.remove(plate)
        self.tracker.changed(sub, "Group")
        self.tracker.deleted(plate)
        after = self.collect()
        self.assertNotIn("Plate", after)
        self.assertNotIn("PartLink:Plate", after)
        self.assertEqual(self.redone()[0], ["Gear", "InnerLink", "PartLink", "Sub"])

    def test_objects_made_and_deleted_all_session_leave_nothing_behind(self):
        sub = find(self.doc, "Sub")
        state = self.tracker._docs[self.doc.Name]
        sizes = (len(state.readers), len(state.inside), len(state.entries))
        for n in range(50):
            shaft = self.doc.add("Part::Cylinder", "Shaft%d" % n, sub, faces=3, placement=Placement(0, 0, n))
            self.tracker.created(shaft)
            self.tracker.changed(sub, "Group")
            self.assertIn("Shaft%d" % n, self.collect())
            sub.Group.remove(shaft)
            self.doc.Objects.remove(shaft)
            self.tracker.changed(sub, "Group")
            self.tracker.deleted(shaft)
            self.assertNotIn("Shaft%d" % n, self.collect())
        self.assertEqual((len(state.readers), len(state.inside), len(state.entries)), sizes)

    def test_a_created_object_is_collected_alone_and_comes_last(self):
        sub = find(self.doc, "Sub")
        shaft = self.doc.add("Part::Cylinder", "Shaft", sub, faces=3, placement=Placement(0, 0, 9))
        self.tracker.created(shaft)
        self.tracker.changed(sub, "Group")
        after = self.collect()
        self.assertEqual(after["Shaft"].parent, "Sub")
        self.assertIn("PartLink:Shaft", after)
        self.assertIn("Shaft", self.redone()[0])
        self.assertNotIn("Box", self.redone()[0])

    def test_a_moved_part_redoes_itself_and_links_to_it_not_its_contents(self):
        part = find(self.doc, "Part")
        part.Placement = Placement(0, 0, 900)
        self.tracker.changed(part, "Placement")
        after = self.collect()
        self.assertEqual(self.redone(), (["Part", "PartLink"], False),
                         "nodes are placed relative to their parent: the contents do not change")
        self.assertEqual(after["Part"].transform[11], 900)
        self.assertEqual(after["PartLink"].transform[11], 900, "LinkTransform: the part's placement composed")
        self.assertSameItems(self.first, after, {"Part", "PartLink"})
        self.assertIs(after["PartLink:Gear"], self.first["PartLink:Gear"], "equal nodes keep their Item")

    def test_an_edited_link_source_redoes_every_link_to_it(self):
        box = find(self.doc, "Box")
        box.Placement = Placement(30, 0, 0)
        self.tracker.changed(box, "Placement")
        after = self.collect()
        self.assertEqual(self.redone()[0], ["Box", "BoxLink0", "BoxLink1", "InnerLink", "PartLink"])
        self.assertEqual(after["BoxLink1"].transform[3], 30)
        box.ViewObject.ShapeColor = (1.0, 0.0, 0.0, 0.0)  # no event: the document observer does not see it
        after = self.collect()
        self.assertEqual(self.redone()[0], ["Box", "BoxLink0", "BoxLink1", "InnerLink", "PartLink"])
        self.assertEqual(after["BoxLink0"].materials[0]["color"][:3], [1.0, 0.0, 0.0])
        self.assertEqual(after["PartLink:InnerLink"].materials, after["Box"].materials)

    def test_hiding_a_part_hides_its_contents_and_showing_it_brings_them_back(self):
        part = find(self.doc, "Part")
        part.Visibility = False
        self.tracker.changed(part, "Visibility")
        after = self.collect()
        self.assertNotIn("Gear", after)
        self.assertIn("PartLink:Gear", after, "a link shows its hidden target's contents")
        part.Visibility = True
        self.tracker.changed(part, "Visibility")
        self.assertIn("Gear", self.collect())

    def test_an_object_moved_into_a_part_gets_its_parent(self):
        cyl, sub = find(self.doc, "Cyl"), find(self.doc, "Sub")
        sub.adopt(cyl)
        self.tracker.changed(sub, "Group")
        after = self.collect()
        self.assertEqual(after["Cyl"].parent, "Sub")
        self.assertIn("PartLink:Cyl", after)

    def test_undo_redo_and_a_reload_collect_everything(self):
        for forget in (lambda: self.tracker.forget("Asm"), lambda: self.tracker.forget()):
            forget()
            self.collect()
            self.assertEqual(self.redone()[1], True)
            self.assertEqual(len(self.redone()[0]), len(self.doc.Objects))
        self.doc = assembly()  # another document of the same name: a reload
        self.collect()
        self.assertEqual(self.redone()[1], True)

    def test_without_the_observer_every_collect_is_full(self):
        self.tracker.watching = False
        for _ in range(2):
            self.collect()
            self.assertEqual(self.redone()[1], True)
            self.assertEqual(len(self.redone()[0]), len(self.doc.Objects))


class Documents:
    """FreeCADDocuments over a fake document: its tracker, meshes from each object's edit count."""

    def __init__(self, doc):
        self.doc, self.counted = doc, Counting()
        self.tracker = Tracker(self.counted, view_colors)
        self.edits = {}

    def active(self):
        return self.doc

    def is_open(self, doc):
        return True

    def deviation(self):
        return 0.0

    def collect(self, doc):
        return self.tracker.collect(doc)

    def mesh(self, source, deviation):
        return Mesh.of(("%s %d" % (source.name, self.edits.get(source.name, 0))).encode())


class Sender:
    def __init__(self):
        self.jobs = []

    def submit(self, job):
        self.jobs.append(job)

    def blenders(self):
        return []


class Ui:
    def restart_debounce(self):
        pass


class ControllerTest(unittest.TestCase):
    def test_an_edit_sends_new_dicts_for_its_nodes_only_and_the_same_dicts_for_the_rest(self):
        doc = assembly()
        docs = Documents(doc)
        sender = Sender()
        c = Controller(docs, lambda label, receive: sender, Ui())
        c.watch(True)
        first = {n["id"]: n for n in c.export().scene["nodes"]}
        box = find(doc, "Box")
        docs.edits["Box"] = 1
        c.observer.slotChangedObject(box, "Shape")
        c.observer.slotRecomputedDocument(doc)
        then = {n["id"]: n for n in c.export().scene["nodes"]}
        self.assertEqual(docs.counted.calls[-1], ["Box", "BoxLink0", "BoxLink1", "InnerLink", "PartLink"])
        changed = sorted(k for k in then if then[k] is not first[k])
        self.assertEqual(changed, ["Box", "BoxLink0", "BoxLink1", "InnerLink", "PartLink:InnerLink"],
                         "the nodes showing the box's new mesh, and no other")
        self.assertNotEqual(then["Box"]["mesh"], first["Box"]["mesh"])
        find(doc, "Gear").ViewObject.ShapeColor = (0.0, 0.0, 1.0, 0.0)  # seen by reading the colours again
        c.export()
        self.assertEqual(docs.counted.calls[-1], ["Gear", "PartLink"])
        c.observer.slotUndoDocument(doc)
        c.export()
        self.assertEqual(len(docs.counted.calls[-1]), len(doc.Objects))


if __name__ == "__main__":
    unittest.main()
