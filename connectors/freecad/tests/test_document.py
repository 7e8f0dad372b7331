"""Which FreeCAD objects are sent, as which nodes: scene/document.collect over fake documents shaped like FreeCAD
0.20's, 1.0's and 1.1's (fakes.py)."""
import unittest
from unittest import mock

from fakes import Doc, DraftArray, Material, Placement, View, translation
from livelink_freecad.scene import meshing
from livelink_freecad.scene.document import collect
from livelink_freecad.scene.model import with_geometry


def sent(doc):
    """{node id: Item} of what the Controller sends (empty containers left out)."""
    items, _ = collect(doc)
    return {i.id: i for i in with_geometry(items)}


def assembly_document(version):
    """The end-to-end test's document: an App::Part (with its origin) holding a PartDesign Body (with its own origin,
    a sketch, a datum plane and a pad), a sketch and datum geometry outside any body, empty and null shapes, an
    Assembly (1.0+; an App::Part on 0.20) with a joint group and links to the part and the body."""
    doc = Doc("Demo", version)
    part = doc.part("Part", Placement(0, 1000, 0), label="Lagerbock Ø20")
    body = doc.add("PartDesign::Body", "Body", part, faces=6, placement=Placement())
    doc.origin(body)
    doc.add("Sketcher::SketchObject", "Sketch", body, faces=0, placement=Placement())
    doc.add("PartDesign::Plane", "DatumPlane", body, faces=1, placement=Placement())
    doc.add("PartDesign::Pad", "Pad", body, faces=6, placement=Placement())
    doc.add("Sketcher::SketchObject", "FreeSketch", faces=0, placement=Placement())
    doc.add("PartDesign::Plane", "FreePlane", faces=1, placement=Placement())
    doc.add("PartDesign::Line", "FreeLine", faces=0, placement=Placement())
    doc.add("PartDesign::Point", "FreePoint", faces=0, placement=Placement())
    doc.add("Part::Feature", "Empty", faces=0, placement=Placement())
    doc.add("Part::Feature", "Null", faces=0, placement=Placement(), null=True)
    doc.add("App::FeaturePython", "Spreadsheetish")
    asm = doc.part("Assembly", type_id="Assembly::AssemblyObject" if version != "0.20" else "App::Part")
    joints = doc.add("Assembly::JointGroup" if version != "0.20" else "App::DocumentObjectGroup", "Joints", asm)
    joints.Group = []
    doc.add("App::FeaturePython", "GroundedJoint", joints, placement=Placement())
    doc.link("PartLink", part, Placement(0, 2000, 0), parent=asm)
    doc.link("BodyLink", body, Placement(500, 0, 0), transform=True, parent=asm)
    doc.add("Part::Box", "Glass", asm, faces=6, placement=Placement(0, 0, 300))
    return doc


