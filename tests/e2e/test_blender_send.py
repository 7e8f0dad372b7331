"""End to end: Blender sends. A real Blender (under Xvfb, with the installed add-on) builds a scene, Send to FreeCAD
publishes it, and the test reads what the hub holds: nodes, hierarchy, transforms in metres, the evaluated meshes and
their colours. Then Auto-send, a rename, Shift+D, a deletion and another unit scale. No receiver is needed: the hub
keeps every version."""
import math
import unittest

from common import ADDON, LinkTest, apps

from livelink_client import meshblob  # noqa: E402 - common put the shared client on the path
from livelink_client.events import EventStream  # noqa: E402

# Runs inside Blender: a cube scaled, rotated and bevelled; a two-material cube; an empty parenting two cubes; a
# cylinder whose parent is not sent; two empties instancing one collection. Leaves them selected.
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
    bsdf.inputs["Alpha"].default_value = 0.5 if name == "Blue" else 1.0
    two.data.materials.append(m)
two.data.polygons.foreach_set("material_index", [0, 0, 0, 1, 1, 1])
two.data.update()
rig = bpy.data.objects.new("Rig", None); C.scene.collection.objects.link(rig)
rig.location = (0, 0, 1); rig.rotation_euler = (0, 0, 0.5)
stand = bpy.data.objects.new("Stand", None); C.scene.collection.objects.link(stand); stand.location = (0, 0, 5)
C.view_layer.update()
for name, loc in (("Arm", (1, 0, 0)), ("Leg", (0, 1, 0))):
    k = cube(name, 0.5, loc); C.view_layer.update()
    k.parent = rig; k.matrix_parent_inverse = rig.matrix_world.inverted()
bpy.ops.mesh.primitive_cylinder_add(location=(0, 0, 1)); orphan = C.active_object; orphan.name = "Orphan"
orphan.parent = stand
src = bpy.data.collections.new("Src"); C.scene.collection.children.link(src)
bpy.ops.mesh.primitive_uv_sphere_add(location=(0, 0, 3)); sphere = C.active_object; sphere.name = "Sphere"
for c in sphere.users_collection:
    c.objects.unlink(sphere)
src.objects.link(sphere)
for name, y in (("Inst1", 10), ("Inst2", -10)):
    e = bpy.data.objects.new(name, None); e.instance_type = "COLLECTION"; e.instance_collection = src
    C.scene.collection.objects.link(e); e.location = (0, y, 0)
C.view_layer.update()
SENT = ("Box", "TwoTone", "Rig", "Arm", "Leg", "Orphan", "Inst1", "Inst2")
for o in C.scene.objects:
    o.select_set(o.name in SENT)
result = {o.name: [x for row in o.matrix_world for x in row] for o in C.scene.objects}
'''

SENDER = ADDON + "s = addon.current_sender()\n"

# Runs inside Blender: the panel, File > Export and the Send to... menu drawn into a layout that records each call.
DRAW = ADDON + r'''
ui = sys.modules[addon.__name__ + ".blender.ui"]
sendui = sys.modules[addon.__name__ + ".blender.sendui"]
class Layout:
    def __init__(self, log):
        self.log = log
    def column(self, **kw):
        return self
    row = box = column
    def label(self, text="", **kw):
        self.log.append(["label", text])
    def operator(self, idname, text="", **kw):
        op = type("Op", (), {})()
        self.log.append(["operator", idname, text, op.__dict__])
        return op
    def menu(self, idname, text="", **kw):
        self.log.append(["menu", idname])
    def prop(self, data, name, **kw):
        self.log.append(["prop", name, getattr(data, name)])
def draw(fn):
    log = []
    fn(type("Owner", (), {"layout": Layout(log)})(), bpy.context)
    return log
result = {"panel": draw(ui.LIVELINK_PT_panel.draw), "export": draw(sendui.draw_export),
          "menu": draw(sendui.LIVELINK_MT_send_to.draw)}
'''

CUBE = r'''
for o in list(bpy.data.objects):
    bpy.data.objects.remove(o)
