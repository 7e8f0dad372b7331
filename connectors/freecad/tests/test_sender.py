"""The Mod's link (net/link.py) in plain Python: only start_hub() (FreeCAD up) or the first send starts a hub; against
a real hub it registers as "both" receiving from Blender, fetches only the blobs a delta needs, decodes them off
the GUI thread, refuses a scene from another app, and acks."""
import os
import queue
import shutil
import sys
import tempfile
import time
import unittest
from unittest import mock

import fakes  # noqa: F401 - puts LiveLink on sys.path
from receiving import BLUE, RED, cube_blob, node, sha, trs
from livelink_freecad.livelink_client import HubClient, LiveLinkError
from livelink_freecad.net import link, sender
from livelink_freecad.receive import meshes
from livelink_freecad.receive.messages import (AckRequest, CatchUp, DeltaFetched, FetchRequest, NotAccepted,
                                               VersionAnnounced)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(REPO, "tests", "support"))
from hubproc import HubProcess  # noqa: E402

WATCHDOG_S = 30  # answers come in milliseconds; this only catches a hang


class SenderTest(unittest.TestCase):
    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="livelink-freecad-")
        self.addCleanup(shutil.rmtree, self.home, True)
        self.calls = os.path.join(self.home, "launcher-calls")
        # A launcher that records each call and starts no hub (no hub.json appears).
        self.launcher = os.path.join(self.home, "livelink")
        with open(self.launcher, "w") as f:
            f.write('#!/bin/sh\necho "$@" >> "%s"\necho "no hub here"\nexit 1\n' % self.calls)
        os.chmod(self.launcher, 0o755)

    def test_no_hub_is_started_until_the_first_send(self):
        results = queue.Queue()
        s = link.Link("0.20.2", "Demo", results.put, lambda m: None, receive=True, home=self.home,
                      launcher=self.launcher).start()
        self.addCleanup(s.close)
        # Blocks on the session's condition; its first attempt (no hub.json) fails at once.
        with self.assertRaises(LiveLinkError) as e:
            s._session.wait_connected(2.0)
        self.assertIn("auto-start is off", str(e.exception))
        self.assertFalse(os.path.exists(self.calls), "the launcher was not run before a send")
        self.assertEqual(s.blenders(), [])
        self.assertEqual(s.space_state(), "", "no studio space without a hub")  # what the status dialog reads
        self.assertTrue(s.hub_state().startswith("not connected (no livelink hub is running and auto-start is off"))
        job = sender.SendJob({"id": "Demo", "name": "Demo", "nodes": []}, (), (), time.perf_counter(), 0.0)
        with mock.patch.object(sender, "CONNECT_TIMEOUT_S", 1.0):
            s.submit(job)
            result = results.get(timeout=30)
        self.assertIsInstance(result, sender.NotSent)
        self.assertIs(result.job, job)
        self.assertIn("the hub did not start (%s hub): no hub here" % self.launcher, result.error)
        with open(self.calls) as f:
            self.assertEqual(set(f.read().splitlines()), {"hub"})

    def test_start_hub_runs_the_launcher_before_any_send(self):
        s = link.Link("0.20.2", "Demo", lambda r: None, lambda m: None, receive=True, home=self.home,
                      launcher=self.launcher).start()
        self.addCleanup(s.close)
        s.start_hub()  # what FreeCAD's event loop runs once it is up
        deadline = time.monotonic() + WATCHDOG_S
        while "the hub did not start" not in s.hub_state() and time.monotonic() < deadline:
            time.sleep(0.02)  # polls the state the session thread sets, within the deadline
        self.assertIn("the hub did not start (%s hub): no hub here" % self.launcher, s.hub_state())
        with open(self.calls) as f:
            self.assertEqual(set(f.read().splitlines()), {"hub"})



def scene(source="Blender 4.3.2", nodes=()):
    return {"id": "blender:shop", "name": "shop", "source": source, "units": "m", "up": "Z", "nodes": list(nodes)}


class LinkTest(unittest.TestCase):
    def setUp(self):
        self.hub = HubProcess()
        self.addCleanup(self.hub.stop)
        self.inbox = queue.Queue()
        self.link = link.Link("1.0.0", "", lambda r: None, self.inbox.put, receive=True, home=self.hub.home).start()
        self.addCleanup(self.link.close)
        self.client = HubClient.discover(self.hub.home)
        self.addCleanup(self.client.close)
        self.next_of(CatchUp)  # the hello: registered and streaming
        self.me = self.link._session.connection[1]
        self.blender = self.client.register("Blender", "4.3.2", "shop.blend", role="both")

    def next_of(self, kind):
        while True:
            m = self.inbox.get(timeout=WATCHDOG_S)
            if isinstance(m, kind):
                return m

    def publish(self, s, blobs):
        return self.client.send_scene(s, {sha(b): b for b in blobs}, [self.me], self.blender)[0]["version"]

    def test_registers_as_both_fetches_what_it_lacks_decodes_and_acks(self):
        peer = next(p for p in self.client.peers() if p["id"] == self.me)
        self.assertEqual((peer["app"], peer["role"], peer["document"]), ("FreeCAD", "both", ""))
        cube, two = cube_blob(2.0), cube_blob(1.0, two_materials=True)
        v = self.publish(scene(nodes=[node("box", sha(cube), None, trs(), [RED], "Box"),
                                      node("two", sha(two), None, trs((1, 0, 0)), [RED, BLUE], "Two")]), [cube, two])
        self.assertEqual(self.next_of(VersionAnnounced), VersionAnnounced("blender:shop", v))
        self.link.fetch(FetchRequest("blender:shop", 0, v, {"box": (sha(cube), [RED])}))
        got = self.next_of(DeltaFetched)
        self.assertEqual((got.delta["to"], got.peer, sorted(got.meshes)), (v, self.me, [sha(two)]),
                         "the box's blob is held already")
        self.assertIsInstance(got.meshes[sha(two)], meshes.Geometry)
        self.assertEqual(got.meshes[sha(two)].triangles, 12)
        self.link.ack(AckRequest("blender:shop", v, self.me, True, "", {"objects": 2}))
        answer = self.client.await_acks("blender:shop", v, WATCHDOG_S)
        self.assertEqual([(a["peer"], a["status"], a["timings"]) for a in answer["acks"]],
                         [(self.me, "ok", {"objects": 2})])

    def test_a_scene_from_another_app_is_not_accepted(self):
        cube = cube_blob()
        cli = self.client.register("livelink", "0.1.0", "", role="sender")
        v = self.client.send_scene(scene("livelink 0.1.0", [node("a", sha(cube))]), {sha(cube): cube}, [self.me],
                                   cli)[0]["version"]
        self.link.fetch(FetchRequest("blender:shop", 0, v, {}))
        self.assertEqual(self.next_of(NotAccepted), NotAccepted("blender:shop", v, self.me, "livelink 0.1.0"))

    def test_receive_off_registers_as_a_sender_that_blender_does_not_target(self):
        self.link.set_receiving(False)
        # The re-registration happens on the session thread and is announced to nothing here: poll the hub's list.
        deadline = time.monotonic() + WATCHDOG_S
        while not [p for p in self.client.peers() if p["app"] == "FreeCAD" and p["role"] == "sender"]:
            self.assertLess(time.monotonic(), deadline, "FreeCAD registered again as a sender")
            time.sleep(0.05)
        self.assertEqual([p["role"] for p in self.client.peers() if p["app"] == "FreeCAD"], ["sender"])


if __name__ == "__main__":
    unittest.main()
