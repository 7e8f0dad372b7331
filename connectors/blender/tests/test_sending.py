"""The sender's main-thread side over a fake SendHost and a fake network: what each send reads and publishes, one
send in flight, Auto-send's debounce and its no-echo rule, and what the user is told."""
import unittest
from array import array

import hostfree  # noqa: F401 - makes livelink_blender importable without bpy
from livelink_blender.logic.host import Scan, SendHost
from livelink_blender.logic.messages import AckReceived, MeshArrays, SendDone, SendFailed
from livelink_blender.logic.sending import peer_label, DEBOUNCE_S, SendError, Sender
from livelink_blender.logic.sendscene import Collected, Present

FREECAD = {"id": "freecad-1", "app": "FreeCAD", "appVersion": "1.0.0", "document": "Demo", "role": "both"}
OTHER_BLENDER = {"id": "blender-2", "app": "Blender", "appVersion": "4.3.2", "document": "b.blend", "role": "both"}
SENDER_ONLY = {"id": "cli-1", "app": "livelink", "appVersion": "0.1", "document": "", "role": "sender"}


def translate(x):
    return (1.0, 0.0, 0.0, x, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0)


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class FakeLink:
    def __init__(self):
        self.jobs, self.inbox, self.peer_list = [], [], [FREECAD]

    def send(self, job):
        self.jobs.append(job)

    def drain_sends(self):
        out, self.inbox = self.inbox, []
        return out

    def peers(self):
        return self.peer_list


class FakeSendHost(SendHost):
    """A Blender scene as a dict: object name -> {"id", "x", "parent", "link", "edit"}; ids are given on first send."""

    def __init__(self):
        self.objects, self.collected, self.reports, self.record, self.scale = {}, [], [], None, 1.0

    def add(self, name, x=0.0, parent=None, link=False, sid=None):
        self.objects[name] = {"id": sid, "x": x, "parent": parent, "link": link, "edit": False}

    def id_of(self, name):
        return self.objects[name]["id"]

    def scan(self, owners, explicit):
        ids = []
        for name in explicit:
            o = self.objects[name]
            o["id"] = o["id"] or name.lower() + "-id"
            ids.append(o["id"])
        present = {}
        for name, o in self.objects.items():
            if o["id"]:
                p = self.objects.get(o["parent"]) if o["parent"] else None
                present[o["id"]] = Present(o["id"], name, (p["id"],) if p and p["id"] else (), o["link"])
        editing = frozenset(o["id"] for o in self.objects.values() if o["edit"] and o["id"])
        sent, sent_scale = self.record[1:] if self.record else ({}, None)
        return Scan({"id": "blender:a", "name": "a"}, self.scale, present, tuple(ids), sent, sent_scale, {}, editing)

    def material_users(self, names):
        return [o["id"] for n, o in self.objects.items() if n in names]

    def collect(self, ids):
        self.collected.append(sorted(ids))
        by_id = {o["id"]: o for o in self.objects.values()}
        meshes = {"k-" + i: MeshArrays(array("f", [0.0] * 9), array("i", [0, 1, 2])) for i in ids}
        return {i: Collected(i, translate(by_id[i]["x"] * self.scale), "k-" + i) for i in ids}, meshes

    def remember(self, scene, names, scale):
        self.record = (scene["id"], dict(names), scale)

    def report(self, message, level):
        self.reports.append((level, message))

    def redraw(self):
        pass