bpy.ops.mesh.primitive_cube_add(size=1)
bpy.context.active_object.name = "Part"
bpy.context.active_object.select_set(True)
result = True
'''


def mat_mul(a, b):
    return [sum(a[r * 4 + k] * b[k * 4 + c] for k in range(4)) for r in range(4) for c in range(4)]


class BlenderSendTest(LinkTest):
    needs = ("blender", "xvfb-run")
    install = ("install", "blender")

    def setUp(self):
        super().setUp()
        self.b = self.start_blender()
        self.client = self.hub_client()

    def version(self, scene_id):
        return next((s["version"] for s in self.client.request("GET", "scenes")["scenes"] if s["id"] == scene_id), 0)

    def wait_version(self, scene_id, after, what):
        apps.wait_until(lambda: self.version(scene_id) > after, what=what)
        return self.version(scene_id)

    def latest(self, scene_id):
        """{name: node} of the latest version."""
        return {n["name"]: n for n in self.client.delta(scene_id, 0)["added"]}

    def world(self, nodes, node):
        by_id = {n["id"]: n for n in nodes.values()}
        m = node["transform"]
        while node["parent"]:
            node = by_id[node["parent"]]
            m = mat_mul(node["transform"], m)
        return m

    def bounds(self, mesh_hash):
        m = meshblob.decode(self.client.blobs([mesh_hash])[mesh_hash])
        p = m.positions
        size = [round(max(p[i::3]) - min(p[i::3]), 4) for i in range(3)]
        return size, m

    def assertMatrix(self, got, want, places=4):
        self.assertEqual([round(x, places) + 0.0 for x in got], [round(x, places) + 0.0 for x in want])

    def test_send_auto_send_rename_duplicate_delete_and_unit_scale(self):
        worlds = self.b.eval(BUILD)
        self.assertEqual(self.b.eval("result = sorted(bpy.ops.livelink.send_to_freecad())"), ["FINISHED"])
        sid = self.b.eval(SENDER + "result = s.status.scene")
        self.assertTrue(sid.startswith("blender:untitled-"), sid)
        v1 = self.wait_version(sid, 0, "the first version on the hub")
        scene = self.client.delta(sid, 0)["scene"]
        self.assertEqual((scene["units"], scene["up"], scene["source"].split()[0]), ("m", "Z", "Blender"))
        all_nodes = self.client.delta(sid, 0)["added"]
        self.assertEqual(sorted(n["name"] for n in all_nodes), ["Arm", "Box", "Inst1", "Inst2", "Leg", "Orphan", "Rig",
                                                               "Sphere", "Sphere", "TwoTone"],
                         "8 objects and the 2 instances of the collection")
        nodes = {n["name"]: n for n in all_nodes if n["name"] != "Sphere"}
        ids = {n["id"]: name for name, n in nodes.items()}
        self.assertEqual(nodes["Arm"]["parent"], nodes["Rig"]["id"])
        self.assertEqual(nodes["Leg"]["parent"], nodes["Rig"]["id"])
        self.assertIsNone(nodes["Orphan"]["parent"], "its parent is not sent: top level, world transform")
        for name in ("Box", "TwoTone", "Rig", "Arm", "Leg", "Orphan", "Inst1", "Inst2"):
            self.assertMatrix(self.world(nodes, nodes[name]), worlds[name])
        self.assertEqual([round(x, 4) for x in nodes["Orphan"]["transform"][3:12:4]], [0.0, 0.0, 6.0])
        # The evaluated Box: 2 m cube in its own frame, bevelled; its scale and turn are on the transform.
        size, box = self.bounds(nodes["Box"]["mesh"])
        self.assertEqual(size, [2.0, 2.0, 2.0])
        self.assertGreater(box.triangle_count, 12, "the Bevel modifier is applied")
        t = nodes["Box"]["transform"]
        self.assertEqual([round(math.sqrt(t[c] ** 2 + t[4 + c] ** 2 + t[8 + c] ** 2), 4) for c in range(3)],
                         [1.0, 2.0, 0.5])
        self.assertEqual([round(x, 4) for x in t[3:12:4]], [1.0, 2.0, 3.0])
        two = nodes["TwoTone"]
        self.assertEqual([m["color"] for m in two["materials"]], [[1.0, 0.0, 0.0, 1.0], [0.0, 0.0, 1.0, 0.5]])
        _, tm = self.bounds(two["mesh"])
        self.assertEqual(sorted(set(tm.material_index)), [0, 1])
        self.assertEqual(self.bounds(nodes["Arm"]["mesh"])[0], [0.5, 0.5, 0.5])
        # Two instancers, one instance each, one shared mesh.
        instances = [n for n in all_nodes if n["name"] == "Sphere"]
        self.assertEqual(sorted(n["parent"] for n in instances), sorted([nodes["Inst1"]["id"], nodes["Inst2"]["id"]]))
        self.assertEqual(len({n["mesh"] for n in instances}), 1)
        self.assertEqual(sorted([round(x, 4) + 0.0 for x in mat_mul(nodes[ids[n["parent"]]]["transform"],
                                                              n["transform"])[3:12:4]] for n in instances),
                         [[0.0, -10.0, 3.0], [0.0, 10.0, 3.0]])
        print("\n  first send: %s" % self.b.eval(SENDER + "result = '%d objects read in %.1f ms' % "
                                                             "(s.status.objects, s.status.collect_ms)"))

        # Auto-send: an edit re-sends that object only, once the edit settles.
        box_id = nodes["Box"]["id"]
        self.b.eval("bpy.context.window_manager.livelink_auto_send = True\n"
                    "bpy.data.objects['Box'].scale = (3, 2, 0.5)\nresult = True")
        v2 = self.wait_version(sid, v1, "Auto-send after scaling the Box")
        d = self.client.delta(sid, v1)
        self.assertEqual(([c["node"]["id"] for c in d["changed"]], d["added"], d["removed"]), ([box_id], [], []))
        self.assertEqual(d["changed"][0]["fields"], ["transform"])

        # A rename keeps the node.
        self.b.eval("bpy.data.objects['Box'].name = 'Crate'\n"
                    "for o in bpy.context.scene.objects:\n    o.select_set(o.name == 'Crate')\n"
                    "result = sorted(bpy.ops.livelink.send_to_freecad())")
        apps.wait_until(lambda: "Crate" in self.latest(sid), what="the rename on the hub")
        v3 = self.version(sid)
        d = self.client.delta(sid, v2)
        self.assertEqual([(c["node"]["id"], c["fields"]) for c in d["changed"]], [(box_id, ["name"])])
        self.assertEqual(len(self.client.delta(sid, 0)["added"]), 10)

        # Shift+D: the copy carries the Crate's custom properties, and gets an id of its own.
        self.b.eval("w = bpy.context.window_manager.windows[0]\n"
                    "a = next(a for a in w.screen.areas if a.type == 'VIEW_3D')\n"
                    "r = next(r for r in a.regions if r.type == 'WINDOW')\n"
                    "bpy.context.view_layer.objects.active = bpy.data.objects['Crate']\n"
                    "with bpy.context.temp_override(window=w, area=a, region=r):\n"
                    "    bpy.ops.object.duplicate()\n"
                    "result = True")
        apps.wait_until(lambda: "Crate.001" in self.latest(sid), what="Auto-send of the Shift+D copy")
        v4 = self.version(sid)
        nodes = self.latest(sid)
        self.assertEqual(nodes["Crate"]["id"], box_id)
        self.assertNotEqual(nodes["Crate.001"]["id"], box_id)
        self.assertEqual(nodes["Crate.001"]["mesh"], nodes["Crate"]["mesh"])
        d = self.client.delta(sid, v3)
        self.assertEqual(([n["name"] for n in d["added"]], d["removed"]), (["Crate.001"], []))
        self.assertEqual(self.b.eval("result = bpy.data.objects['Crate.001']['livelink_send_id']"),
                         nodes["Crate.001"]["id"])

        # Deleting a sent object with Auto-send on removes it downstream.
        copy_id = nodes["Crate.001"]["id"]
        self.b.eval("bpy.data.objects.remove(bpy.data.objects['Crate.001'])\nresult = True")
        apps.wait_until(lambda: "Crate.001" not in self.latest(sid), what="the deletion on the hub")
        self.assertEqual(self.client.delta(sid, v4)["removed"], [copy_id])

        # Another unit scale: every length in metres changes with it.
        v5 = self.version(sid)
        self.b.eval("bpy.context.scene.unit_settings.scale_length = 0.01\nresult = True")
        self.wait_version(sid, v5, "Auto-send after the unit scale changed")
        nodes = self.latest(sid)
        self.assertEqual([round(x, 6) for x in nodes["Crate"]["transform"][3:12:4]], [0.01, 0.02, 0.03])
        self.assertEqual(self.bounds(nodes["Crate"]["mesh"])[0], [0.02, 0.02, 0.02])
        self.assertEqual(self.b.eval(SENDER + "result = s.status.error"), "")

    def pending(self, scene_id, version):
        return sorted(self.client.request("GET", "scenes/%s/versions/%d/acks?wait=0" % (scene_id, version))["pending"])

    def status(self, field):
        return self.b.eval(SENDER + "result = getattr(s.status, %r)" % field)

    def connected(self, peer):
        """Keeps the peer's event stream open, as a FreeCAD receiver does: the hub drops a peer that registered and
        never connected after 30 s, which a slow run of this test outlasted."""
        stream = EventStream(self.client.port, self.client.token, peer)
        self.addCleanup(stream.close)
        return peer

    def test_send_to_a_chosen_receiver_and_the_answers_in_the_status(self):
        demo = self.connected(self.client.register("FreeCAD", "1.0.0", "Demo", role="both"))
        other = self.connected(self.client.register("FreeCAD", "1.0.0", "Other", role="receiver"))
        self.client.register("livelink", "0.1.0", "", role="sender")
        apps.wait_until(lambda: self.b.eval(SENDER + "result = len(s.receivers())") == 2,
                        what="Blender to list the two receivers")
        ui = self.b.eval(DRAW)
        self.assertEqual([(e[2], e[3]) for e in ui["menu"]], [("FreeCAD 1.0 (Demo)", {"target": demo}),
                                                              ("FreeCAD 1.0 (Other)", {"target": other})])
        self.assertEqual([e[:2] for e in ui["export"]], [["operator", "livelink.send_to_freecad"],
                                                         ["menu", "LIVELINK_MT_send_to"]])
        self.assertIn(["operator", "livelink.send_to_freecad", "", {}], ui["panel"])
        self.assertIn(["prop", "livelink_auto_send", False], ui["panel"])
        # Send to... one of them: only it is sent the version, and its answer reaches the status bar and panel.
        self.b.eval(CUBE)
        self.b.eval("result = sorted(bpy.ops.livelink.send_to_freecad(target=%r))" % other)
        sid = self.status("scene")
        self.wait_version(sid, 0, "the version on the hub")
        self.assertEqual(self.pending(sid, 1), [other])
        self.client.ack(sid, 1, other, True, "", {"total_ms": 7.0})
        line = apps.wait_until(lambda: (lambda t: t if t.startswith("Sent") else None)(self.status("last")),
                               what="the ack in the panel")
        self.assertRegex(line, r"^Sent 1 object to FreeCAD 1\.0 \(Other\): applied in \d+ ms$")
        # Send to FreeCAD: every FreeCAD; a failure shows the receiver's reason.
        self.b.eval("result = sorted(bpy.ops.livelink.send_to_freecad())")
        self.wait_version(sid, 1, "the second version")
        self.assertEqual(self.pending(sid, 2), sorted([demo, other]))
        self.client.ack(sid, 2, demo, False, "no shape", {})
        apps.wait_until(lambda: self.status("error"), what="the failure in the panel")
        self.assertEqual(self.status("error"), "FreeCAD 1.0 (Demo) could not apply untitled: no shape")


if __name__ == "__main__":
    unittest.main()
