"""End to end: Blender sends, FreeCAD receives. A real Blender and a real FreeCAD (GUI, under Xvfb) with the
installed add-on and Mod: Send to FreeCAD (the operator) brings a scaled, turned and bevelled cube, a two-material
cube and an empty parenting two cubes into FreeCAD as Mesh features in an App::Part named after the .blend; Auto-send
edits, a rename and Shift+D change the same FreeCAD objects; and neither side sends back what it received."""
import json
import math
import unittest

from common import ADDON, BLENDER_STATE, HubClient, LinkTest, apps

# Runs inside Blender: the scene of the issue, selected.
BUILD = r'''
import bpy, math
C = bpy.context
for o in list(bpy.data.objects):
    bpy.data.objects.remove(o)
def cube(name, size, loc):
    bpy.ops.mesh.primitive_cube_add(size=size, location=loc)
    o = C.active_object
    o.name = o.data.name = name
    return o
box = cube("Box", 2, (1, 2, 3)); box.scale = (1, 2, 0.5); box.rotation_euler = (0, 0, math.pi / 2)
bevel = box.modifiers.new("Bevel", "BEVEL"); bevel.width = 0.1; bevel.segments = 2
two = cube("TwoTone", 1, (5, 0, 0))
for name, rgba in (("Red", (1, 0, 0, 1)), ("Blue", (0, 0, 1, 1))):
    m = bpy.data.materials.new(name); m.use_nodes = True
    bsdf = next(n for n in m.node_tree.nodes if n.type == "BSDF_PRINCIPLED")
    bsdf.inputs["Base Color"].default_value = rgba
    two.data.materials.append(m)
two.data.polygons.foreach_set("material_index", [0, 0, 0, 1, 1, 1])
two.data.update()
rig = bpy.data.objects.new("Rig", None); C.scene.collection.objects.link(rig)
rig.location = (0, 0, 1); rig.rotation_euler = (0, 0, 0.5)
C.view_layer.update()
for name, loc in (("Arm", (1, 0, 0)), ("Leg", (0, 1, 0))):
    k = cube(name, 0.5, loc); C.view_layer.update()
    k.parent = rig; k.matrix_parent_inverse = rig.matrix_world.inverted()
C.view_layer.update()
for o in C.scene.objects:
    o.select_set(True)
result = True
'''

SENDER = ADDON + "s = addon.current_sender()\n"
REPORT = ("from PySide import QtGui\n"
          "result = Gui.getMainWindow().findChild(QtGui.QTextEdit, 'Report view').toPlainText()")

# Runs inside FreeCAD: every object the link made, by Label: its document, Name, type, node id, App::Part, global
# placement, and for meshes their size in their own frame and bounds in the world (mm), colours and what the 3D view
# binds them with (Coin's SoMaterialBinding: 5 is PER_FACE).
FC_STATE = r'''
import math
import pivy.coin as coin
def _binding(o):
    sa = coin.SoSearchAction(); sa.setType(coin.SoMaterialBinding.getClassTypeId())
    sa.setInterest(coin.SoSearchAction.FIRST); sa.apply(o.ViewObject.RootNode)
    return sa.getPath().getTail().value.getValue()
def _state():
    out = {}
    for doc in App.listDocuments().values():
        for o in doc.Objects:
            if "LiveLinkScene" not in o.PropertiesList:
                continue
            g = o.getGlobalPlacement()
            parent = o.getParentGeoFeatureGroup()
            d = {"doc": doc.Name, "name": o.Name, "type": o.TypeId, "id": o.LiveLinkId,
                 "parent": parent.Label if parent else None, "base": [round(x, 2) + 0.0 for x in g.Base],
                 "angle": round(math.degrees(g.Rotation.Angle), 3), "axis_z": round(g.Rotation.Axis.z, 3),
                 "undo": list(doc.UndoNames)}
            if o.isDerivedFrom("Mesh::Feature"):
                m = o.Mesh.copy(); m.Placement = App.Placement(); b = m.BoundBox
                w = o.Mesh.copy(); w.Placement = g; wb = w.BoundBox
                vo = o.ViewObject
                d.update(size=[round(b.XLength, 1), round(b.YLength, 1), round(b.ZLength, 1)],
                         min=[round(wb.XMin, 1), round(wb.YMin, 1), round(wb.ZMin, 1)],
                         max=[round(wb.XMax, 1), round(wb.YMax, 1), round(wb.ZMax, 1)],
                         facets=m.CountFacets, color=[round(x, 3) for x in vo.ShapeColor[:3]],
                         transparency=vo.Transparency, binding=_binding(o))
                colors = {}
                for c in getattr(o, "FaceColors", []):
                    k = tuple(round(x, 3) for x in c[:3]); colors[k] = colors.get(k, 0) + 1
                d["faces"] = sorted([list(k), n] for k, n in colors.items())
            out[o.Label] = d
    return out
result = _state()
'''


