"""No echo, FreeCAD's side: Export to Blender and Auto-sync never send what arrived from Blender (its meshes and
App::Parts), but do send what the user made of it: a solid made from a received mesh, a copy, their own object
put in a received App::Part."""
import unittest

from fakes import Doc, Placement, translation
from livelink_freecad.receive import identity as ids
from livelink_freecad.scene.document import collect
from livelink_freecad.scene.model import with_geometry


def mark(o, scene="blender:untitled-1a2b", node_id=""):
    """What receive/apply.py writes on an object it makes."""
    for p, v in ((ids.SCENE, scene), (ids.ID, node_id), (ids.NAME, o.Name), (ids.LABEL, o.Label),
                 (ids.NODE, "{}")):
        setattr(o, p, v)
    return o


def received_document(version="1.0"):
    """A user's box; the scene Blender sent (a root App::Part moved by the user, a mesh, an empty with a mesh);
    a solid the user made from a received mesh; and a box of the user's put inside the received empty."""
    doc = Doc("Shop", version)
    doc.add("Part::Box", "Box", faces=6, placement=Placement(10, 0, 0))
    root = mark(doc.part("untitled", Placement(0, 0, 500)))
    mark(doc.add("Mesh::Feature", "Crate", root, faces=None, placement=Placement(1000, 0, 0)), node_id="crate")
    rig = mark(doc.part("Rig", Placement(0, 100, 0), parent=root), node_id="rig")
    mark(doc.add("Mesh::Feature", "Arm", rig, faces=None, placement=Placement()), node_id="arm")
    doc.add("Part::Feature", "Solid", faces=6, placement=Placement(1000, 0, 0))  # Part > Create shape from mesh
    doc.add("Part::Box", "Mine", rig, faces=6, placement=Placement(0, 0, 7))
    for o in doc.Objects:
        if o.isDerivedFrom("Mesh::Feature"):
            o.Mesh = type("M", (), {"CountFacets": 12})()
    return doc


def sent(doc):
    items, sources = collect(doc)
    return {i.id: i for i in with_geometry(items)}, sorted(s.name for s in sources)


class NoEchoTest(unittest.TestCase):
    def test_what_came_from_blender_is_not_sent_back_and_the_users_own_objects_are(self):
        for version in ("0.20", "1.0", "1.1"):
            with self.subTest(version=version):
                nodes, meshed = sent(received_document(version))
                self.assertEqual(sorted(nodes), ["Box", "Mine", "Solid"])
                self.assertEqual(meshed, ["Box", "Mine", "Solid"], "received meshes are not even meshed")

    def test_the_users_object_in_a_received_part_is_placed_as_freecad_shows_it(self):
        nodes, _ = sent(received_document())
        self.assertIsNone(nodes["Mine"].parent, "the received App::Parts are not sent")
        self.assertEqual(translation(nodes["Mine"]), (0.0, 100.0, 507.0), "root (z 500) x rig (y 100) x own (z 7)")

    def test_a_copy_of_a_received_mesh_is_the_users(self):
        doc = received_document()
        crate = doc.Objects[[o.Name for o in doc.Objects].index("Crate")]
        copy = doc.add("Mesh::Feature", "Crate001", faces=None, placement=Placement(), label="Crate copy")
        copy.Mesh = crate.Mesh
        for p in (ids.SCENE, ids.ID, ids.NAME, ids.LABEL, ids.NODE):  # Ctrl+C / Ctrl+V copies them
            setattr(copy, p, getattr(crate, p))
        self.assertFalse(ids.received(copy))
        self.assertIn("Crate001", sent(doc)[0])


if __name__ == "__main__":
    unittest.main()