class SkipTest(unittest.TestCase):
    def test_only_what_has_geometry_is_sent_in_every_version(self):
        for version in ("0.20", "1.0", "1.1"):
            with self.subTest(version=version):
                nodes = sent(assembly_document(version))
                self.assertEqual(sorted(nodes), ["Assembly", "Body", "BodyLink", "Glass", "Part", "PartLink",
                                                 "PartLink:Body"])
                self.assertEqual(nodes["Part"].label, "Lagerbock Ø20")
                self.assertEqual(nodes["PartLink:Body"].label, "Body (PartLink)")
                self.assertEqual(nodes["PartLink:Body"].mesh_of, "Body", "the link shares the body's mesh")

    def test_collect_never_queues_reference_geometry_for_meshing(self):
        for version in ("0.20", "1.0", "1.1"):
            with self.subTest(version=version):
                items, sources = collect(assembly_document(version))
                self.assertEqual(sorted(s.name for s in sources), ["Body", "Glass"])
                self.assertEqual([s.label for s in sources if s.name == "Body"], ["Body"])
                # Containers come from collect as they are; the Controller drops those that show nothing.
                self.assertEqual(sorted(i.id for i in items if i.mesh_of is None),
                                 ["Assembly", "Joints", "Part", "PartLink"])

    def test_a_plane_with_a_face_is_still_an_origin_plane(self):
        doc = Doc("Planes", "1.0")
        part = doc.part("Part")
        doc.add("Part::Box", "Box", part, faces=6, placement=Placement())
        plane = next(o for o in doc.Objects if o.Name == "XY_PlanePart")
        self.assertEqual(len(plane.Shape.Faces), 1, "1.0's origin planes have a face")
        self.assertEqual(sorted(sent(doc)), ["Box", "Part"])

    def test_hidden_objects_and_the_contents_of_hidden_containers_are_not_sent(self):
        doc = Doc("Hidden")
        part = doc.part("Part")
        doc.add("Part::Box", "Shown", part, faces=6, placement=Placement())
        doc.add("Part::Box", "Off", part, faces=6, placement=Placement(), visible=False)
        hidden = doc.part("HiddenPart")
        hidden.Visibility = False
        doc.add("Part::Box", "Inside", hidden, faces=6, placement=Placement())
        self.assertEqual(sorted(sent(doc)), ["Part", "Shown"])

    def test_a_mesh_with_facets_is_sent(self):
        doc = Doc("Meshes")
        m = doc.add("Mesh::Feature", "Scan", placement=Placement())
        m.Mesh = type("MeshData", (), {"CountFacets": 12})()
        e = doc.add("Mesh::Feature", "EmptyScan", placement=Placement())
        e.Mesh = type("MeshData", (), {"CountFacets": 0})()
        self.assertEqual(sorted(sent(doc)), ["Scan"])


def bim_document():
    """FreeCAD 1.0's BIM example in small: a Site (a Python feature with a group, no shape) holding a Building-
    Part raised 3 m (an App::GeometryPython with a group, whose Shape is the compound of its members', which its view
    does not show), a wall in it placed on its own, and a Draft Layer (not placed) that lists the wall too."""
    doc = Doc("BIM", "1.0")
    site = doc.add("Part::FeaturePython", "Site", placement=Placement(), faces=0, null=True)
    level = doc.add("App::GeometryPython", "BuildingPart", site, faces=12, placement=Placement(0, 0, 3000))
    layer = doc.add("App::FeaturePython", "Layer")
    for group in (site, level, layer):
        group.extensions, group.Group = ("App::GroupExtension",), []
    site.adopt(level)
    wall = doc.add("Part::FeaturePython", "Wall", faces=6, placement=Placement(100, 0, 3000))
    layer.adopt(wall)  # first in its InList: a layer does not decide where the wall is sent
    level.adopt(wall)
    return doc


class BimTest(unittest.TestCase):
    def test_a_building_part_and_a_site_are_empties_and_their_members_keep_their_own_placement(self):
        s = sent(bim_document())
        self.assertEqual(sorted(s), ["BuildingPart", "Site", "Wall"], "no layer node")
        self.assertEqual((s["Site"].parent, s["BuildingPart"].parent, s["Wall"].parent), (None, "Site", "BuildingPart"))
        self.assertIsNone(s["BuildingPart"].mesh_of, "its compound would show the wall twice")
        self.assertEqual(translation(s["BuildingPart"]), (0, 0, 0), "members are placed on their own")
        self.assertEqual(translation(s["Wall"]), (100, 0, 3000))
        self.assertEqual(sorted(m.name for m in collect(bim_document())[1]), ["Wall"])

    def test_a_groups_own_shape_that_its_view_shows_goes_under_it(self):
        doc = bim_document()
        site = doc.Objects[0]
        site.Shape, site.Placement = type(site.Shape)(4), Placement(0, 0, -10)
        with mock.patch.object(meshing, "shows_faces", lambda o: o is site):
            s = sent(doc)
        self.assertEqual((s["Site:shape"].parent, s["Site:shape"].mesh_of), ("Site", "Site"))
        self.assertEqual(translation(s["Site:shape"]), (0, 0, -10))
        self.assertIsNone(s["BuildingPart"].mesh_of)


