"""End to end in real FreeCAD (GUI under Xvfb, the installed Mod): after each kind of edit a user makes, the Mod's
collect of only what the document observer saw change (and the colours it reads again) gives what a full collect
of the document gives, and redoes only the objects the edit touched; per-face colours set afterwards still work
(a view observer of FreeCADGui's would break them in FreeCAD 1.0)."""
import unittest

from common import LinkTest

# Runs inside FreeCAD: a box with two links, a link array and a Draft array made with links of it, a cylinder, and
# an App::Part holding a sub-part with a box.
MAKE = r'''
V = App.Vector
doc = App.newDocument("Incr")
doc.UndoMode = 1
box = doc.addObject("Part::Box", "Box")
cyl = doc.addObject("Part::Cylinder", "Cylinder"); cyl.Placement.Base = V(500, 0, 0)
part = doc.addObject("App::Part", "Part"); part.Placement.Base = V(0, 1000, 0)
sub = doc.addObject("App::Part", "Sub"); part.addObject(sub)
gear = doc.addObject("Part::Box", "Gear"); sub.addObject(gear); gear.Placement.Base = V(0, 0, 50)
for n in range(2):
    l = doc.addObject("App::Link", "BoxLink%d" % n); l.LinkedObject = box; l.Placement.Base = V(0, 0, 300 * n)
pl = doc.addObject("App::Link", "PartLink"); pl.LinkedObject = part; pl.Placement.Base = V(3000, 0, 0)
row = doc.addObject("App::Link", "Row"); row.LinkedObject = box; row.ElementCount = 2
row.Placement.Base = V(0, -900, 0)
import Draft
Draft.make_ortho_array(box, v_x=V(100, 0, 0), v_y=V(0, 100, 0), n_x=2, n_y=1, n_z=1, use_link=True)
doc.recompute()
Gui.updateGui()
result = True
'''

# Runs inside FreeCAD after each edit: the Mod's collect against a full one.
CHECK = r'''
from livelink_freecad.gui import current_controller
from livelink_freecad.scene import document
c = current_controller()
doc = App.getDocument("Incr")
items, sources = c.documents.collect(doc)
full_items, full_sources = document.collect(doc)
result = {"watching": c.tracker.watching, "full": c.tracker.last[0], "redone": c.tracker.last[1],
          "same": items == full_items and [s.name for s in sources] == [s.name for s in full_sources],
          "ids": sorted(i.id for i in items)}
'''

EDITS = [
    ("nothing", "", False),
    ("a length", "doc.getObject('Gear').Length = 20\ndoc.recompute()", False),
    ("a part moved", "doc.getObject('Part').Placement.Base = App.Vector(0, 2000, 0)\ndoc.recompute()", False),
    ("a link's source moved", "doc.getObject('Box').Placement.Base = App.Vector(7, 0, 0)\ndoc.recompute()", False),
    ("a colour in the view", "doc.getObject('Box').ViewObject.ShapeColor = (1.0, 0.0, 0.0)", False),
    ("face colours in the view", "doc.getObject('Gear').ViewObject.DiffuseColor = [(0.0, 1.0, 0.0)] * 6",
     False),
    ("a part hidden", "doc.getObject('Sub').ViewObject.Visibility = False", False),
    ("a part shown", "doc.getObject('Sub').ViewObject.Visibility = True", False),
    ("an object moved into a part", "doc.getObject('Sub').addObject(doc.getObject('Cylinder'))\ndoc.recompute()",
     False),
    ("an object created", "doc.getObject('Sub').addObject(doc.addObject('Part::Sphere', 'Ball'))\ndoc.recompute()",
     False),
    ("an object deleted", "doc.removeObject('BoxLink1')\ndoc.recompute()", False),
    ("a link array grown", "doc.getObject('Row').ElementCount = 3\ndoc.recompute()", False),
    ("a link array's source changed", "doc.getObject('Row').LinkedObject = doc.getObject('Gear')\ndoc.recompute()",
     False),
    ("a draft array grown", "doc.getObject('Array').NumberX = 3\ndoc.recompute()", False),
    ("an edit undone", "doc.openTransaction('edit')\ndoc.getObject('Gear').Width = 30\ndoc.recompute()\n"
                       "doc.commitTransaction()\ndoc.undo()\ndoc.recompute()", True),
]


class IncrementalCollectTest(LinkTest):
    needs = ("freecad", "xvfb-run")
    with_hub = False  # the collect alone: nothing is sent

    def setUp(self):
        super().setUp()
        self.fc = self.start_freecad()

    def test_every_kind_of_edit_collects_what_a_full_collect_would(self):
        self.assertTrue(self.fc.eval(MAKE))
        first = self.fc.eval(CHECK)
        self.assertTrue(first["watching"], "the document observer installed")
        self.assertTrue(first["full"])
        self.assertIn("PartLink:Gear", first["ids"])
        seen = {}
        for name, edit, full in EDITS:
            with self.subTest(edit=name):
                got = self.fc.eval("doc = App.getDocument('Incr')\n%s\nresult = True" % edit)
                self.assertTrue(got)
                got = self.fc.eval(CHECK)
                seen[name] = got
                self.assertTrue(got["same"], "%s: %s" % (name, got))
                self.assertEqual(got["full"], full, got)
                if not full:
                    self.assertLess(got["redone"], 8, "only what the edit touched is collected again")
        self.assertEqual(seen["nothing"]["redone"], 0)
        self.assertNotIn("Gear", seen["a part hidden"]["ids"])
        self.assertIn("Cylinder", seen["an object created"]["ids"])
        self.assertIn("PartLink:Ball", seen["an object created"]["ids"])
        self.assertNotIn("BoxLink1", seen["an object deleted"]["ids"])
        self.assertIn("Row_i2", seen["a link array grown"]["ids"])
        self.assertIn("Array:2", seen["a draft array grown"]["ids"])


if __name__ == "__main__":
    unittest.main()
