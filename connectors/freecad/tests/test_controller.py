"""The Controller in plain Python: fc's stand-ins for FreeCAD, a fake document source, a fake sender, a fake ui."""
import contextlib
import io
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "LiveLink"))
from livelink_freecad import fc  # noqa: E402
from livelink_freecad.controller import Controller  # noqa: E402
from livelink_freecad.livelink_client import Ack  # noqa: E402
from livelink_freecad.net.sender import NotSent, Published  # noqa: E402
from livelink_freecad.scene.model import ExportError, Item, Mesh, MeshError, MeshSource  # noqa: E402

IDENTITY = (1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1)


class Doc:
    def __init__(self, name, label=None):
        self.Name, self.Label = name, label or name


class Obj:
    def __init__(self, name, doc):
        self.Name, self.Document = name, doc


def demo_contents():
    """The e2e test's document: a box, a cylinder, a Body in a Part, and a link to the Part (sharing its mesh)."""
    items = [Item("Box", "Box", None, IDENTITY, "Box"), Item("Cylinder", "Cylinder", None, IDENTITY, "Cylinder"),
             Item("Part", "Part", None, IDENTITY), Item("Body", "Body", "Part", IDENTITY, "Body"),
             Item("Link", "Link", None, IDENTITY), Item("Link:Body", "Body (Link)", "Link", IDENTITY, "Body")]
    return items, tuple(MeshSource(n, object(), label=n) for n in ("Box", "Cylinder", "Body"))


class FakeDocuments:
    """Documents as the Controller sees them; each mesh() call is recorded, and a shape's edits count makes its
    bytes, so an edited object gets a new mesh."""

    def __init__(self):
        self.current = None
        self.open = []
        self.contents = {}
        self.edits = {}
        self.meshed = []
        self.fail = None
        self.unmeshable = {}  # object name -> why it cannot be meshed

    def add(self, doc, contents):
        self.open.append(doc)
        self.contents[doc.Name] = contents
        self.current = doc

    def active(self):
        return self.current

    def is_open(self, doc):
        return doc in self.open

    def deviation(self):
        return 0.0

    def collect(self, doc):
        if self.fail:
            raise ExportError(self.fail)
        return self.contents[doc.Name]

    def mesh(self, source, deviation):
        self.meshed.append(source.name)
        if source.name in self.unmeshable:
            raise MeshError(self.unmeshable[source.name])
        return Mesh.of(("%s edit %d" % (source.name, self.edits.get(source.name, 0))).encode())


class FakeSender:
    def __init__(self):
        self.peers = []
        self.jobs = []
        self.closed = False
        self.space = ""

    def blenders(self):
        return list(self.peers)

    def hub_state(self):
        return "connected"

    def space_state(self):
        return self.space

    def submit(self, job):
        self.jobs.append(job)

    def set_receiving(self, on):
        self.receiving = on

    def start_hub(self):
        self.hub_started = True

    def close(self):
        self.closed = True


class FakeUi:
    def __init__(self):
        self.restarts = self.stops = 0
        self.shown = []

    def restart_debounce(self):
        self.restarts += 1

    def stop_debounce(self):
        self.stops += 1

    def show_autosync(self, on):
        self.shown.append(on)

    def show_receive(self, on):
        self.shown.append(("receive", on))


class Clock:
    """perf_counter() stand-in: 10 ms pass between two readings."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        self.now += 0.010
        return self.now


def blender(n, document="untitled"):
    return {"id": "blender-%d" % n, "app": "Blender", "appVersion": "3.4.1", "document": document, "pid": 40 + n,
            "role": "receiver", "connected": True}


class ControllerTestCase(unittest.TestCase):
    def setUp(self):
        self.docs = FakeDocuments()
        self.demo = Doc("Demo")
        self.docs.add(self.demo, demo_contents())
        self.sender = FakeSender()
        self.ui = FakeUi()
        self.made_for = []
        self.clock = Clock()
        self.c = Controller(self.docs, self.make_sender, self.ui, clock=self.clock)

    def make_sender(self, document, receive):
        self.made_for.append(document)
        self.sender.receiving = receive
        return self.sender

    def said(self, fn, *args):
        """(stdout, stderr) that fc's stand-in Console printed while fn ran."""
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            fn(*args)
        return out.getvalue(), err.getvalue()