class LinkTest(unittest.TestCase):
    """Placements as FreeCAD 0.20 and 1.0 showed them for the same document (each link's Shape BoundBox): a box at
    x=100 (rotated in the real check; here translated only), links with and without LinkTransform, links to links,
    and links to an App::Part at z=1000 holding a Body and a nested App::Part."""

    def setUp(self):
        self.doc = doc = Doc("Links")
        self.box = box = doc.add("Part::Box", "Box", faces=6, placement=Placement(100, 0, 0))
        doc.link("L1", box, Placement(0, 500, 0), transform=False)
        l2 = doc.link("L2", box, Placement(0, 500, 0), transform=True)
        doc.link("L3", l2, Placement(0, 0, 700), transform=False)
        doc.link("L4", l2, Placement(0, 0, 700), transform=True)
        l1 = next(o for o in doc.Objects if o.Name == "L1")
        doc.link("L5", l1, Placement(0, 0, 700), transform=True)
        part = doc.part("Part", Placement(0, 0, 1000))
        doc.add("PartDesign::Body", "Body", part, faces=6, placement=Placement(5, 0, 0))
        inner = doc.part("Inner", Placement(0, 50, 0), parent=part)
        doc.add("Part::Cylinder", "Cyl", inner, faces=3, placement=Placement())
        doc.link("BoxInPart", box, Placement(0, 0, 5), parent=part)
        doc.link("LP1", part, Placement(3000, 0, 0), transform=False)
        lp2 = doc.link("LP2", part, Placement(3000, 0, 0), transform=True)
        doc.link("LP3", lp2, Placement(0, 3000, 0), transform=False)

    def test_link_chains_compose_as_freecad_does(self):
        nodes = sent(self.doc)
        self.assertEqual(translation(nodes["L1"]), (0, 500, 0), "LinkTransform false: the box's own placement "
                                                                  "is replaced")
        self.assertEqual(translation(nodes["L2"]), (100, 500, 0), "LinkTransform true: composed")
        self.assertEqual(translation(nodes["L3"]), (100, 0, 700), "through L2: L2's placement replaced, the box's "
                                                                  "kept by L2's LinkTransform")
        self.assertEqual(translation(nodes["L4"]), (100, 500, 700))
        self.assertEqual(translation(nodes["L5"]), (0, 500, 700))
        self.assertEqual({nodes[n].mesh_of for n in ("Box", "L1", "L2", "L3", "L4", "L5")}, {"Box"},
                         "every link shares the box's one mesh")
        _, sources = collect(self.doc)
        self.assertEqual(sorted(s.name for s in sources), ["Body", "Box", "Cyl"])

    def test_links_to_a_part_bring_its_contents_with_nested_parts_and_links(self):
        nodes = sent(self.doc)
        self.assertEqual(translation(nodes["LP1"]), (3000, 0, 0))
        self.assertEqual(translation(nodes["LP2"]), (3000, 0, 1000), "the part's own z=1000 composed")
        self.assertEqual(translation(nodes["LP3"]), (0, 3000, 1000))
        for link in ("LP1", "LP2", "LP3"):
            with self.subTest(link=link):
                self.assertEqual(nodes[link + ":Body"].parent, link)
                self.assertEqual(translation(nodes[link + ":Body"]), (5, 0, 0), "relative to the part")
                self.assertEqual(nodes[link + ":Inner"].parent, link)
                self.assertEqual(nodes[link + ":Cyl"].parent, link + ":Inner")
                self.assertEqual(nodes[link + ":Cyl"].mesh_of, "Cyl")
                self.assertEqual(translation(nodes[link + ":BoxInPart"]), (0, 0, 5))
                self.assertEqual(nodes[link + ":BoxInPart"].mesh_of, "Box")
        self.assertEqual(nodes["LP1:Cyl"].label, "Cyl (LP1)")

    def test_a_link_to_a_hidden_object_shows_it_and_a_broken_link_shows_nothing(self):
        self.box.Visibility = False
        self.doc.link("Broken", None, Placement())
        nodes = sent(self.doc)
        self.assertNotIn("Box", nodes)
        self.assertEqual(nodes["L1"].mesh_of, "Box")
        self.assertNotIn("Broken", nodes)

    def test_a_link_array_is_an_empty_above_its_elements_which_share_the_targets_mesh(self):
        doc = Doc("Arrays", "1.0")
        box = doc.add("Part::Box", "Box", faces=6, placement=Placement(10, 0, 0))
        doc.link_array("LinkArr", box, Placement(0, 0, 500), [Placement(), Placement(100, 0, 0)])
        items, sources = collect(doc)
        s = {i.id: i for i in with_geometry(items)}
        self.assertEqual(sorted(s), ["Box", "LinkArr", "LinkArr_i0", "LinkArr_i1"])
        self.assertIsNone(s["LinkArr"].mesh_of)
        self.assertEqual(translation(s["LinkArr"]), (0, 0, 500))
        self.assertEqual([(s[e].parent, s[e].mesh_of, translation(s[e])) for e in ("LinkArr_i0", "LinkArr_i1")],
                         [("LinkArr", "Box", (0, 0, 0)), ("LinkArr", "Box", (100, 0, 0))],
                         "the elements' placements replace the box's (LinkTransform false), relative to the array")
        self.assertEqual([m.name for m in sources], ["Box"], "one mesh")
        [array] = [o for o in doc.Objects if o.Name == "LinkArr"]
        array.VisibilityList = [True, False]
        self.assertNotIn("LinkArr_i1", {i.id for i in collect(doc)[0]}, "an element the array hides")

    def test_a_link_group_is_an_empty_above_its_elements_placed_relative_to_it(self):
        doc = Doc("Groups", "1.0")
        box = doc.add("Part::Box", "Box", faces=6, placement=Placement(10, 0, 0))
        a = doc.link("A", box, Placement(500, 0, 0))
        b = doc.link("B", box, Placement(0, 500, 0))
        doc.link_group("LinkGroup", Placement(0, 0, 1500), [a, b], shown=[True, False])
        s = sent(doc)
        self.assertEqual(sorted(s), ["A", "Box", "LinkGroup"], "B hidden by the group")
        self.assertEqual((s["LinkGroup"].mesh_of, translation(s["LinkGroup"])), (None, (0, 0, 1500)))
        self.assertEqual((s["A"].parent, s["A"].mesh_of, translation(s["A"])), ("LinkGroup", "Box", (500, 0, 0)))

    def test_a_draft_array_made_with_links_is_an_empty_above_instances_of_its_base(self):
        doc = Doc("Arrays", "1.0")
        box = doc.add("Part::Box", "Box", faces=6, placement=Placement(10, 0, 0))
        array = doc.add("Part::FeaturePython", "Array", faces=18, placement=Placement(0, 0, 500), cls=DraftArray)
        array.Base, array.PlacementList = box, [Placement(10, 0, 0), Placement(110, 0, 0), Placement(210, 0, 0)]
        array.VisibilityList = [True, False, True]
        items, sources = collect(doc)
        s = {i.id: i for i in with_geometry(items)}
        self.assertEqual(sorted(s), ["Array", "Array:0", "Array:2", "Box"], "the hidden element left out")
        self.assertEqual((s["Array"].mesh_of, translation(s["Array"])), (None, (0, 0, 500)))
        self.assertEqual([(s[e].parent, s[e].mesh_of, translation(s[e])) for e in ("Array:0", "Array:2")],
                         [("Array", "Box", (10, 0, 0)), ("Array", "Box", (210, 0, 0))])
        self.assertEqual([m.name for m in sources], ["Box"], "the array's own shape is not meshed")

    def test_links_to_reference_geometry_are_not_sent(self):
        sketch = self.doc.add("Sketcher::SketchObject", "Sketch", faces=0, placement=Placement())
        plane = self.doc.add("PartDesign::Plane", "Plane", faces=1, placement=Placement())
        self.doc.link("ToSketch", sketch, Placement())
        self.doc.link("ToPlane", plane, Placement())
        nodes = sent(self.doc)
        self.assertNotIn("ToSketch", nodes)
        self.assertNotIn("ToPlane", nodes)

    def test_an_object_of_another_document_is_its_own_mesh(self):
        other = Doc("Parts")
        box = other.add("Part::Box", "Box", faces=6, placement=Placement())
        self.doc.link("External", box, Placement())
        nodes = sent(self.doc)
        self.assertEqual(nodes["External"].mesh_of, "Parts#Box")
        self.assertEqual(nodes["L1"].mesh_of, "Box", "not this document's Box")


