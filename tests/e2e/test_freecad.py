"""End to end: real FreeCAD (GUI under Xvfb) with the installed Mod, the hub, and real Blender windows."""
import glob
import json
import os
import re
import shutil
import unittest

from common import BLENDER_STATE, REPO, LinkTest, apps, link_status

# Runs inside FreeCAD: the document the issue describes.
MAKE_DOC = r'''
doc = App.newDocument("Demo")
box = doc.addObject("Part::Box", "Box"); box.Length, box.Width, box.Height = 1000, 500, 250
cyl = doc.addObject("Part::Cylinder", "Cylinder"); cyl.Radius, cyl.Height = 200, 600
cyl.Placement.Base = App.Vector(1500, 0, 0)
part = doc.addObject("App::Part", "Part"); part.Placement.Base = App.Vector(0, 1000, 0)
body = doc.addObject("PartDesign::Body", "Body"); part.addObject(body)
pad = body.newObject("PartDesign::AdditiveBox", "Pad"); pad.Length, pad.Width, pad.Height = 100, 100, 100
link = doc.addObject("App::Link", "Link"); link.LinkedObject = part; link.Placement.Base = App.Vector(0, 2000, 0)
doc.recompute()
Gui.updateGui()
box.ViewObject.ShapeColor = (1.0, 0.0, 0.0)
cyl.ViewObject.ShapeColor = (0.0, 0.0, 1.0)
# RGB only: the 4th value is transparency before FreeCAD 1.0.2 and opacity since (0 there is invisible); left out,
# it is opaque in both.
cols = [(1.0, 0.0, 0.0)] * 6
cols[5] = (0.0, 1.0, 0.0)  # the top face green
box.ViewObject.DiffuseColor = cols
result = True
'''


# Probe code that finds the Blender menu of the menu bar shown now. PySide invalidates the QMenu that QAction.menu()
# returns once that QAction's wrapper is gone, so the menu bar's actions stay referenced (bar_actions).
BLENDER_MENU = r'''
bar_actions = Gui.getMainWindow().menuBar().actions()
menu = [a for a in bar_actions if a.objectName() == "&Blender"][0].menu()
'''


# Runs inside FreeCAD: an assembly as FreeCAD 1.0 makes them, built with what the running version has (0.20 has no
# Assembly workbench: an App::Part takes its place; App::Parts carry an origin in both). Besides solids it holds what
# must not reach Blender: origins (1.0's planes have a face), a sketch and a datum plane inside the Body and outside,
# a joint group, and one object whose face is degenerate and cannot be meshed.
MAKE_ASSEMBLY = r'''
import Part
V = App.Vector
doc = App.newDocument("Baugruppe")
part = doc.addObject("App::Part", "Lagerbock"); part.Label = "Lagerbock Ø20"
part.Placement.Base = V(0, 1000, 0)
body = doc.addObject("PartDesign::Body", "Body"); part.addObject(body)
body.Placement.Base = V(0, 0, 100)
sketch = body.newObject("Sketcher::SketchObject", "Sketch")
corners = [V(0, 0, 0), V(100, 0, 0), V(100, 60, 0), V(0, 60, 0)]
for i in range(4):
    sketch.addGeometry(Part.LineSegment(corners[i], corners[(i + 1) % 4]))
pad = body.newObject("PartDesign::Pad", "Pad"); pad.Profile = sketch; pad.Length = 40
body.newObject("PartDesign::Plane", "DatumPlane")
doc.addObject("Sketcher::SketchObject", "Skizze").addGeometry(Part.Circle(V(0, 0, 0), V(0, 0, 1), 20))
doc.addObject("PartDesign::Plane", "Bezugsebene")
try:
    asm = doc.addObject("Assembly::AssemblyObject", "Assembly")
    asm.newObject("Assembly::JointGroup", "Joints")
except ImportError:  # 0.20: "No module named 'Assembly'"
    asm = doc.addObject("App::Part", "Assembly")
link = doc.addObject("App::Link", "LagerbockLink"); link.LinkedObject = part; asm.addObject(link)
link.Placement.Base = V(0, 2000, 0)  # LinkTransform false: replaces the part's own placement
body_link = doc.addObject("App::Link", "BodyLink"); body_link.LinkedObject = body; asm.addObject(body_link)
body_link.LinkTransform = True  # composed with the body's own placement (z 100)
body_link.Placement.Base = V(500, 0, 0)
glass = doc.addObject("Part::Box", "Glas"); glass.Placement.Base = V(0, 0, 300); asm.addObject(glass)
broken = doc.addObject("Part::Feature", "Kaputt")
broken.Shape = Part.Face(Part.Plane(), Part.Wire(Part.makePolygon([V(0, 0, 0), V(1, 0, 0), V(2, 0, 0), V(0, 0, 0)])))
doc.recompute()
Gui.updateGui()
body.ViewObject.ShapeColor = (1.0, 0.0, 0.0)
glass.ViewObject.ShapeColor = (0.0, 0.0, 1.0)
glass.ViewObject.Transparency = 50
result = pad.Shape.isValid() and len(broken.Shape.Faces) == 1
'''