class TargetTest(ControllerTestCase):
    def test_the_only_blender_connected_is_the_target(self):
        self.sender.peers = [blender(1)]
        self.assertEqual(self.c.export().targets, ("blender-1",))
        self.assertEqual(self.made_for, ["Demo"], "one sender, registered under the active document")

    def test_several_blenders_and_none_chosen_leaves_it_to_the_hub(self):
        self.sender.peers = [blender(1), blender(2)]
        self.assertEqual(self.c.export().targets, ())
        self.sender.peers = []
        self.assertEqual(self.c.export().targets, ())

    def test_the_last_blender_chosen_is_kept_while_it_is_connected(self):
        self.sender.peers = [blender(1), blender(2)]
        self.assertEqual(self.c.export_to("blender-2").targets, ("blender-2",))
        self.assertEqual(self.c.export().targets, ("blender-2",))
        self.sender.peers = [blender(1), blender(3)]
        self.assertEqual(self.c.export().targets, (), "the chosen one left: several again, the hub decides")
        self.sender.peers = [blender(2), blender(3)]
        self.assertEqual(self.c.export().targets, ("blender-2",), "and it is chosen again when it is back")

    def test_export_to_lists_every_connected_blender(self):
        self.sender.peers = [blender(1), blender(2, "shop.blend")]
        self.assertEqual(self.c.targets(), [("blender-1", "Blender 3.4.1 — untitled (pid 41)"),
                                            ("blender-2", "Blender 3.4.1 — shop.blend (pid 42)")])


class CacheTest(ControllerTestCase):
    def test_unchanged_objects_are_meshed_once_and_links_share_the_mesh(self):
        job = self.c.export()
        self.assertEqual(self.docs.meshed, ["Box", "Cylinder", "Body"])
        nodes = {n["id"]: n for n in job.scene["nodes"]}
        self.assertEqual(nodes["Link:Body"]["mesh"], nodes["Body"]["mesh"])
        self.assertIsNone(nodes["Part"]["mesh"])
        self.assertEqual(job.objects, 4)
        self.assertEqual(sorted(m.hash for m in job.meshes),
                         sorted({nodes[n]["mesh"] for n in ("Box", "Cylinder", "Body")}))
        again = self.c.export()
        self.assertEqual(self.docs.meshed, ["Box", "Cylinder", "Body"], "all from the cache")
        self.assertEqual(again.scene, job.scene)

    def test_a_changed_shape_is_meshed_again_and_nothing_else(self):
        first = {n["id"]: n["mesh"] for n in self.c.export().scene["nodes"]}
        box = Obj("Box", self.demo)
        self.c.observer.slotChangedObject(box, "Label")
        self.c.observer.slotChangedObject(box, "Length")
        self.c.export()
        self.assertEqual(self.docs.meshed, ["Box", "Cylinder", "Body"], "only Shape and Mesh invalidate")
        self.docs.edits["Box"] = 1
        self.c.observer.slotChangedObject(box, "Shape")
        then = {n["id"]: n["mesh"] for n in self.c.export().scene["nodes"]}
        self.assertEqual(self.docs.meshed[3:], ["Box"])
        self.assertEqual([k for k in first if first[k] != then[k]], ["Box"])

    def test_deleted_objects_and_documents_drop_their_meshes(self):
        self.c.export()
        self.c.observer.slotDeletedObject(Obj("Cylinder", self.demo))
        self.c.export()
        self.assertEqual(self.docs.meshed[3:], ["Cylinder"])
        self.c.observer.slotDeletedDocument(self.demo)
        self.c.export()
        self.assertEqual(self.docs.meshed[4:], ["Box", "Cylinder", "Body"])
        self.c.observer.slotCreatedDocument(self.demo)  # a new document may reuse a closed one's name
        self.c.export()
        self.assertEqual(len(self.docs.meshed), 10)