class CountedShape:
    """A Shape that counts how often its faces are read."""

    def __init__(self, faces):
        self.faces, self.reads = [object()] * faces, 0

    @property
    def Faces(self):
        self.reads += 1
        return self.faces

    def isNull(self):
        return False


class ManyLinksTest(unittest.TestCase):
    def test_an_object_hundreds_of_links_show_is_read_once_per_collect(self):
        doc = Doc("Assembly")
        red, blue = (1.0, 0.0, 0.0, 0.0), (0.0, 0.0, 1.0, 0.0)
        bolt = doc.add("Part::Feature", "Bolt", faces=3, placement=Placement(),
                       view=View(ShapeColor=red, Transparency=0, DiffuseColor=[red, red, blue]))
        bolt.Shape = CountedShape(3)
        top = doc.part("Top")
        for m in range(4):
            sub = doc.part("Sub%d" % m, parent=top)
            for i in range(100):
                doc.link("Fastener%d_%d" % (m, i), bolt, Placement(i, m, 0), parent=sub)
        items, sources = collect(doc)
        links = [i for i in items if i.id.startswith("Fastener")]
        self.assertEqual(len(links), 400)
        bolt_item = next(i for i in items if i.id == "Bolt")
        self.assertEqual(len(bolt_item.materials), 2)
        for i in links:
            self.assertEqual((i.mesh_of, i.materials), ("Bolt", bolt_item.materials), i.id)
        self.assertEqual([(s.name, s.slots) for s in sources], [("Bolt", (0, 0, 1))])
        self.assertLessEqual(bolt.Shape.reads, 2, "the bolt's faces are read once per collect, not per link")