# Runs inside FreeCAD: where this FreeCAD keeps its own examples' AssemblyExample.FCStd (1.0+), or None.
FIND_EXAMPLE = r'''
import glob, os
hits = [h for d in (App.getResourceDir(), "/usr/share/freecad") for h in
        sorted(glob.glob(os.path.join(d, "examples", "**", "AssemblyExample.FCStd"), recursive=True))]
result = hits[0] if hits else None
'''

# Runs inside FreeCAD, after FIND_EXAMPLE: opens the example and says what FreeCAD itself shows: for each member of
# a visible top-level container (its "CAD" group and its Assembly) that is visible and has solids, its bounds (mm).
OPEN_EXAMPLE = r'''
doc = App.openDocument(result)
Gui.updateGui()
tops = [o for o in doc.Objects if not o.InList and o.Visibility and hasattr(o, "Group")]
solids, bounds = 0, {}
for top in tops:
    assert getattr(top, "Placement", App.Placement()).isIdentity(), top.Label
    for o in top.Group:
        shape = getattr(o, "Shape", None)
        if o.Visibility and shape is not None and shape.Solids:
            b = shape.optimalBoundingBox()
            solids += len(shape.Solids)
            bounds[o.Label] = [[b.XMin, b.YMin, b.ZMin], [b.XMax, b.YMax, b.ZMax]]
result = {"tops": sorted(t.Label for t in tops), "solids": solids, "bounds": bounds,
          "links": {o.Label: o.getLinkedObject(True).Label for o in doc.Objects if o.isDerivedFrom("App::Link")}}
'''


def menu_action(name):
    """Probe code that finds an action of the Blender menu (or its Export to submenu) and triggers it."""
    return BLENDER_MENU + r'''
def find(m, name):
    for a in m.actions():
        if a.objectName() == name:
            return a
        if a.menu() is not None:
            a.menu().aboutToShow.emit()
            hit = find(a.menu(), name)
            if hit is not None:
                return hit
act = find(menu, %r)
act.trigger()
result = act.text()
''' % name

REPORT = ("from PySide import QtGui\n"
          "result = Gui.getMainWindow().findChild(QtGui.QTextEdit, 'Report view').toPlainText()")

# The Mod's own record of its sends (livelink_freecad.controller.Controller): jobs in flight, a pending auto-sync,
# and per finished send what was uploaded, what the hub found changed, the acks and the Mod's own measured time
# from the recompute to the acks.
SENDS_STATE = r'''
from livelink_freecad.gui import current_controller
from livelink_freecad.net.sender import Published
c = current_controller()
sends = {"in_flight": c.in_flight, "pending": c.autosync_pending, "sends": [
    {"auto": r.job.recomputed_at is not None,
     "uploaded": r.uploaded if isinstance(r, Published) else None,
     "changed": r.changed if isinstance(r, Published) else None,
     "acks": [a.ok for a in r.acks] if isinstance(r, Published) else [],
     "since_recompute_ms": r.since_recompute_ms} for r in c.results]}
'''
SENDS = SENDS_STATE + "result = sends\n"


