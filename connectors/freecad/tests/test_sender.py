"""The sender over a PeerSession, in plain Python: FreeCAD's start-up never starts a hub; the first send may."""
import os
import queue
import shutil
import sys
import tempfile
import time
import unittest
from unittest import mock

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "LiveLink"))
from livelink_freecad.livelink_client import LiveLinkError  # noqa: E402
from livelink_freecad.net import sender  # noqa: E402


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
        s = sender.Sender("0.20.2", "Demo", results.put, home=self.home, launcher=self.launcher).start()
        self.addCleanup(s.close)
        # Blocks on the session's condition; its first attempt (no hub.json) fails at once.
        with self.assertRaises(LiveLinkError) as e:
            s._session.wait_connected(2.0)
        self.assertIn("auto-start is off", str(e.exception))
        self.assertFalse(os.path.exists(self.calls), "the launcher was not run before a send")
        self.assertEqual(s.blenders(), [])
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


if __name__ == "__main__":
    unittest.main()
