"""End to end: no echo with both toggles on. A real FreeCAD (Auto-sync on) and a real Blender (Auto-send on) edit
their own objects, alone and at the same moment, while each receives the other's: FreeCAD's box gets longer, Blender's
cube moves and stretches. Every edit makes exactly one version of its own side's scene; what arrived from the other
side is never sent back, and nothing ping-pongs once the edits stop. Counted from the hub's versions and the
manifests it stored; the sizes read from both applications."""
import glob
import json
import os
import time
import unittest

from common import ADDON, BLENDER_STATE, LinkTest, apps
from test_blender_to_freecad import FC_STATE, REPORT
from test_freecad import menu_action

# The sequence: F edits FreeCAD's box, B moves and stretches Blender's cube, FB does both before either arrives.
# Each step waits for its edits to arrive on the other side before the next starts; ~30 s here.
STEPS = ("F", "B") * 20 + ("FB",) * 10
# Polls in a row that must find both applications idle and the hub's counts unchanged before the run is called
# quiet. Each poll runs on both applications' main threads, so they are turns of their event loops, not a time.
QUIET_POLLS = 20

FC_DOC = r'''
doc = App.newDocument("Shop")
beam = doc.addObject("Part::Box", "Beam"); beam.Length, beam.Width, beam.Height = 1000, 200, 100
doc.recompute()
Gui.updateGui()
result = True
'''

FC_READY = ("from livelink_freecad.gui import current_controller\n"
            "result = len(current_controller().sender().blenders())")

BL_SEND = '''
o = bpy.data.objects['Cube']
o.name = o.data.name = 'Crate'
for x in bpy.context.scene.objects:
    x.select_set(x.name == 'Crate')
result = sorted(bpy.ops.livelink.send_to_freecad())
'''

# Idle: nothing in flight and no debounce running (FreeCAD's Auto-sync, Blender's Auto-send). What each side
# received is checked at the hub: every version acked.
FC_IDLE = ("from livelink_freecad.gui import current_controller\nc = current_controller()\n"
           "result = not c.in_flight and not c.autosync_pending")
BL_IDLE = ADDON + "result = addon.current_sender().idle"
BL_STATUS = ADDON + "s = addon.current_sender()\nresult = [s.status.last, s.status.error, s.idle]"
# Every object of FreeCAD's document but the App::Part's origin (its axes and planes).
FC_OBJECTS = ("result = [o.Label for o in App.getDocument('Shop').Objects\n"
              "          if o.TypeId == 'App::Part' or not o.TypeId.startswith('App::')]")
BL_RECEIVERS = ADDON + "result = [p['app'] for p in addon.current_sender().receivers()]"


def beam_length(i):
    """FreeCAD's box length after its i-th edit, mm."""
    return 1000 + 100 * i


def crate(i):
    """Blender's cube after its i-th edit: (x location m, x scale)."""
    return 0.5 * i, 1.0 + 0.25 * i