class ColourTest(unittest.TestCase):
    def test_each_version_gives_the_same_materials(self):
        views = {
            "0.20": View(ShapeColor=(1.0, 0.0, 0.0, 0.0), Transparency=50, DiffuseColor=[(1.0, 0.0, 0.0, 0.5)]),
            # As 1.0.0 showed it after Transparency = 50: ShapeColor's and the material's 4th value are 0.
            "1.0": View(ShapeColor=(1.0, 0.0, 0.0, 0.0), Transparency=50, DiffuseColor=[(1.0, 0.0, 0.0, 0.5)],
                        ShapeAppearance=[Material((1.0, 0.0, 0.0, 0.0), 0.5)]),
            "1.1": View(ShapeColor=(1.0, 0.0, 0.0, 0.5), Transparency=50, DiffuseColor=[(1.0, 0.0, 0.0, 0.5)],
                        ShapeAppearance=[Material((1.0, 0.0, 0.0, 0.5), 0.5)]),
        }
        for version, view in views.items():
            with self.subTest(version=version):
                doc = Doc("Colours", version)
                doc.add("Part::Box", "Glass", faces=6, placement=Placement(), view=view)
                (node,) = sent(doc).values()
                self.assertEqual([m["color"] for m in node.materials], [[1.0, 0.0, 0.0, 0.5]])


if __name__ == "__main__":
    unittest.main()
