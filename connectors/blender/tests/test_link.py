"""The add-on's network side against a real hub process, without Blender: announcements, fetches, acks."""
import hashlib
import os
import shutil
import sys
import tempfile
import unittest
from array import array

import hostfree  # noqa: F401 - makes livelink_blender importable without bpy
from livelink_blender.livelink_client import Disconnected, Hello, HubClient, SpaceState, meshblob
from livelink_blender.logic.messages import (AckReceived, AckRequest, DeltaFetched, FetchRequest, MeshArrays,
                                             SendDone, SendFailed, SendJob, SpaceChanged, StatusChanged,
                                             VersionAnnounced)
from livelink_blender.net.link import Link

sys.path.insert(0, os.path.join(os.path.dirname(hostfree.ADDON), "..", "..", "tests", "support"))
from hubproc import HubProcess  # noqa: E402

WATCHDOG_S = 30


class LinkTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="livelink-link-")
        self.home = os.path.join(self.tmp, "home")
        self.hub = HubProcess(self.home)
        self.link = Link("9.9.9", "shop.blend", home=self.home, auto_start=False).start()

    def tearDown(self):
        self.link.close()
        self.hub.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def next_of(self, kind):
        while True:
            m = self.link._inbox.get(timeout=WATCHDOG_S)  # the main thread drains; a test may block
            if isinstance(m, kind):
                return m

    def next_send(self, kind):
        while True:
            m = self.link._sends.get(timeout=WATCHDOG_S)
            if isinstance(m, kind):
                return m

    def test_announce_fetch_and_ack_through_the_hub(self):
        peer = self.next_of(StatusChanged).peer
        c = HubClient.discover(self.home)
        self.addCleanup(c.close)
        blob = meshblob.encode(array("f", [0, 0, 0, 1, 0, 0, 0, 1, 0]), array("I", [0, 1, 2]))
        h = hashlib.sha256(blob).hexdigest()
        c.upload({h: blob})
        scene = {"id": "doc", "name": "Doc", "units": "mm", "up": "Z",
                 "nodes": [{"id": "Tri", "name": "Tri", "mesh": h}]}
        version = c.publish(scene)["version"]
        self.assertEqual(self.next_of(VersionAnnounced), VersionAnnounced("doc", version))
        self.link.fetch(FetchRequest("doc", 0, version, frozenset()))
        got = self.next_of(DeltaFetched)
        self.assertEqual((got.delta["to"], got.peer, list(got.blobs)), (version, peer, [h]))
        self.link.fetch(FetchRequest("doc", 0, version, frozenset({h})))
        self.assertEqual(self.next_of(DeltaFetched).blobs, {}, "blobs the .blend has are not fetched")
        self.link.ack(AckRequest("doc", version, peer, True, "", {"total_ms": 1.0}))
        acks = c.await_acks("doc", version, WATCHDOG_S)
        self.assertEqual([(a["peer"], a["status"]) for a in acks["acks"]], [(peer, "ok")])

    def test_a_send_publishes_as_this_peer_and_the_receivers_ack_comes_back(self):
        peer = self.next_of(StatusChanged).peer
        c = HubClient.discover(self.home)
        self.addCleanup(c.close)
        freecad = c.register("FreeCAD", "1.0.0", "Demo", role="both")
        tri = MeshArrays(array("f", [0, 0, 0, 1, 0, 0, 0, 1, 0]), array("i", [0, 1, 2]), array("i", [0]))
        node = {"id": "a", "name": "A", "parent": None, "transform": None, "mesh": "k", "materials": [],
                "visible": True}
        scene = {"id": "blender:shop", "name": "shop", "source": "Blender 9.9.9", "units": "m", "up": "Z"}
        self.link.send(SendJob(1, scene, (node, dict(node, id="b", parent="a")), {"k": tri}, (freecad,)))
        done = self.next_send(SendDone)
        self.assertEqual((done.serial, done.version, done.targets, done.uploaded), (1, 1, (freecad,), 1))
        delta = c.delta("blender:shop", 0)
        self.assertEqual({n["mesh"] for n in delta["added"]}, {done.hashes["k"]}, "one blob for both nodes")
        c.ack("blender:shop", done.version, freecad, False, "no shape", {})
        ack = self.next_send(AckReceived)
        self.assertEqual((ack.peer, ack.ok, ack.reason, ack.app, ack.document), (freecad, False, "no shape", "FreeCAD",
                                                                                  "Demo"))
        self.assertEqual([p["role"] for p in c.peers() if p["id"] == peer], ["both"])
        self.link.send(SendJob(2, scene, (dict(node, parent="nowhere"),), {"k": tri}, ()))
        self.assertIn("nowhere", self.next_send(SendFailed).reason)

    def test_the_hubs_studio_space_becomes_one_line_for_the_panel(self):
        self.assertEqual(self.next_of(SpaceChanged), SpaceChanged(""), "this hub is in no space")
        # Events as a hub in a space sends them (see docs/protocol.md), handed to the session's callback.
        self.link._on_event(Hello("blender-1", (), SpaceState("e2e", "nats://n:4222", "pc", "connected", True)))
        self.assertEqual(self.next_of(SpaceChanged), SpaceChanged("Studio space e2e: connected", True))
        self.link._on_event(SpaceState("e2e", "nats://n:4222", "pc", "disconnected", False, "Connection refused"))
        self.assertEqual(self.next_of(SpaceChanged).line, "Studio space e2e: unreachable — local link works")
        self.link._on_event(Disconnected("the hub closed the event stream", 0.5))
        self.assertEqual(self.next_of(SpaceChanged), SpaceChanged(""), "no hub: nothing known of the space")

    def test_reregister_changes_the_document_the_hub_lists(self):
        self.next_of(StatusChanged)
        self.link.reregister("other.blend")
        while self.next_of(StatusChanged).hub != "connected":
            pass
        c = HubClient.discover(self.home)
        self.addCleanup(c.close)
        self.assertEqual([p["document"] for p in c.peers()], ["other.blend"])


if __name__ == "__main__":
    unittest.main()