class NoEchoTest(LinkTest):
    def setUp(self):
        super().setUp()
        self.client = self.hub_client()
        self.stored, self.read = {}, set()

    # ---- the hub's side --------------------------------------------------------------------------------------------

    def scenes(self):
        """{app: (scene id, latest version)} of every scene the hub holds, by the app that sent it."""
        out = {}
        for s in self.client.request("GET", "scenes")["scenes"]:
            app = s["source"].split(" ")[0]
            self.assertNotIn(app, out, "one scene per side: %s" % s)
            out[app] = (s["id"], s["version"])
        return out

    def acked(self, scene, version):
        a = self.client.request("GET", "scenes/%s/versions/%d/acks" % (scene, version))
        return a["complete"] and all(x["status"] == "ok" for x in a["acks"])

    def read_stored(self):
        """Adds to self.stored ({scene id: {version: its file}}) the versions the hub has stored since the last call:
        the manifest of every version it took. Called after every step: the hub keeps a scene's last 20 versions on
        disk and this run makes more."""
        for f in glob.glob(os.path.join(self.sb.livelink_home, "store", "scenes", "*", "v*.json")):
            if f in self.read:
                continue
            try:
                with open(f) as fh:
                    v = json.load(fh)
            except FileNotFoundError:
                continue  # dropped as older than the last 20 before it was read: the count of manifests says so
            self.read.add(f)
            self.stored.setdefault(v["scene"]["id"], {})[v["version"]] = v

    # ---- the applications' side -----------------------------------------------------------------------------------

    def fc_state(self):
        return self.fc.eval(FC_STATE)

    def wait(self, read, check, what, timeout=60):
        try:
            return apps.wait_until(lambda: (lambda s: s if check(s) else None)(read()), timeout=timeout, what=what)
        except AssertionError as e:
            raise AssertionError("%s\nFreeCAD's Report view:\n%s\nBlender's send status: %s\nhub: %s" % (
                e, self.fc.eval(REPORT)[-3000:], self.b.eval(BL_STATUS), self.scenes())) from None

    def edit_freecad(self, i):
        self.fc.eval("doc = App.getDocument('Shop')\ndoc.getObject('Beam').Length = %d\ndoc.recompute()\n"
                     "result = True" % beam_length(i))

    def edit_blender(self, i):
        x, sx = crate(i)
        self.b.eval("o = bpy.data.objects['Crate']\no.location.x = %r\no.scale = (%r, 1, 1)\nresult = True" % (x, sx))

    def beam_in_blender(self, i):
        return self.wait(lambda: self.b.eval(BLENDER_STATE),
                         lambda s: "Beam" in s and round(s["Beam"]["max"][0] - s["Beam"]["min"][0], 4)
                         == beam_length(i) / 1000.0, "FreeCAD's box %d mm long in Blender" % beam_length(i))

    def crate_in_freecad(self, i):
        x, sx = crate(i)
        return self.wait(self.fc_state, lambda s: "Crate" in s and s["Crate"]["size"][0] == 2000.0 * sx
                         and s["Crate"]["base"][0] == 1000.0 * x, "Blender's cube (edit %d) in FreeCAD" % i)

    def quiet(self):
        """The run has gone quiet: QUIET_POLLS polls in a row find every version of both scenes acked by the other
        side, both applications idle and the hub's versions unchanged. Returns the versions."""
        seen, same = None, 0

        def poll():
            nonlocal seen, same
            now = self.scenes()
            idle = (all(self.acked(*now[app]) for app in ("FreeCAD", "Blender")) and self.fc.eval(FC_IDLE)
                    and self.b.eval(BL_IDLE))
            same = same + 1 if idle and now == seen else 0
            seen = now
            return now if same >= QUIET_POLLS else None
        return apps.wait_until(poll, timeout=120, what="both sides to go quiet")

    def test_both_toggles_on_edits_on_both_sides_nothing_ping_pongs(self):
        self.fc = self.start_freecad()
        self.b = self.start_blender()
        self.assertTrue(self.fc.eval(FC_DOC))
        apps.wait_until(lambda: self.fc.eval(FC_READY) == 1, timeout=60, what="FreeCAD to list Blender")
        apps.wait_until(lambda: self.b.eval(BL_RECEIVERS) == ["FreeCAD"], timeout=60, what="Blender to list FreeCAD")

        # The first sends, on purpose: FreeCAD's box to Blender, Blender's cube to FreeCAD (into the active document).
        self.fc.eval(menu_action("LiveLink_ExportToBlender"))
        self.beam_in_blender(0)
        self.assertEqual(self.b.eval(BL_SEND), ["FINISHED"])
        self.crate_in_freecad(0)

        # Both toggles on.
        self.fc.eval("from livelink_freecad.gui import current_controller\n"
                     "current_controller().set_autosync(True)\nresult = True")
        self.b.eval("bpy.context.window_manager.livelink_auto_send = True\nresult = True")
        fc_edits = bl_edits = 0
        began = time.monotonic()  # for the log only
        for step in STEPS:
            if "F" in step:
                fc_edits += 1
                self.edit_freecad(fc_edits)
            if "B" in step:
                bl_edits += 1
                self.edit_blender(bl_edits)
            if "F" in step:
                self.beam_in_blender(fc_edits)
            if "B" in step:
                self.crate_in_freecad(bl_edits)
            self.read_stored()

        took = time.monotonic() - began
        versions = self.quiet()
        fc_scene, fc_versions = versions["FreeCAD"]
        bl_scene, bl_versions = versions["Blender"]
        print("\n%d FreeCAD edits -> %d versions of %s; %d Blender edits -> %d versions of %s; edits took %.0f s" % (
            fc_edits, fc_versions, fc_scene, bl_edits, bl_versions, bl_scene, took))
        self.assertEqual(sorted(versions), ["Blender", "FreeCAD"], "no other scene")
        self.assertEqual(fc_versions, 1 + fc_edits, "FreeCAD: the first send and one version per edit")
        self.assertEqual(bl_versions, 1 + bl_edits, "Blender: the first send and one version per edit")

        # Every version the hub took: each side's scene holds its own object only, never the other side's.
        self.read_stored()
        stored = self.stored
        self.assertEqual(sorted(stored), sorted([fc_scene, bl_scene]))
        for scene, app, own in ((fc_scene, "FreeCAD", "Beam"), (bl_scene, "Blender", "Crate")):
            self.assertEqual(sorted(stored[scene]), list(range(1, 1 + (fc_versions if app == "FreeCAD"
                                                                        else bl_versions))))
            ids = set()
            for n, v in sorted(stored[scene].items()):
                self.assertEqual(v["senderApp"], app, "%s v%d" % (scene, n))
                self.assertTrue(v["scene"]["source"].startswith(app + " "))
                self.assertEqual([node["name"] for node in v["scene"]["nodes"]], [own], "%s v%d" % (scene, n))
                ids |= {node["id"] for node in v["scene"]["nodes"]}
            self.assertEqual(len(ids), 1, "the same object in every version of %s" % scene)
        fc_ids = {node["id"] for v in stored[fc_scene].values() for node in v["scene"]["nodes"]}
        bl_ids = {node["id"] for v in stored[bl_scene].values() for node in v["scene"]["nodes"]}
        self.assertFalse(fc_ids & bl_ids)

        # Both sides end with the right objects, once each: FreeCAD's last box in Blender in metres, Blender's last
        # cube in FreeCAD in mm.
        s = self.b.eval(BLENDER_STATE)
        self.assertEqual(sorted(s), ["Beam"], "one received object in Blender")
        self.assertEqual([round(s["Beam"]["max"][i] - s["Beam"]["min"][i], 4) for i in range(3)],
                         [beam_length(fc_edits) / 1000.0, 0.2, 0.1])
        self.assertEqual(sorted(self.b.eval("result = [o.name for o in bpy.data.objects]")),
                         ["Beam", "Camera", "Crate", "Light"], "nothing duplicated in Blender")
        f = self.fc_state()
        x, sx = crate(bl_edits)
        self.assertEqual(sorted(f), ["Crate", "untitled"], "Blender's cube in its App::Part")
        self.assertEqual((f["Crate"]["size"], f["Crate"]["base"]),
                         ([2000.0 * sx, 2000.0, 2000.0], [1000.0 * x, 0.0, 0.0]))
        self.assertEqual(f["Crate"]["id"], next(iter(bl_ids)))
        self.assertEqual(sorted(self.fc.eval(FC_OBJECTS)), ["Beam", "Crate", "untitled"],
                         "nothing duplicated in FreeCAD")
        self.assertEqual(self.fc.eval("result = App.getDocument('Shop').getObject('Beam').Shape.BoundBox.XLength"),
                         beam_length(fc_edits))


if __name__ == "__main__":
    unittest.main()