class MessagesTest(ControllerTestCase):
    def setUp(self):
        super().setUp()
        self.job = self.c.export()  # the Clock makes prepare_ms 10

    def published(self, targets=("blender-1",), acks=(), pending=(), version=1):
        return Published(self.job, self.job.started + 0.120, version, targets, acks, pending, 1, 2048, 1, 10.0)

    def test_applied(self):
        ack = Ack("Demo", 1, "blender-1", True, "", "Blender", "3.4.1", "shop.blend",
                  {"fetch_ms": 5.2, "pickup_ms": 2, "build_ms": 40})
        out, err = self.said(self.c.on_result, self.published(acks=(ack,)))
        self.assertEqual(out, "Live Link: Sent 4 objects to Blender 3.4 (shop.blend): applied in 120 ms; 1 new "
                              "mesh(es), 2 KB (FreeCAD 10 ms, hub 10 ms, Blender fetch 5 + wait 2 + build 40 ms)\n")
        self.assertEqual(err, "")
        self.assertEqual((self.c.in_flight, list(self.c.results)), (0, [self.published(acks=(ack,))]))

    def test_failed_and_pending(self):
        ack = Ack("Demo", 1, "blender-1", False, "out of memory", "Blender", "4.2.0", "b.blend", {})
        result = self.published(targets=("blender-1", "blender-2"), acks=(ack,), pending=("blender-2",))
        out, err = self.said(self.c.on_result, result)
        self.assertEqual(out, "")
        self.assertEqual(err, "Live Link: Blender 4.2 (b.blend) could not apply Demo: out of memory\n"
                              "Live Link: blender-2 did not answer within 15 s\n")
        self.assertEqual(list(self.c.history)[-2:], ["Blender 4.2 (b.blend) could not apply Demo: out of memory",
                                                     "blender-2 did not answer within 15 s"])

    def test_no_receiver(self):
        out, err = self.said(self.c.on_result, self.published(targets=(), version=3))
        self.assertEqual(err, "Live Link: No Blender is connected to livelink: Demo (v3) is kept on the hub and "
                              "will appear in Blender when one connects with the Live Link add-on.\n")

    def test_error(self):
        out, err = self.said(self.c.on_result, NotSent(self.job, self.job.started + 10.0,
                                                       "the hub does not answer"))
        self.assertEqual(err, "Live Link: Could not send Demo: the hub does not answer\n")
        self.assertIn("Hub: connected\nBlenders: 0\nAuto-sync: off\nLast sends:\n"
                      "  Could not send Demo: the hub does not answer", self.c.status_text())

    def test_the_status_dialog_shows_the_studio_space_in_one_line(self):
        self.assertNotIn("Studio space", self.c.status_text(), "no space: no line")
        self.sender.space = "Studio space e2e: unreachable — local link works"
        self.assertTrue(self.c.status_text().startswith(
            "Hub: connected\nStudio space e2e: unreachable — local link works\nBlenders: 0\n"))

    def test_nothing_to_send(self):
        self.docs.current = None
        out, err = self.said(self.c.export)
        self.assertEqual(err, "Live Link: No active document to export. Open or create a document first.\n")
        self.docs.add(Doc("Empty", "Empty doc"), ([], ()))
        out, err = self.said(self.c.export)
        self.assertEqual(err, "Live Link: Nothing to send: Empty doc has no visible objects with a shape.\n")
        self.docs.fail = "numpy is missing from this FreeCAD; livelink needs it to convert meshes"
        out, err = self.said(self.c.export)
        self.assertEqual(err, "Live Link: numpy is missing from this FreeCAD; livelink needs it to convert meshes\n")
        self.assertEqual((len(self.sender.jobs), self.c.in_flight), (1, 1), "only setUp's export was sent")


class AutoSyncTest(ControllerTestCase):
    def test_a_recompute_while_off_sends_nothing(self):
        self.c.observer.slotRecomputedDocument(self.demo)
        self.c.autosync_due()
        self.assertEqual((self.ui.restarts, self.sender.jobs, self.c.autosync_pending), (0, [], False))

    def test_a_burst_of_recomputes_sends_once_after_the_debounce(self):
        out, _ = self.said(self.c.set_autosync, True)
        self.assertEqual(out, "Live Link: Auto-sync on: every recompute is sent to Blender.\n")
        self.assertEqual(self.ui.shown, [True])
        self.c.observer.slotRecomputedDocument(self.demo)
        first = self.clock.now
        self.c.observer.slotRecomputedDocument(self.demo)
        self.assertEqual((self.ui.restarts, self.sender.jobs, self.c.autosync_pending), (2, [], True))
        self.c.autosync_due()
        self.assertEqual(len(self.sender.jobs), 1)
        job = self.sender.jobs[0]
        self.assertEqual(job.recomputed_at, first, "measured from the first recompute of the burst")
        self.assertFalse(self.c.autosync_pending)
        self.c.autosync_due()
        self.assertEqual(len(self.sender.jobs), 1, "a second timeout with no recompute sends nothing")
        result = Published(job, first + 0.5, 2, ("blender-1",), (), (), 1, 100, 1, 5.0)
        self.assertAlmostEqual(result.since_recompute_ms, 500.0)
        self.assertIsNone(Published(self.c.export(), 0, 3, (), (), (), 0, 0, 0, 0.0).since_recompute_ms)

    def test_a_closed_document_or_auto_sync_off_cancels_the_pending_send(self):
        self.said(self.c.set_autosync, True)
        self.c.observer.slotRecomputedDocument(self.demo)
        self.docs.open.remove(self.demo)
        self.c.autosync_due()
        self.assertEqual(self.sender.jobs, [])
        self.docs.open.append(self.demo)
        self.c.observer.slotRecomputedDocument(self.demo)
        out, _ = self.said(self.c.set_autosync, False)
        self.assertEqual(out, "Live Link: Auto-sync off.\n")
        self.assertEqual((self.ui.stops, self.ui.shown, self.c.autosync_pending), (1, [True, False], False))
        self.c.autosync_due()
        self.assertEqual(self.sender.jobs, [])

    def test_an_empty_document_is_skipped_quietly(self):
        self.said(self.c.set_autosync, True)
        empty = Doc("Empty")
        self.docs.add(empty, ([], ()))
        self.c.observer.slotRecomputedDocument(empty)
        out, err = self.said(self.c.autosync_due)
        self.assertEqual((out, err, self.sender.jobs), ("", "", []))