class SenderTest(unittest.TestCase):
    def setUp(self):
        self.link, self.host, self.clock = FakeLink(), FakeSendHost(), Clock()
        self.s = Sender(self.link, self.host, self.clock)
        for name, x in (("Box", 1.0), ("Ball", 2.0), ("Gear", 3.0)):
            self.host.add(name, x)

    def done(self, version=None, targets=("freecad-1",)):
        job = self.link.jobs[-1]
        hashes = {k: "%064x" % (i + 1 + 100 * job.serial) for i, k in enumerate(sorted(job.meshes))}
        self.link.inbox.append(SendDone(job.serial, "blender:a", version or job.serial, tuple(targets), hashes, 1, 10,
                                        {}, 0.1, 1.0))
        self.s.tick()
        return job

    def nodes(self, job):
        return {n["id"]: n for n in job.nodes}

    def test_a_send_adds_the_selection_to_what_was_sent_and_reads_only_the_selection(self):
        self.assertIn("to FreeCAD 1.0 (Demo)", self.s.send(["Box"]))
        first = self.done()
        self.s.send(["Ball"])
        second = self.link.jobs[-1]
        self.assertEqual(self.host.collected, [["box-id"], ["ball-id"]])
        self.assertEqual(sorted(self.nodes(second)), ["ball-id", "box-id"], "the union, never fewer")
        self.assertEqual(self.nodes(second)["box-id"]["mesh"], self.nodes(first)["box-id"]["mesh"].replace(
            "k-box-id", "%064x" % 101), "kept as published, with its hash")
        self.assertEqual(self.host.record, ("blender:a", {"box-id": "Box", "ball-id": "Ball"}, 1.0))
        self.assertEqual(second.targets, ("freecad-1",))

    def test_nothing_selected_is_an_error_for_the_operator(self):
        with self.assertRaises(SendError):
            self.s.send([])

    def test_one_send_in_flight_and_the_next_waits_for_it(self):
        self.s.send(["Box"])
        self.assertIn("queued", self.s.send(["Ball"]))
        self.assertEqual(len(self.link.jobs), 1)
        self.done()
        self.assertEqual(len(self.link.jobs), 2)
        self.assertEqual(sorted(self.nodes(self.link.jobs[1])), ["ball-id", "box-id"])

    def test_acks_become_one_line_per_receiver_even_when_they_overtake_the_publish_answer(self):
        self.s.send(["Box", "Ball"])
        job = self.link.jobs[-1]
        self.clock.now += 0.040
        self.link.inbox.append(AckReceived("blender:a", 1, "freecad-1", True, "", "FreeCAD", "1.0.0", "Demo", {}))
        self.s.tick()
        self.assertEqual(self.host.reports, [], "an ack before its SendDone waits for it")
        self.link.inbox.append(SendDone(job.serial, "blender:a", 1, ("freecad-1",), {}, 0, 0, {}, 0.0, 0.0))
        self.s.tick()
        self.assertEqual(self.host.reports, [("INFO", "Sent 2 objects to FreeCAD 1.0 (Demo): applied in 40 ms")])
        self.s.send(["Gear"])
        self.done(version=2)
        self.link.inbox.append(AckReceived("blender:a", 2, "freecad-1", False, "shape is null", "FreeCAD", "1.0.0",
                                           "Demo", {}))
        self.s.tick()
        self.assertEqual(self.host.reports[-1], ("ERROR", "FreeCAD 1.0 (Demo) could not apply a: shape is null"))
        self.assertEqual(self.s.status.error, "FreeCAD 1.0 (Demo) could not apply a: shape is null")

    def test_peers_on_other_machines_are_offered_only_with_online_access(self):
        remote = dict(FREECAD, id="freecad-remote", remote=True, host="artist-pc")
        self.link.peer_list = [FREECAD, remote]
        self.assertEqual([p["id"] for p in self.s.receivers()], [FREECAD["id"], "freecad-remote"])
        self.host.online_access = lambda: False
        self.assertEqual([p["id"] for p in self.s.receivers()], [FREECAD["id"]])
        self.assertEqual(self.s.default_targets(), (FREECAD["id"],))
        self.assertEqual(peer_label(remote), peer_label(FREECAD) + " on artist-pc")

    def test_an_ack_that_names_objects_the_receiver_skipped_is_a_warning(self):
        self.s.send(["Box", "Ball"])
        self.done()
        reason = "skipped 1 object whose mesh could not be made: Ball (ball-id): it has no faces"
        self.link.inbox.append(AckReceived("blender:a", 1, "freecad-1", True, reason, "FreeCAD", "1.0.0", "Demo", {}))
        self.s.tick()
        self.assertEqual(self.host.reports[-1][0], "WARNING")
        self.assertRegex(self.host.reports[-1][1], r"^Sent 2 objects to FreeCAD 1\.0 \(Demo\): applied in \d+ ms; "
                                                   + reason.replace("(", r"\(").replace(")", r"\)") + "$")

    def test_with_no_freecad_the_hub_keeps_the_version_and_the_user_is_told(self):
        self.link.peer_list = [OTHER_BLENDER, SENDER_ONLY]
        self.assertIn("the hub", self.s.send(["Box"]))
        self.assertEqual(self.link.jobs[-1].targets, ())
        self.done(targets=())
        self.assertIn("no receiver connected", self.host.reports[-1][1])

    def test_send_to_one_receiver_and_auto_send_follows_it_while_it_stays(self):
        self.link.peer_list = [FREECAD, OTHER_BLENDER, SENDER_ONLY]
        self.assertEqual([p["id"] for p in self.s.receivers()], ["freecad-1", "blender-2"])
        self.s.send(["Box"], target="blender-2")
        self.assertEqual(self.link.jobs[-1].targets, ("blender-2",))
        self.done()
        self.edit("Box", x=5.0)
        self.assertEqual(self.link.jobs[-1].targets, ("blender-2",))
        self.done()
        self.link.peer_list = [FREECAD]
        self.edit("Box", x=6.0)
        self.assertEqual(self.link.jobs[-1].targets, ("freecad-1",))

    def edit(self, name, x=None, **marks):
        if x is not None:
            self.host.objects[name]["x"] = x
        armed = self.s.changed(ids={self.host.id_of(name)}, **marks)
        self.clock.now += DEBOUNCE_S
        return armed, self.s.debounce()

    def test_auto_send_waits_for_edits_to_settle_and_reads_only_what_changed(self):
        self.s.send(["Box", "Ball"])
        self.done()
        self.assertTrue(self.s.changed(ids={"box-id"}))
        self.clock.now += 0.1
        self.assertFalse(self.s.changed(ids={"box-id"}), "the running timer is pushed back, not doubled")
        self.host.objects["Box"]["x"] = 9.0
        self.clock.now += 0.1
        self.assertAlmostEqual(self.s.debounce(), DEBOUNCE_S - 0.1, places=6, msg="0.3 s after the last edit")
        self.clock.now += DEBOUNCE_S
        self.assertIsNone(self.s.debounce())
        self.assertEqual(self.host.collected[-1], ["box-id"])
        job = self.link.jobs[-1]
        self.assertEqual(self.nodes(job)["box-id"]["transform"][3], 9.0)
        self.assertEqual(sorted(self.nodes(job)), ["ball-id", "box-id"])

    def test_idle_until_an_edit_arms_the_debounce_and_again_once_its_send_is_done(self):
        self.s.send(["Box"])
        self.assertFalse(self.s.idle, "a send in flight")
        self.done()
        self.assertTrue(self.s.idle)
        self.s.changed(ids={"box-id"})
        self.assertFalse(self.s.idle, "the debounce runs")
        self.clock.now += DEBOUNCE_S
        self.s.debounce()
        self.assertFalse(self.s.idle, "its send is in flight")
        self.done()
        self.assertTrue(self.s.idle)

    def test_an_edit_blender_evaluates_while_a_send_reads_goes_in_the_next_send(self):
        # Blender runs the depsgraph handler when a send reads the evaluated scene: an edit made just before (here
        # the ball moved while an update from the link armed the debounce) is marked in the middle of the send.
        self.s.send(["Box", "Ball"])
        self.done()
        self.s.changed(structure=True)
        self.host.objects["Ball"]["x"] = 5.0
        collect = self.host.collect

        def collect_and_mark(ids):
            self.host.collect = collect
            self.assertTrue(self.s.changed(ids={"ball-id"}))
            return collect(ids)
        self.host.collect = collect_and_mark
        self.clock.now += DEBOUNCE_S
        self.assertEqual(self.s.debounce(), DEBOUNCE_S, "the running timer waits for the edit it saw")
        self.assertEqual(len(self.link.jobs), 1, "nothing of this .blend had changed when it read")
        self.clock.now += DEBOUNCE_S
        self.assertIsNone(self.s.debounce())
        self.assertEqual(self.host.collected[-1], ["ball-id"])
        self.assertEqual(self.nodes(self.link.jobs[-1])["ball-id"]["transform"][3], 5.0)
        self.done()
        self.assertTrue(self.s.idle)

    def test_an_edit_marked_while_its_own_object_is_read_is_not_sent_twice(self):
        self.s.send(["Box", "Ball"])
        self.done()
        self.s.changed(ids={"ball-id"})
        self.host.objects["Ball"]["x"] = 5.0
        collect = self.host.collect

        def collect_and_mark(ids):
            self.host.collect = collect
            self.s.changed(ids={"ball-id"})  # the same edit, seen again as Blender evaluates it for the read
            return collect(ids)
        self.host.collect = collect_and_mark
        self.clock.now += DEBOUNCE_S
        self.assertEqual(self.s.debounce(), DEBOUNCE_S)
        self.assertEqual(self.host.collected[-1], ["ball-id"])
        self.done()
        self.clock.now += DEBOUNCE_S
        self.assertIsNone(self.s.debounce())
        self.assertEqual(len(self.link.jobs), 2, "one send for the one edit")
        self.assertTrue(self.s.idle)

    def test_auto_send_never_echoes_objects_that_arrived_from_the_link(self):
        self.host.add("FromFreeCAD", 4.0, link=True)
        self.s.send(["Box", "FromFreeCAD"])  # explicitly selected: sent
        self.done()
        self.host.objects["FromFreeCAD"]["x"] = 8.0  # the receiver applied an update
        self.edit("FromFreeCAD")
        self.assertEqual(len(self.link.jobs), 1, "nothing sent back")

    def test_a_structural_update_with_nothing_changed_sends_nothing_and_a_removal_sends(self):
        self.s.send(["Box", "Ball"])
        self.done()
        self.s.changed(structure=True)
        self.clock.now += DEBOUNCE_S
        self.s.debounce()
        self.assertEqual(len(self.link.jobs), 1)
        del self.host.objects["Ball"]
        self.s.changed(structure=True)
        self.clock.now += DEBOUNCE_S
        self.s.debounce()
        self.assertEqual(sorted(self.nodes(self.link.jobs[-1])), ["box-id"])
        self.assertEqual(self.s.status.last, "Sending the removal of 1 object (read in 0 ms)")

    def test_a_new_copy_is_read_and_an_object_in_edit_mode_waits(self):
        self.s.send(["Box"])
        self.done()
        self.host.add("Box.001", 1.0, sid="box-copy-id")  # the host gave the Shift+D copy an id of its own
        self.host.objects["Box"]["edit"] = True
        self.edit("Box", x=3.0)
        self.assertEqual(self.host.collected[-1], ["box-copy-id"])
        self.done()
        self.host.objects["Box"]["edit"] = False
        self.edit("Box")
        self.assertEqual(self.host.collected[-1], ["box-id"], "sent once out of edit mode")

    def test_a_failed_send_is_reported_and_auto_send_retries_its_objects(self):
        self.s.send(["Box", "Ball"])
        self.done()
        self.edit("Box", x=2.0)
        self.link.inbox.append(SendFailed(self.link.jobs[-1].serial, "the hub on port 1 does not answer"))
        self.s.tick()
        self.assertEqual(self.host.reports[-1], ("ERROR", "Could not send 1 object: the hub on port 1 does not answer"))
        self.edit("Ball", x=7.0)
        self.assertEqual(self.host.collected[-1], ["ball-id", "box-id"])

    def test_another_unit_scale_reads_everything_again(self):
        self.s.send(["Box", "Ball"])
        self.done()
        self.host.scale = 0.01
        self.s.send(["Box"])
        self.assertEqual(self.host.collected[-1], ["ball-id", "box-id"])
        self.done()
        self.host.scale = 0.001
        self.s.changed(structure=True)  # Auto-send sees the scene change
        self.clock.now += DEBOUNCE_S
        self.s.debounce()
        self.assertEqual(self.host.collected[-1], ["ball-id", "box-id"])
        self.s = Sender(self.link, self.host, self.clock)  # reopened, and the unit scale changed before an edit
        self.host.scale = 1.0
        self.s.changed(structure=True)
        self.clock.now += DEBOUNCE_S
        self.s.debounce()
        self.assertEqual(self.nodes(self.link.jobs[-1])["box-id"]["transform"][3], 1.0)

    def test_auto_send_turned_off_forgets_the_marks(self):
        self.s.send(["Box"])
        self.done()
        self.s.changed(ids={"box-id"})
        self.s.forget_changes()
        self.assertTrue(self.s.changed(structure=True), "a new timer may start")
        self.clock.now += DEBOUNCE_S
        self.s.debounce()
        self.assertEqual(len(self.link.jobs), 1)

    def test_reopened_auto_send_waits_for_an_edit_then_sends_everything_once(self):
        self.s.send(["Box", "Ball"])
        self.done()
        self.s = Sender(self.link, self.host, self.clock)  # Blender restarted with the saved .blend
        self.s.changed(structure=True)  # a click that selects
        self.clock.now += DEBOUNCE_S
        self.s.debounce()
        self.assertEqual(len(self.link.jobs), 1, "what the .blend recorded is what the hub holds")
        self.edit("Box", x=4.0)
        self.assertEqual(self.host.collected[-1], ["ball-id", "box-id"], "nothing cached: all read once")
        del self.host.objects["Ball"]
        self.s = Sender(self.link, self.host, self.clock)
        self.s.changed(structure=True)
        self.clock.now += DEBOUNCE_S
        self.s.debounce()
        self.assertEqual(sorted(self.nodes(self.link.jobs[-1])), ["box-id"], "a deletion since is sent")

    def test_another_file_forgets_what_was_in_flight(self):
        self.s.send(["Box"])
        self.s.file_loaded()
        self.done()
        self.assertEqual(self.host.reports, [])
        self.s.send(["Ball"])
        self.assertEqual(self.host.collected[-1], ["ball-id", "box-id"], "nothing cached from the old file")


if __name__ == "__main__":
    unittest.main()