def nodes_of(sandbox, source):
    """{name: node} of the latest version of every scene the hub holds from `source` (an app name)."""
    c = HubClient.discover(sandbox.livelink_home)
    try:
        out = {}
        for s in c.request("GET", "scenes")["scenes"]:
            if s["source"].split(" ")[0] == source:
                out.update({n["name"]: n for n in c.delta(s["id"], 0)["added"]})
        return out
    finally:
        c.close()


class BlenderToFreeCADTest(LinkTest):
    def state(self):
        return self.fc.eval(FC_STATE)

    def until(self, check, what, timeout=30):
        """FreeCAD's state once check(state) holds; else fails with what FreeCAD said."""
        try:
            return apps.wait_until(lambda: (lambda s: s if check(s) else None)(self.state()), timeout=timeout,
                                   what=what)
        except AssertionError as e:
            raise AssertionError("%s\nFreeCAD's Report view:\n%s\nobjects: %s" % (e, self.fc.eval(REPORT),
                                                                                  sorted(self.state()))) from None

    def test_send_auto_send_rename_duplicate_and_no_echo(self):
        self.fc = self.start_freecad()
        b = self.start_blender()
        apps.wait_until(lambda: b.eval(SENDER + "result = [p['app'] for p in s.receivers()]") == ["FreeCAD"],
                        timeout=60, what="Blender to list FreeCAD as a receiver")
        self.assertTrue(b.eval(BUILD))
        self.assertEqual(b.eval("result = sorted(bpy.ops.livelink.send_to_freecad())"), ["FINISHED"])
        s = self.until(lambda s: {"Box", "TwoTone", "Arm", "Leg"} <= set(s), "the scene in FreeCAD")
        self.assertEqual(sorted(s), ["Arm", "Box", "Leg", "Rig", "TwoTone", "untitled"], "nothing else")
        self.assertEqual({o["doc"] for o in s.values()}, {"untitled"}, "a new document named after the .blend")
        root = s["untitled"]
        self.assertEqual((root["type"], root["id"], root["parent"]), ("App::Part", "", None))
        self.assertEqual([(s[n]["type"], s[n]["parent"]) for n in ("Box", "TwoTone", "Rig", "Arm", "Leg")],
                         [("Mesh::Feature", "untitled"), ("Mesh::Feature", "untitled"), ("App::Part", "untitled"),
                          ("Mesh::Feature", "Rig"), ("Mesh::Feature", "Rig")])
        self.assertIn("Live Link: untitled v1", root["undo"], "one undo step")
        # The box: a 2 m cube, bevelled (its bounds stay), scaled 1 x 2 x 0.5 and turned 90 degrees about z.
        box = s["Box"]
        self.assertEqual(box["size"], [2000.0, 4000.0, 1000.0], "the scale is in the mesh, in mm")
        self.assertGreater(box["facets"], 12, "the Bevel modifier is applied")
        self.assertEqual((box["base"], box["angle"], box["axis_z"]), ([1000.0, 2000.0, 3000.0], 90.0, 1.0))
        self.assertEqual((box["min"], box["max"]), ([-1000.0, 1000.0, 2500.0], [3000.0, 3000.0, 3500.0]))
        two = s["TwoTone"]
        self.assertEqual(two["faces"], [[[0.0, 0.0, 1.0], 6], [[1.0, 0.0, 0.0], 6]], "red and blue faces")
        self.assertEqual((two["color"], two["binding"]), ([1.0, 0.0, 0.0], 5), "drawn per face")
        self.assertEqual((two["min"], two["max"]), ([4500.0, -500.0, -500.0], [5500.0, 500.0, 500.0]))
        self.assertEqual((s["Arm"]["size"], s["Arm"]["min"]), ([500.0, 500.0, 500.0], [750.0, -250.0, -250.0]))
        self.assertEqual(s["Leg"]["min"], [-250.0, 750.0, -250.0])
        self.assertEqual((s["Rig"]["base"], s["Rig"]["angle"]), ([0.0, 0.0, 1000.0], round(math.degrees(0.5), 3)))

        # The user moves the whole scene and relabels the two-tone cube; FreeCAD's Auto-sync is on, and the user's
        # own box goes to Blender: nothing received goes back.
        self.fc.eval("from livelink_freecad.gui import current_controller\n"
                     "doc = App.getDocument('untitled'); root = doc.getObjectsByLabel('untitled')[0]\n"
                     "root.Placement.Base = App.Vector(0, 0, 500)\n"
                     "doc.getObjectsByLabel('TwoTone')[0].Label = 'Mine'\n"
                     "current_controller().set_autosync(True)\n"
                     "doc.addObject('Part::Box', 'UserBox'); doc.recompute()\nresult = True")
        apps.wait_until(lambda: "UserBox" in nodes_of(self.sb, "FreeCAD"), timeout=30,
                        what="FreeCAD's Auto-sync to send the user's box")
        self.assertEqual(sorted(nodes_of(self.sb, "FreeCAD")), ["UserBox"], "no received object was sent back")
        apps.wait_until(lambda: "UserBox" in b.eval(BLENDER_STATE), what="the user's box in Blender")

        # Auto-send: the box gets wider in Blender; the same FreeCAD object changes. Blender does not send back
        # the box it received from FreeCAD.
        b.eval("bpy.context.window_manager.livelink_auto_send = True\n"
               "bpy.data.objects['Box'].scale = (3, 2, 0.5)\nresult = True")
        s2 = self.until(lambda s: s["Box"]["size"][0] == 6000.0, "the wider box in FreeCAD")
        self.assertEqual(sorted(s2), sorted(set(s) - {"TwoTone"} | {"Mine"}), "nothing duplicated")
        self.assertEqual(s2["Box"]["name"], box["name"])
        self.assertEqual(s2["Box"]["base"], [1000.0, 2000.0, 3500.0], "the user's move of the whole scene stays")
        self.assertIn("Mine", s2, "the user's label stays")
        self.assertNotIn("TwoTone", s2)
        self.assertNotIn("UserBox", nodes_of(self.sb, "Blender"), "Blender's Auto-send does not echo it")

        # A rename in Blender (sent with Send to FreeCAD): the same object, relabelled.
        b.eval("bpy.data.objects['Box'].name = 'Crate'\n"
               "for o in bpy.context.scene.objects:\n    o.select_set(o.name == 'Crate')\n"
               "result = sorted(bpy.ops.livelink.send_to_freecad())")
        s3 = self.until(lambda s: "Crate" in s, "the renamed box in FreeCAD")
        self.assertEqual((s3["Crate"]["name"], s3["Crate"]["id"]), (box["name"], box["id"]))
        self.assertNotIn("Box", s3)

        # Shift+D: a second object.
        b.eval("w = bpy.context.window_manager.windows[0]\n"
               "a = next(a for a in w.screen.areas if a.type == 'VIEW_3D')\n"
               "r = next(r for r in a.regions if r.type == 'WINDOW')\n"
               "for o in bpy.context.scene.objects:\n    o.select_set(o.name == 'Crate')\n"
               "bpy.context.view_layer.objects.active = bpy.data.objects['Crate']\n"
               "with bpy.context.temp_override(window=w, area=a, region=r):\n"
               "    bpy.ops.object.duplicate()\n"
               "result = True")
        s4 = self.until(lambda s: "Crate.001" in s, "the copy in FreeCAD")
        self.assertEqual(len(s4), len(s3) + 1)
        self.assertNotEqual(s4["Crate.001"]["name"], s4["Crate"]["name"])
        self.assertEqual(s4["Crate.001"]["size"], s4["Crate"]["size"])
        self.assertEqual(sorted(nodes_of(self.sb, "FreeCAD")), ["UserBox"], "still nothing received sent back")
        status = self.fc.eval("from livelink_freecad.gui import current_controller\n"
                              "result = current_controller().status_text()")
        self.assertIn("Receive from Blender: on", status)
        print("\n" + status[status.index("Receive from Blender:"):])
        self.assertEqual(json.loads(self.fc.eval("doc = App.getDocument('untitled')\n"
                                                 "result = doc.getObjectsByLabel('Crate')[0].LiveLinkNode"))["name"],
                         "Crate")


if __name__ == "__main__":
    unittest.main()