class ReceiveSwitchTest(ControllerTestCase):
    """Receive from Blender: on by default and kept in the preferences; the link registers as "both" or "sender"."""

    def setUp(self):
        super().setUp()
        fc.params().SetBool("Receive", True)
        self.addCleanup(fc.params().SetBool, "Receive", True)
        self.c = Controller(self.docs, self.make_sender, self.ui, clock=self.clock, host=object(), record=object())

    def test_start_up_connects_to_receive_and_the_switch_registers_again(self):
        self.c.start()
        self.assertEqual((self.made_for, self.sender.receiving), (["Demo"], True), "connected at start-up")
        out, _ = self.said(self.c.set_receive, False)
        self.assertEqual(out, "Live Link: Receive from Blender off.\n")
        self.assertEqual((self.sender.receiving, self.ui.shown, fc.params().GetBool("Receive", True)),
                         (False, [("receive", False)], False))
        self.assertIn("Receive from Blender: off", self.c.status_text())
        self.said(self.c.set_receive, True)
        self.assertEqual((self.sender.receiving, fc.params().GetBool("Receive", False)), (True, True))

    def test_off_in_the_preferences_connects_only_to_send(self):
        fc.params().SetBool("Receive", False)
        c = Controller(self.docs, self.make_sender, self.ui, clock=self.clock, host=object(), record=object())
        c.start()
        self.assertEqual(self.made_for, [], "no link until the first send")
        c.export()
        self.assertEqual(self.sender.receiving, False)

    def test_the_hub_is_started_once_freecad_is_up_unless_the_preferences_say_no(self):
        fc.params().SetBool("Receive", False)
        c = Controller(self.docs, self.make_sender, self.ui, clock=self.clock, host=object(), record=object())
        c.start()
        self.assertEqual(self.made_for, [], "nothing at start-up itself")
        fc.params().SetBool("StartHub", False)
        self.addCleanup(fc.params().SetBool, "StartHub", True)
        c.start_hub()
        self.assertEqual(self.made_for, [], "StartHub off: the first send starts it")
        fc.params().SetBool("StartHub", True)
        c.start_hub()
        self.assertEqual((self.made_for, getattr(self.sender, "hub_started", False)), (["Demo"], True))
        c.export()
        self.assertEqual((self.made_for, self.sender.receiving), (["Demo"], False), "one link, sending only")

    def test_without_a_receiving_host_it_never_receives(self):
        c = Controller(self.docs, self.make_sender, self.ui, clock=self.clock)
        c.set_receive(True)
        c.start()
        self.assertEqual((c.receiver.enabled, self.made_for), (False, []))
        self.assertNotIn("Receive from Blender", c.status_text())


class StandInsTest(unittest.TestCase):
    def test_plain_python_gets_stand_ins_for_freecad(self):
        self.assertIsNone(fc.App)
        self.assertIsNone(fc.active_document())
        self.assertIsNone(fc.main_window())
        fc.params().SetFloat("Deviation", 0.2)
        self.assertEqual(fc.ParamGet(fc.PARAMS).GetFloat("Deviation", 0.0), 0.2)
        self.assertEqual(fc.params().GetString("Launcher", "none"), "none")


if __name__ == "__main__":
    unittest.main()
