"""The receiving side on the GUI thread, in plain Python: which versions are fetched, into which document they go,
what is acked and said, catching up after a restart. The real FreeCADReceiveHost over fake documents, a fake link."""
import contextlib
import io
import os
import shutil
import tempfile
import unittest

import fakes
from receiving import BLUE, RED, cube_blob, decoded, delta, node, sha, trs
from livelink_freecad.receive import apply
from livelink_freecad.receive.messages import (AckRequest, CatchUp, DeltaFetched, FetchFailed, FetchRequest,
                                               NotAccepted, VersionAnnounced)
from livelink_freecad.receive.receiver import Receiver
from livelink_freecad.receive.record import Record

CUBE, TWO = cube_blob(2.0), cube_blob(1.0, two_materials=True)
C, T = sha(CUBE), sha(TWO)
SID = "blender:untitled-1a2b"


class FakeLink:
    def __init__(self):
        self.fetches, self.acks = [], []

    def fetch(self, request):
        self.fetches.append(request)

    def ack(self, request):
        self.acks.append(request)


class ReceiverTestCase(unittest.TestCase):
    def setUp(self):
        self.fc = fakes.FakeFreeCAD().install(self)
        self.tmp = tempfile.mkdtemp(prefix="livelink-freecad-receive-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.record = Record(os.path.join(self.tmp, "freecad-received.json"))
        self.link = FakeLink()
        self.said = []
        self.r = self.make()

    def make(self):
        return Receiver(lambda: self.link, apply.FreeCADReceiveHost(as_solid=lambda: False), self.record,
                        lambda text, error=False, warning=False: self.said.append((text, error, warning)))

    def fetched(self, d, *blobs, fetch_ms=12.0):
        """What the fetch thread posts for delta d (its blobs decoded)."""
        return DeltaFetched(d, decoded(*blobs), fetch_ms, 3.0, "freecad-1", self.r.clock())

    def first(self, to=1):
        return delta([node("box", C, None, trs((1, 0, 0)), [RED], "Box"),
                      node("two", T, None, trs((5, 0, 0)), [RED, BLUE], "TwoTone")], to)

    def receive_first(self):
        self.r.handle(VersionAnnounced(SID, 1))
        self.r.handle(self.fetched(self.first(), CUBE, TWO))
        return self.fc.active


class ReceiveTest(ReceiverTestCase):
    def test_a_new_scene_is_fetched_whole_applied_acked_and_recorded(self):
        self.r.handle(VersionAnnounced(SID, 1))
        self.assertEqual(self.link.fetches, [FetchRequest(SID, 0, 1, {})])
        self.r.handle(self.fetched(self.first(), CUBE, TWO))
        ack = self.link.acks[-1]
        self.assertEqual((ack.scene, ack.version, ack.peer, ack.ok, ack.reason), (SID, 1, "freecad-1", True, ""))
        self.assertEqual(sorted(ack.timings), ["build_ms", "decode_ms", "fetch_ms", "objects", "pickup_ms",
                                               "total_ms"])
        self.assertEqual(ack.timings["objects"], 2)
        self.assertEqual(self.record.get(SID).version, 1)
        self.assertRegex(self.said[-1][0], r"^Received untitled v1 from Blender 4\.3\.2 into untitled: 2 objects "
                                           r"\(fetch 15 ms, build \d+ ms\)$")
        self.assertRegex(self.r.status_lines()[-1], r"^  untitled v1 from Blender 4\.3\.2 into untitled: 2 objects")

    def test_one_fetch_per_scene_in_flight_and_the_next_from_what_the_document_holds(self):
        self.r.handle(VersionAnnounced(SID, 1))
        self.r.handle(VersionAnnounced(SID, 2))
        self.r.handle(VersionAnnounced(SID, 3))
        self.assertEqual(len(self.link.fetches), 1, "one fetch; the later versions only raise what is wanted")
        self.r.handle(self.fetched(self.first(), CUBE, TWO))
        again = self.link.fetches[-1]
        self.assertEqual((again.since, again.version), (1, 3))
        self.assertEqual(again.held, {"box": (C, [RED]), "two": (T, [RED, BLUE])}, "the blobs it need not fetch")

    def test_a_delta_from_a_version_the_document_does_not_hold_is_fetched_again(self):
        self.receive_first()
        self.r.handle(VersionAnnounced(SID, 3))
        stale = delta([], 3, since=2, changed=[(node("box", C, None, trs((2, 0, 0)), [RED], "Box"), ["transform"])])
        self.r.handle(self.fetched(stale))
        self.assertEqual([(f.since, f.version) for f in self.link.fetches], [(0, 1), (1, 3), (1, 3)])
        self.assertEqual(len(self.link.acks), 1, "nothing applied, nothing acked")

    def test_bad_meshes_are_skipped_named_and_acked(self):
        bad = cube_blob(nan=True)
        self.r.handle(VersionAnnounced(SID, 1))
        d = delta([node("box", C, None, trs(), [RED], "Box"), node("nan", sha(bad), None, trs(), [RED], "Broken")])
        self.r.handle(self.fetched(d, CUBE, bad))
        ack = self.link.acks[-1]
        reason = ("skipped 1 object whose mesh could not be made: Broken (nan): its coordinates are not all finite "
                  "numbers (NaN or infinity)")
        self.assertEqual((ack.ok, ack.reason, ack.timings["objects"]), (True, reason, 1))
        self.assertIn(("untitled v1: " + reason, False, True), self.said)
        self.assertEqual([o.Label for o in self.fc.active.Objects], ["untitled", "Box"])
        self.r.handle(VersionAnnounced(SID, 2))
        self.r.handle(self.fetched(delta([], 2, 1, changed=[(node("nan", sha(bad), None, trs((1, 0, 0)), [RED],
                                                                 "Broken"), ["transform"])]), bad))
        self.assertEqual((self.link.acks[-1].ok, self.link.acks[-1].timings["objects"]), (False, 0),
                         "nothing of it could be applied: failed")

    def test_a_version_that_cannot_be_applied_is_acked_failed_and_said(self):
        self.fc.new_document("Mine", "Mine").fail_on = "Mesh::Feature"
        self.r.handle(VersionAnnounced(SID, 1))
        self.r.handle(self.fetched(self.first(), CUBE, TWO))
        ack = self.link.acks[-1]
        self.assertEqual((ack.ok, ack.reason), (False, "RuntimeError: cannot make a Mesh::Feature"))
        self.assertEqual(self.said[-1], ("could not apply untitled v1 from Blender 4.3.2: RuntimeError: cannot make "
                                         "a Mesh::Feature", True, False))
        self.assertIsNone(self.record.get(SID))

    def test_a_scene_from_another_app_is_refused(self):
        self.r.handle(VersionAnnounced("Demo", 4))
        self.r.handle(NotAccepted("Demo", 4, "freecad-1", "FreeCAD 1.0.0"))
        self.assertEqual(self.link.acks, [AckRequest("Demo", 4, "freecad-1", False, "FreeCAD receives from Blender "
                                                     "only; this version comes from FreeCAD 1.0.0")])
        self.r.handle(VersionAnnounced("Demo", 5))
        self.assertEqual(len(self.link.fetches), 2, "not stuck in flight")

    def test_a_failed_fetch_is_said_unless_there_was_no_connection(self):
        self.r.handle(VersionAnnounced(SID, 1))
        self.r.handle(FetchFailed(SID, 1, "not connected to the hub", report=False))
        self.assertEqual(self.said, [])
        self.r.handle(VersionAnnounced(SID, 1))
        self.r.handle(FetchFailed(SID, 1, "HTTP 500"))
        self.assertEqual(self.said, [("could not fetch %s v1 from the hub: HTTP 500" % SID, True, False)])

    def test_receive_off_fetches_nothing(self):
        self.r.set_enabled(False)
        self.r.handle(VersionAnnounced(SID, 1))
        self.assertEqual(self.link.fetches, [])
        self.assertEqual(self.r.status_lines()[:2], ["Receive from Blender: off", "Last received:"])


class CatchUpTest(ReceiverTestCase):
    def test_hello_catches_up_the_scenes_an_open_document_holds(self):
        self.receive_first()
        self.r.handle(CatchUp(((SID, 4), ("Other", 9))))
        self.assertEqual([(f.scene, f.since, f.version) for f in self.link.fetches], [(SID, 0, 1), (SID, 1, 4)],
                         "a scene no document holds comes only when it is announced to this FreeCAD")

    def test_a_restarted_freecad_applies_no_version_twice(self):
        doc = self.receive_first()
        self.fc.docs.remove(doc)  # FreeCAD closed; the document was never saved
        self.fc.active = None
        self.r = self.make()
        self.r.handle(CatchUp(((SID, 1),)))
        self.r.handle(VersionAnnounced(SID, 1))  # the hub's catch-up
        self.assertEqual(len(self.link.fetches), 1, "v1 is applied already: no new document for it")
        self.r.handle(VersionAnnounced(SID, 2))
        self.assertEqual(self.link.fetches[-1], FetchRequest(SID, 0, 2, {}), "a newer one: whole, as it has no file")

    def test_a_scene_in_a_saved_document_waits_for_it_and_catches_up_when_it_is_opened(self):
        doc = self.receive_first()
        doc.FileName = os.path.join(self.tmp, "shop.FCStd")
        open(doc.FileName, "w").close()
        self.r.document_saved(doc, doc.FileName)
        self.fc.docs.remove(doc)
        self.fc.active = None
        self.r = self.make()
        self.r.handle(VersionAnnounced(SID, 3))
        self.r.handle(VersionAnnounced(SID, 3))
        self.assertEqual(len(self.link.fetches), 1)
        waits = [s for s in self.said if "waits for" in s[0]]
        self.assertEqual(waits, [("%s v3 from Blender waits for %s, which holds that scene: it is brought up to date "
                                  "when you open it." % (SID, doc.FileName), False, False)], "said once")
        self.fc.docs.append(doc)  # the user opens it
        self.r.document_activated(doc)
        self.assertEqual(self.link.fetches[-1], FetchRequest(SID, 1, 3, {"box": (C, [RED]), "two": (T, [RED, BLUE])}))

    def test_a_saved_document_that_is_open_but_lost_the_scene_takes_it_whole(self):
        doc = self.receive_first()
        doc.FileName = os.path.join(self.tmp, "shop.FCStd")
        open(doc.FileName, "w").close()
        self.r.document_saved(doc, doc.FileName)
        doc.removeObject("untitled")  # the user deleted the scene's App::Part to receive it anew
        self.r.handle(VersionAnnounced(SID, 2))
        self.assertEqual(self.link.fetches[-1], FetchRequest(SID, 0, 2, {}))

    def test_opening_a_document_shows_its_face_colours_again(self):
        doc = self.receive_first()
        two = next(o for o in doc.Objects if o.Label == "TwoTone")
        self.r.document_activated(doc)
        self.r.document_activated(doc)
        self.assertEqual(two.ViewObject.toggles, [False, True, False, True], "FreeCAD 0.20 needs it, once")

    def test_a_damaged_record_is_said_and_started_anew(self):
        with open(self.record.path, "w") as f:
            f.write("{not json")
        self.r.handle(CatchUp(()))
        self.assertEqual(len(self.said), 1)
        self.assertRegex(self.said[0][0], r"freecad-received\.json could not be read \(JSONDecodeError: .*\); it is "
                                          r"written anew$")
        self.receive_first()
        self.assertEqual(Record(self.record.path).get(SID).version, 1)


if __name__ == "__main__":
    unittest.main()
