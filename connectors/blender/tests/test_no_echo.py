"""No echo, Blender's side: Auto-send never sends what Blender received from the hub (objects carrying
livelink_scene / livelink_node, set by blender/apply.py), while Send to FreeCAD sends what the user selected, received
or not. blender/sendhost.py over a fake bpy; logic/sending.py over a fake host."""
import importlib
import sys
import types
import unittest

import fakebpy
import hostfree  # noqa: F401 - makes livelink_blender importable without Blender
from test_sending import FakeLink, FakeSendHost  # noqa: F401 - the logic side's fakes
from livelink_blender.logic.messages import SendDone
from livelink_blender.logic.sending import DEBOUNCE_S, Sender


class Props:
    """Custom properties, as an ID block has them."""

    def __init__(self, **props):
        self._props = dict(props)

    def get(self, key, default=None):
        return self._props.get(key, default)

    def __getitem__(self, key):
        return self._props[key]

    def __setitem__(self, key, value):
        self._props[key] = value

    def __contains__(self, key):
        return key in self._props


class Objects(list):
    def get(self, name):
        return next((o for o in self if o.name == name), None)

    def __getitem__(self, key):
        return self.get(key) if isinstance(key, str) else list.__getitem__(self, key)


def install_bpy():
    """fakebpy's bpy with what sendhost reads: objects with custom properties, the scene, the type classes."""
    bpy = fakebpy.make("4.3")

    class Object(Props):
        def __init__(self, name, **props):
            super().__init__(**props)
            self.name, self.parent, self.library, self.mode = name, None, None, "OBJECT"
            self.original, self.session_uid = self, id(self)

    class Material(Props):
        pass

    class Scene(Props):
        pass

    bpy.types.Object, bpy.types.Material, bpy.types.Scene, bpy.types.Collection = Object, Material, Scene, Scene
    bpy.types.Operator = object  # feedback.py's report operator is only defined
    bpy.props = types.SimpleNamespace(StringProperty=lambda **kw: None, EnumProperty=lambda **kw: None)
    scene = Scene()
    scene.objects = Objects()
    scene.unit_settings = types.SimpleNamespace(scale_length=1.0)
    bpy.data.objects, bpy.data.scenes, bpy.data.filepath = scene.objects, [scene], ""
    bpy.context = types.SimpleNamespace(scene=scene, evaluated_depsgraph_get=lambda: None)
    for name in ("livelink_blender.blender.sendhost", "livelink_blender.blender.apply",
                 "livelink_blender.blender.collect", "livelink_blender.blender.feedback", "livelink_blender.blender"):
        sys.modules.pop(name, None)
    return bpy, importlib.import_module("livelink_blender.blender.sendhost")


class Update:
    def __init__(self, block, geometry=True):
        self.id, self.is_updated_geometry, self.is_updated_transform = block, geometry, False


class SendHostTest(unittest.TestCase):
    def setUp(self):
        self.bpy, self.sendhost = install_bpy()
        self.addCleanup(lambda: [sys.modules.pop(n, None) for n in ("bpy", "mathutils",
                                                                    "livelink_blender.blender.sendhost",
                                                                    "livelink_blender.blender.apply",
                                                                    "livelink_blender.blender.collect",
                                                                    "livelink_blender.blender.feedback",
                                                                    "livelink_blender.blender")])
        Object = self.bpy.types.Object
        self.mine = Object("Mine")
        self.received = Object("Box", livelink_scene="Demo", livelink_node="Box")
        self.bpy.context.scene.objects.extend([self.mine, self.received])

    def test_auto_send_ignores_changes_to_received_objects(self):
        self.mine["livelink_send_id"] = "mine-1"
        self.received["livelink_send_id"] = "box-1"  # even one the user once sent on purpose
        ids, materials, structure = self.sendhost.changes(types.SimpleNamespace(
            updates=[Update(self.mine), Update(self.received)]))
        self.assertEqual((ids, structure), ({"mine-1"}, False))

    def test_only_what_the_user_selects_takes_part_and_a_received_object_is_marked(self):
        host = self.sendhost.BlenderSendHost()
        scan = host.scan({}, ["Mine"])
        self.assertEqual([p.name for p in scan.present.values()], ["Mine"], "the received box does not take part")
        scan = host.scan(scan.owners, ["Box"])  # Send to FreeCAD with the received box selected
        self.assertEqual(sorted((p.name, p.from_link) for p in scan.present.values()),
                         [("Box", True), ("Mine", False)])


class AutoSendTest(unittest.TestCase):
    def test_a_received_object_sent_once_goes_as_it_was_sent_and_is_never_read_again(self):
        link, host, clock = FakeLink(), FakeSendHost(), type("C", (), {"now": 0.0, "__call__": lambda s: s.now})()
        s = Sender(link, host, clock)
        host.add("Mine", 1.0)
        host.add("FromFreeCAD", 4.0, link=True)
        s.send(["Mine", "FromFreeCAD"])
        link.inbox.append(SendDone(1, "blender:a", 1, (), {}, 0, 0, {}, 0.0, 0.0))
        s.tick()
        host.objects["FromFreeCAD"]["x"] = 8.0  # FreeCAD sent a new version of it; the receiver applied it
        host.objects["Mine"]["x"] = 2.0
        s.changed(ids={"fromfreecad-id", "mine-id"})
        clock.now += DEBOUNCE_S
        s.debounce()
        self.assertEqual(host.collected[-1], ["mine-id"], "only the user's own object is read again")
        nodes = {n["id"]: n for n in link.jobs[-1].nodes}
        self.assertEqual(nodes["fromfreecad-id"]["transform"][3], 4.0, "as it was sent, not as it was received")


if __name__ == "__main__":
    unittest.main()
