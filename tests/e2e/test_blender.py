"""End to end: the hub, real Blender windows under Xvfb with the installed add-on, and `livelink send`."""
import os
import unittest

from common import ADDON, BLENDER_STATE, FIXTURES, LinkTest, apps, link_status, peers, write_box


class BlenderLinkTest(LinkTest):
    needs = ("blender", "xvfb-run")
    install = ("install", "blender")
    with_hub = False  # some tests start one, others let the add-on start it

    def blender(self, blend=None):
        return self.start_blender(blend=blend)

    def send(self, *args):
        p = self.sb.run("send", "--wait", "--timeout", "20", *args, check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        return p.stdout

    def state(self, b):
        return b.eval(BLENDER_STATE)

    def test_scene_arrives_in_metres_with_colours_hierarchy_and_instances(self):
        b = self.blender()  # no hub yet: the add-on starts it with the launcher the installer recorded
        out = self.send(os.path.join(FIXTURES, "box_1x2x3_yup_two_colours.obj"), "--units", "mm",
                        "--scene", "Boxes")
        self.assertIn("blender-", out)
        s = self.state(b)
        box = s["Box"]
        # 1 x 2 x 3 mm, Y-up in the file -> 0.001 x 0.002 x 0.003 m, Z up in Blender.
        self.assertEqual([round(a - c, 6) for a, c in zip(box["max"], box["min"])], [0.001, 0.002, 0.003])
        self.assertEqual(box["colors"], [[1.0, 0.0, 0.0, 1.0], [0.0, 0.0, 1.0, 0.5]])
        self.assertEqual(box["collections"], ["Boxes"])
        self.assertTrue(box["smooth"])
        self.send(os.path.join(FIXTURES, "box_instanced_twice_yup.gltf"))
        s = self.state(b)
        self.assertEqual(s["Child"]["parent"], "Parent")
        self.assertEqual(s["Child"]["mesh_ptr"], s["Parent"]["mesh_ptr"], "instances share one mesh")
        self.assertEqual(s["Child"]["min"], [10.0, 0.0, 0.0])
        self.assertEqual(s["Child"]["max"], [11.0, 2.0, 3.0])
        self.assertEqual(s["Parent"]["colors"], [[0.0, 1.0, 0.0, 1.0]])
        principled = b.eval("m = bpy.data.objects['Parent'].data.materials[0]\n"
                            "n = next(n for n in m.node_tree.nodes if n.type == 'BSDF_PRINCIPLED')\n"
                            "result = [round(x, 3) for x in n.inputs['Base Color'].default_value] + "
                            "[round(n.inputs['Roughness'].default_value, 3)]")
        self.assertEqual(principled, [0.0, 1.0, 0.0, 1.0, 0.7])

    def test_update_changes_only_the_edited_part_and_keeps_artist_edits(self):
        self.start_hub()
        b = self.blender()
        d = self.sb.dir
        a_path, b_path = os.path.join(d, "a.obj"), os.path.join(d, "b.obj")
        write_box(a_path, 1000, 500, 250, "A")
        write_box(b_path, 100, 100, 100, "B")
        self.send(a_path, b_path, "--up", "Z", "--scene", "Parts")
        before = self.state(b)
        self.assertEqual(before["A"]["max"], [1.0, 0.5, 0.25])
        # The artist: a modifier on B, their own material on B, A moved to a collection of their own.
        b.eval("import bpy\n"
               "ob = bpy.data.objects['B']; ob.modifiers.new('Bevel', 'BEVEL')\n"
               "mine = bpy.data.materials.new('ArtistGold'); ob.data.materials[0] = mine\n"
               "c = bpy.data.collections.new('Artist'); bpy.context.scene.collection.children.link(c)\n"
               "a = bpy.data.objects['A']; c.objects.link(a); bpy.data.collections['Parts'].objects.unlink(a)\n"
               "a.modifiers.new('Sub', 'SUBSURF')\n"
               "result = True")
        write_box(a_path, 2000, 500, 250, "A")
        out = self.send(a_path, b_path, "--up", "Z", "--scene", "Parts")
        self.assertIn("0 added, 1 changed, 0 removed", out)
        after = self.state(b)
        self.assertEqual(sorted(after), ["A", "B"], "no duplicates")
        self.assertEqual(after["A"]["max"], [2.0, 0.5, 0.25])
        self.assertEqual(after["A"]["collections"], ["Artist"])
        self.assertEqual(after["A"]["modifiers"], ["SUBSURF"])
        self.assertEqual(after["B"]["mesh_ptr"], before["B"]["mesh_ptr"], "B's mesh was not rebuilt")
        self.assertEqual(after["B"]["modifiers"], ["BEVEL"])
        self.assertEqual(after["B"]["material_names"], ["ArtistGold"])
        # Same version again (a re-send of unchanged files) creates nothing.
        out = self.send(a_path, b_path, "--up", "Z", "--scene", "Parts")
        self.assertIn("0 added, 0 changed, 0 removed", out)
        self.assertEqual(sorted(self.state(b)), ["A", "B"])
        # Removed upstream -> removed in Blender.
        self.send(a_path, "--up", "Z", "--scene", "Parts")
        self.assertEqual(sorted(self.state(b)), ["A"])

    def test_objects_the_artist_deleted_duplicated_or_renamed_are_updated_right(self):
        # The add-on keeps which object holds each node between versions: what the artist did in between must not
        # make it update the wrong object, make one twice or lose one.
        self.start_hub()
        b = self.blender()
        paths = [os.path.join(self.sb.dir, n + ".obj") for n in "ABC"]
        for n, p in zip("ABC", paths):
            write_box(p, 1000, 1000, 1000, n)
        self.send(*paths, "--up", "Z", "--scene", "Parts")
        b.eval("import bpy\n"
               "bpy.data.objects.remove(bpy.data.objects['A'])\n"
               "ob = bpy.data.objects['B']; dup = ob.copy(); dup.data = ob.data.copy()\n"  # Shift+D
               "ob.users_collection[0].objects.link(dup)\n"
               "bpy.data.objects['C'].name = 'MyC'\n"
               "result = True")
        for n, p in zip("ABC", paths):
            write_box(p, 2000, 1000, 1000, n)
        out = self.send(*paths, "--up", "Z", "--scene", "Parts")
        self.assertIn("0 added, 3 changed, 0 removed", out)
        s = self.state(b)
        self.assertEqual(sorted(s), ["A", "B", "B.001", "MyC"])
        self.assertEqual(s["A"]["max"], [2.0, 1.0, 1.0], "the deleted one is made again")
        self.assertEqual(s["B"]["max"], [2.0, 1.0, 1.0], "the original is updated")
        self.assertEqual(s["B.001"]["max"], [1.0, 1.0, 1.0], "the artist's copy is left alone")
        self.assertEqual(s["MyC"]["max"], [2.0, 1.0, 1.0], "the renamed one is found")
        # Removed upstream: the original goes, the artist's copy stays.
        self.send(paths[0], paths[2], "--up", "Z", "--scene", "Parts")
        self.assertEqual(sorted(self.state(b)), ["A", "B.001", "MyC"])

    def test_restarted_blender_catches_up(self):
        self.start_hub()
        b = self.blender()
        box = os.path.join(self.sb.dir, "box.obj")
        write_box(box, 1000, 1000, 1000, "Cube1m")
        self.send(box, "--up", "Z", "--scene", "Catch")
        b.kill()
        write_box(box, 3000, 1000, 1000, "Cube1m")
        p = self.sb.run("send", box, "--up", "Z", "--scene", "Catch")
        self.assertIn("version 2", p.stdout)
        b2 = self.blender()
        s = apps.wait_until(lambda: self.state(b2).get("Cube1m"), what="catch-up in the new Blender")
        self.assertEqual(s["max"], [3.0, 1.0, 1.0])

    def test_saved_blend_keeps_identity_and_catches_up_when_reopened(self):
        self.start_hub()
        b = self.blender()
        box = os.path.join(self.sb.dir, "box.obj")
        write_box(box, 1000, 1000, 1000, "Kept")
        self.send(box, "--up", "Z", "--scene", "Saved")
        path = os.path.join(self.sb.dir, "artist.blend")
        # The artist renames the object and saves; then Blender goes away.
        b.eval("bpy.data.objects['Kept'].name = 'ArtistName'\n"
               "bpy.ops.wm.save_as_mainfile(filepath=%r)\nresult = True" % path)
        b.kill()
        write_box(box, 2000, 1000, 1000, "Kept")
        self.sb.run("send", box, "--up", "Z", "--scene", "Saved")
        b2 = self.blender(blend=path)
        s = apps.wait_until(lambda: (lambda st: st if st.get("ArtistName", {}).get("max") == [2.0, 1.0, 1.0]
                                     else None)(self.state(b2)), what="the reopened .blend to catch up")
        self.assertEqual(list(s), ["ArtistName"], "updated in place under the artist's name, no duplicate")
        self.assertNotIn(b2.eval(link_status("peer")), ("", None))
        doc = [p["document"] for p in peers(self.sb) if p["app"] == "Blender"]
        self.assertEqual(doc, ["artist.blend"])

    def test_two_blenders_each_get_only_what_targets_them(self):
        self.start_hub()
        b1, b2 = self.blender(), self.blender()
        ids = [p["id"] for p in peers(self.sb) if p["app"] == "Blender"]
        self.assertEqual(len(ids), 2)
        first = b1.eval(link_status("peer"))
        second = [i for i in ids if i != first][0]
        box = os.path.join(self.sb.dir, "box.obj")
        write_box(box, 10, 10, 10, "OnlyFirst")
        out = self.send(box, "--to", first, "--scene", "ToFirst")
        self.assertIn("to 1 receiver(s)", out)
        write_box(box, 10, 10, 10, "OnlySecond")
        self.send(box, "--to", second, "--scene", "ToSecond")
        self.assertEqual(list(self.state(b1)), ["OnlyFirst"])
        self.assertEqual(list(self.state(b2)), ["OnlySecond"])

    def test_hub_going_away_is_shown_and_the_link_comes_back(self):
        self.start_hub()
        b = self.blender()
        self.hub.stop()
        # Blender notices (the panel counts it: a reconnect may be quicker than a look at the panel), auto-start
        # brings a hub back with the recorded launcher, and the link reconnects on its own.
        apps.wait_until(lambda: b.eval(link_status("drops")) == 1, what="Blender to notice")
        apps.wait_until(lambda: b.eval(link_status()) == "connected", timeout=60, what="reconnect")
        box = os.path.join(self.sb.dir, "box.obj")
        write_box(box, 10, 10, 10, "Back")
        self.send(box)
        self.assertIn("Back", self.state(b))

    def test_quit_with_link_active_tears_down_within_two_seconds(self):
        b = self.blender()
        box = os.path.join(self.sb.dir, "box.obj")
        write_box(box, 10, 10, 10, "Q")
        self.send(box)
        figure = os.path.join(self.sb.dir, "teardown_ms")
        # The add-on's own teardown, timed inside Blender around the call quitting makes (unregister or atexit,
        # whichever comes first); the process itself only has to be gone within a watchdog.
        b.eval(ADDON + "import time\nruntime = sys.modules[addon.__name__ + '.blender.runtime']\n"
               "stop = runtime.stop_link\n"
               "def timed():\n"
               "    if runtime.current_link() is None:\n        return\n"
               "    t = time.perf_counter(); stop()\n"
               "    open(%r, 'w').write('%%.1f' %% ((time.perf_counter() - t) * 1000))\n"
               "runtime.stop_link = timed\n"
               "bpy.app.timers.register(lambda: bpy.ops.wm.quit_blender(), first_interval=0.1)\nresult = 1" % figure)
        b.proc.wait(timeout=30)
        with open(figure) as f:
            self.assertLess(float(f.read()), 2000.0, "the add-on's teardown in ms")

if __name__ == "__main__":
    unittest.main()