def sent_line(blender_document=None, objects=4):
    """The Report view's line for an ack from any Blender version (and any .blend when None)."""
    document = ".*?" if blender_document is None else re.escape(blender_document)
    return r"Sent %d objects to Blender \d+\.\d+ \(%s\): applied in \d+ ms" % (objects, document)


class FreeCADToBlenderTest(LinkTest):

    def report_has(self, fc, text, timeout=20):
        return apps.wait_until(lambda: text in fc.eval(REPORT), timeout=timeout, what="%r in the Report view" % text)

    def report_matches(self, fc, pattern, timeout=20):
        return apps.wait_until(lambda: re.search(pattern, fc.eval(REPORT)), timeout=timeout,
                               what="/%s/ in the Report view" % pattern)

    def test_export_auto_sync_and_artist_edits(self):
        b = self.start_blender()
        fc = self.start_freecad()
        fc.eval(MAKE_DOC)
        self.assertEqual(fc.eval(menu_action("LiveLink_ExportToBlender")), "Export to Blender")
        self.report_matches(fc, sent_line("untitled"))
        s = b.eval(BLENDER_STATE)
        self.assertEqual(sorted(s), ["Body", "Body (Link)", "Box", "Cylinder", "Link", "Part"])
        self.assertEqual(s["Box"]["min"], [0.0, 0.0, 0.0])
        self.assertEqual(s["Box"]["max"], [1.0, 0.5, 0.25], "a 1000 mm box is 1 m in Blender")
        self.assertEqual(s["Box"]["colors"], [[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 1.0]], "red, top face green")
        self.assertEqual(s["Cylinder"]["colors"], [[0.0, 0.0, 1.0, 1.0]])
        self.assertEqual([s["Cylinder"]["min"][2], s["Cylinder"]["max"][2]], [0.0, 0.6])
        self.assertEqual(s["Body"]["parent"], "Part")
        self.assertEqual(s["Body"]["min"], [0.0, 1.0, 0.0])
        self.assertEqual(s["Body (Link)"]["parent"], "Link")
        self.assertEqual(s["Body (Link)"]["min"], [0.0, 2.0, 0.0])
        self.assertEqual(s["Body (Link)"]["mesh_ptr"], s["Body"]["mesh_ptr"], "the link shares the body's mesh")
        # The artist adds a modifier to the cylinder; then the box gets longer with Auto-sync on.
        b.eval("bpy.data.objects['Cylinder'].modifiers.new('Bevel', 'BEVEL')\nresult = True")
        fc.eval(menu_action("LiveLink_AutoSync"))
        self.report_has(fc, "Auto-sync on")
        before = len(fc.eval(SENDS)["sends"])
        fc.eval("doc = App.getDocument('Demo')\ndoc.getObject('Box').Length = 2000\ndoc.recompute()\nresult = 1")
        after = apps.wait_until(lambda: (lambda st: st if st["Box"]["max"][0] == 2.0 else None)(b.eval(BLENDER_STATE)),
                                timeout=30, what="the longer box in Blender")
        settled = apps.wait_until(
            lambda: (lambda st: st if len(st["sends"]) > before and not st["in_flight"] and not st["pending"]
                     else None)(fc.eval(SENDS)), timeout=30, what="the auto-sync send's acks in FreeCAD")
        edit = settled["sends"][before:]
        self.assertEqual(len(edit), 1, "one recompute, one send: %s" % edit)
        self.assertTrue(edit[0]["auto"])
        self.assertEqual(edit[0]["acks"], [True], "Blender applied it")
        self.assertEqual(edit[0]["uploaded"], 1, "only the box's new mesh is uploaded")
        self.assertEqual(edit[0]["changed"], 1, "only the box's node changed")
        # The Mod's own figure, debounce included; generous, as this machine is shared.
        self.assertLess(edit[0]["since_recompute_ms"], 5000, "recompute to ack: %s" % edit[0])
        self.assertEqual(sorted(after), sorted(s), "nothing duplicated")
        self.assertEqual(after["Cylinder"]["modifiers"], ["BEVEL"])
        self.assertEqual(after["Cylinder"]["mesh_ptr"], s["Cylinder"]["mesh_ptr"], "only the box changed")
        self.assertEqual(after["Body"]["mesh_ptr"], s["Body"]["mesh_ptr"])
        self.assertNotEqual(after["Box"]["mesh_ptr"], s["Box"]["mesh_ptr"])

    def test_assembly_sends_every_solid_and_nothing_else(self):
        b = self.start_blender()
        fc = self.start_freecad()
        self.assertTrue(fc.eval(MAKE_ASSEMBLY))
        fc.eval(menu_action("LiveLink_ExportToBlender"))
        self.report_matches(fc, sent_line())
        report = fc.eval(REPORT)
        skipped = "Live Link: skipped 1 object that could not be meshed: Kaputt (Kaputt): "
        self.assertEqual(report.count(skipped), 1, "one line names the object that could not be meshed")
        self.assertEqual([line for line in report.splitlines() if "Live Link: skipped" in line][0].split(skipped)[1],
                         "its faces have no triangles after tessellation")
        s = b.eval(BLENDER_STATE)
        self.assertEqual(sorted(s), sorted(["Assembly", "Body", "Body (LagerbockLink)", "BodyLink", "Glas",
                                            "LagerbockLink", "Lagerbock Ø20"]),
                         "solids and their parents, no planes, axes, sketches, datums, joints")
        self.assertEqual([s[n]["type"] for n in ("Assembly", "LagerbockLink", "Lagerbock Ø20")], ["EMPTY"] * 3)
        self.assertEqual(s["Body"]["parent"], "Lagerbock Ø20")
        self.assertEqual([s["Body"]["min"], s["Body"]["max"]], [[0.0, 1.0, 0.1], [0.1, 1.06, 0.14]],
                         "the part's 1 m in y and the body's 100 mm in z")
        self.assertEqual(s["Body (LagerbockLink)"]["parent"], "LagerbockLink")
        self.assertEqual(s["LagerbockLink"]["parent"], "Assembly")
        self.assertEqual([s["Body (LagerbockLink)"]["min"], s["Body (LagerbockLink)"]["max"]],
                         [[0.0, 2.0, 0.1], [0.1, 2.06, 0.14]], "the link's placement replaces the part's")
        self.assertEqual([s["BodyLink"]["min"], s["BodyLink"]["max"]], [[0.5, 0.0, 0.1], [0.6, 0.06, 0.14]],
                         "LinkTransform: the link's placement composed with the body's")
        self.assertEqual({s[n]["mesh_ptr"] for n in ("Body", "Body (LagerbockLink)", "BodyLink")},
                         {s["Body"]["mesh_ptr"]}, "the links share the body's mesh")
        self.assertEqual(s["Body"]["colors"], [[1.0, 0.0, 0.0, 1.0]])
        self.assertEqual(s["BodyLink"]["colors"], [[1.0, 0.0, 0.0, 1.0]])
        self.assertEqual([s["Glas"]["min"], s["Glas"]["max"]], [[0.0, 0.0, 0.3], [0.01, 0.01, 0.31]])
        self.assertEqual(s["Glas"]["colors"], [[0.0, 0.0, 1.0, 0.5]], "50 % transparent")

    def test_freecads_assembly_example_arrives_whole(self):
        fc = self.start_freecad()
        if fc.eval(FIND_EXAMPLE) is None:
            self.skipTest("this FreeCAD has no AssemblyExample.FCStd among its examples (it came with 1.0)")
        b = self.start_blender()
        truth = fc.eval(FIND_EXAMPLE + OPEN_EXAMPLE)
        fc.eval(menu_action("LiveLink_ExportToBlender"))
        self.report_matches(fc, sent_line(objects=truth["solids"]), timeout=60)
        self.assertNotIn("could not be meshed", fc.eval(REPORT))
        s = b.eval(BLENDER_STATE)
        meshes = sorted(n for n in s if s[n]["type"] == "MESH")
        self.assertEqual(len(meshes), truth["solids"], "every visible solid")
        self.assertEqual(meshes, sorted(truth["bounds"]))
        self.assertEqual(sorted(n for n in s if s[n]["type"] != "MESH"), truth["tops"], "nothing else")
        for name, (lo, hi) in truth["bounds"].items():
            # The 3D view's triangles lie on the surfaces: their bounds are within its deviation (0.5 % of the
            # object's size) of the exact ones.
            tol = 0.001 + 0.01 * max(h - l for h, l in zip(hi, lo)) / 1000.0
            for got, want in zip(s[name]["min"] + s[name]["max"], lo + hi):
                self.assertAlmostEqual(got, want / 1000.0, delta=tol, msg="%s: %s %s" % (name, s[name], lo + hi))
        for link, target in truth["links"].items():
            self.assertEqual(s[link]["mesh_ptr"], s[target]["mesh_ptr"], "%s shares %s's mesh" % (link, target))

    def test_the_mod_runs_from_a_clone_of_the_repository(self):
        # What FreeCAD's Addon Manager does: the repository in the Mod folder, under any name, with the root
        # package.xml pointing FreeCAD at connectors/freecad/LiveLink.
        # Where the installer put the Mod: FreeCAD's user data folder, versioned since 1.1 (.../FreeCAD/v1-1/Mod).
        installed = glob.glob(os.path.join(self.sb.home, ".local", "share", "FreeCAD", "**", "Mod", "LiveLink"),
                              recursive=True)
        self.assertEqual(len(installed), 1, installed)
        mod = os.path.dirname(installed[0])
        shutil.rmtree(installed[0])
        clone = os.path.join(mod, "livelink")
        for f in ("package.xml", "LICENSE"):
            os.makedirs(clone, exist_ok=True)
            shutil.copy(os.path.join(REPO, f), clone)
        shutil.copytree(os.path.join(REPO, "connectors", "freecad", "LiveLink"),
                        os.path.join(clone, "connectors", "freecad", "LiveLink"),
                        ignore=shutil.ignore_patterns("__pycache__"))
        fc = self.start_freecad()
        self.assertEqual(fc.eval("import livelink_freecad, os\n"
                                 "result = os.path.relpath(livelink_freecad.__file__, %r)" % clone),
                         os.path.join("connectors", "freecad", "LiveLink", "livelink_freecad", "__init__.py"))
        self.assertTrue(fc.eval("result = 'LiveLinkWorkbench' in Gui.listWorkbenches()"))
        self.assertEqual(fc.eval(BLENDER_MENU + "result = [a.objectName() for a in menu.actions()][0]"),
                         "LiveLink_ExportToBlender")

    def test_export_to_reaches_only_the_chosen_blender(self):
        b1 = self.start_blender()
        b2 = self.start_blender()
        fc = self.start_freecad()
        fc.eval(MAKE_DOC)
        second = b2.eval(link_status("peer"))
        apps.wait_until(lambda: fc.eval(
            BLENDER_MENU + "menu_actions = menu.actions()\n"
            "sub = [a for a in menu_actions if a.objectName() == 'LiveLink_ExportTo'][0].menu()\n"
            "sub.aboutToShow.emit()\nresult = len([a for a in sub.actions() if a.isEnabled()]) == 2"),
            what="both Blenders in Export to")
        fc.eval(menu_action("LiveLink_ExportTo_" + second))
        self.report_matches(fc, sent_line())
        self.assertIn("Box", b2.eval(BLENDER_STATE))
        self.assertEqual(b1.eval(BLENDER_STATE), {})
        # Export to Blender now goes to the last one chosen.
        fc.eval("App.getDocument('Demo').getObject('Box').Length = 1500\nApp.getDocument('Demo').recompute()\n"
                "result = 1")
        fc.eval(menu_action("LiveLink_ExportToBlender"))
        apps.wait_until(lambda: b2.eval(BLENDER_STATE)["Box"]["max"][0] == 1.5, what="second Blender updated")
        self.assertEqual(b1.eval(BLENDER_STATE), {})

    def test_freecad_starts_the_hub_once_it_is_up(self):
        # No hub runs: the Mod starts one with the launcher the installer recorded as soon as FreeCAD is up, before
        # any send, so that the hub has warmed itself up by the first Export.
        self.hub.stop()
        fc = self.start_freecad()
        state = ("from livelink_freecad.gui import current_controller\n"
                 "result = current_controller().sender().hub_state()")
        apps.wait_until(lambda: fc.eval(state) == "connected", timeout=60,
                        what="FreeCAD connected to the hub it started")
        with open(os.path.join(self.sb.livelink_home, "hub.json")) as f:
            pid = json.load(f)["pid"]
        self.assertNotEqual(pid, self.hub.proc.pid)
        self.assertEqual(self.sb.run("status").returncode, 0)
        self.assertEqual(fc.eval(SENDS_STATE + "result = len(sends['sends'])"), 0, "no send was made")

    def test_clear_messages_without_document_or_blender(self):
        fc = self.start_freecad()
        # The menu is there, whole and before Help, in every workbench: FreeCAD builds the menu bar again on each
        # switch (1.0+ through the Mod's workbench manipulator, 0.20 by the Mod adding it back).
        for wb in ("PartWorkbench", "PartDesignWorkbench", "LiveLinkWorkbench", "AssemblyWorkbench"):
            if not fc.eval("result = %r in Gui.listWorkbenches()" % wb):
                continue  # the Assembly workbench came with 1.0
            # Read in the same call as the switch: the menu is whole as soon as the switch is over.
            self.assertEqual(fc.eval("Gui.activateWorkbench(%r)\n" % wb + BLENDER_MENU +
                                     "result = [Gui.activeWorkbench().name(), [a.text() for a in bar_actions][-2:], "
                                     "[a.objectName() for a in menu.actions()]]"),
                             [wb, ["&Blender", "&Help"], ["LiveLink_ExportToBlender", "LiveLink_ExportTo",
                                                          "LiveLink_AutoSync", "LiveLink_Receive", "",
                                                          "LiveLink_Status"]])
        fc.eval(menu_action("LiveLink_ExportToBlender"))
        self.report_has(fc, "No active document to export. Open or create a document first.")
        fc.eval(MAKE_DOC)
        # The send is queued and the command returns: its answer can only reach the Report view later, by the
        # signal from the send thread, which the GUI thread runs once this probe call is over.
        state = fc.eval("from PySide import QtGui\n" + menu_action("LiveLink_ExportToBlender") + SENDS_STATE +
                        "result = [sends['in_flight'], 'No Blender is connected' in Gui.getMainWindow()"
                        ".findChild(QtGui.QTextEdit, 'Report view').toPlainText()]")
        self.assertEqual(state, [1, False], "the command did not wait for the hub")
        self.report_has(fc, "No Blender is connected to livelink")
        self.assertEqual(fc.eval(SENDS)["in_flight"], 0)
        # FreeCAD keeps running and answering.
        self.assertEqual(fc.eval("result = App.ActiveDocument.Name"), "Demo")


if __name__ == "__main__":
    unittest.main()
