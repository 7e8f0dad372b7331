"""PeerSession against a real hub process: connect, typed events, re-registration, reconnect, close."""
import os
import queue
import shutil
import sys
import tempfile
import unittest
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(HERE))), "tests", "support"))
from livelink_client import (Connected, Disconnected, Hello, HubClient, LiveLinkError, PeerSession,  # noqa: E402
                             PeersChanged, Registration)
from hubproc import HubProcess  # noqa: E402

WATCHDOG_S = 30  # events come in milliseconds; this only catches a hang


def next_of(q, kind):
    while True:
        ev = q.get(timeout=WATCHDOG_S)
        if isinstance(ev, kind):
            return ev


class PeerSessionTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="livelink-session-")
        self.home = os.path.join(self.tmp, "home")
        self.hub = HubProcess(self.home)
        self.events = queue.Queue()
        self.session = None

    def tearDown(self):
        if self.session is not None:
            self.session.close()
        self.hub.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def open(self, document="a.blend", role="receiver"):
        reg = Registration("Blender", "9.9.9", document, role)
        self.session = PeerSession(reg, self.events.put, home=self.home, auto_start=False).start()
        return self.session

    def hub_peers(self):
        c = HubClient.discover(self.home)
        try:
            return c.peers()
        finally:
            c.close()

    def test_connects_registers_and_streams_typed_events(self):
        s = self.open()
        connected = next_of(self.events, Connected)
        hello = next_of(self.events, Hello)
        self.assertEqual(hello.peer, connected.peer)
        self.assertIsNone(s.space(), "a hub in no studio space")
        client, peer = s.wait_connected(WATCHDOG_S)
        self.assertEqual(peer, connected.peer)
        self.assertEqual([p["document"] for p in self.hub_peers()], ["a.blend"])
        other = client.register("FreeCAD", "1.0.0", "Doc", role="sender", accepts=())
        change = next_of(self.events, PeersChanged)
        self.assertIn(other, [p["id"] for p in change.peers])
        self.assertIn(other, [p["id"] for p in s.peers()], "the session keeps the list for menus")
        self.assertNotIn(peer, [p["id"] for p in s.peers()], "itself excluded")

    def test_reregister_under_another_document(self):
        s = self.open()
        first = next_of(self.events, Connected).peer
        s.reregister("b.blend")
        second = next_of(self.events, Connected).peer
        self.assertNotEqual(first, second)
        docs = lambda: [p["document"] for p in self.hub_peers() if p["app"] == "Blender"]  # noqa: E731
        self.assertEqual(docs(), ["b.blend"], "the old registration said goodbye")

    def test_reregister_under_another_role_keeps_the_document_and_the_sources(self):
        # FreeCAD's Receive from Blender: off registers as a sender, on as both; the hub is told whom it receives from.
        from livelink_client import session as session_module

        bodies = []

        class Recording(session_module.HubClient):
            def request(self, method, path, body=None, **kw):
                if (method, path) == ("POST", "peers"):
                    bodies.append(body)
                return super().request(method, path, body, **kw)

        with mock.patch.object(session_module, "HubClient", Recording):
            reg = Registration("FreeCAD", "1.0.0", "", "both", (), ("Blender",))
            s = self.session = PeerSession(reg, self.events.put, home=self.home, auto_start=False).start()
            next_of(self.events, Connected)
            s.reregister(role="sender")
            next_of(self.events, Connected)
        self.assertEqual([(b["role"], b["document"], b["from"]) for b in bodies],
                         [("both", "", ["Blender"]), ("sender", "", ["Blender"])])
        self.assertEqual([p["role"] for p in self.hub_peers()], ["sender"])

    def test_a_reregistration_during_registering_is_not_lost(self):
        # Blender can load its .blend while the session is still registering under "untitled".
        from livelink_client import session as session_module

        test = self

        class RacingClient(session_module.HubClient):
            def register(self, app, app_version, document, **kw):
                peer = super().register(app, app_version, document, **kw)
                if document == "untitled":
                    test.session.reregister("artist.blend")
                return peer

        with mock.patch.object(session_module, "HubClient", RacingClient):
            self.open("untitled")
            while next_of(self.events, Connected) and \
                    [p["document"] for p in self.hub_peers()] != ["artist.blend"]:
                pass
        self.assertEqual([p["document"] for p in self.hub_peers()], ["artist.blend"])

    def test_hub_gone_is_reported_and_a_new_hub_is_joined(self):
        s = self.open()
        next_of(self.events, Connected)
        self.hub.stop()
        gone = next_of(self.events, Disconnected)
        self.assertGreater(gone.retry_in, 0)
        self.assertEqual(s.connection, (None, None))
        self.hub = HubProcess(self.home)
        next_of(self.events, Connected)
        self.assertEqual(len(self.hub_peers()), 1)

    def test_close_ends_the_thread_and_says_goodbye(self):
        s = self.open()
        next_of(self.events, Connected)
        s.close(timeout=WATCHDOG_S)
        self.assertFalse(s._thread.is_alive())
        self.assertEqual(self.hub_peers(), [])
        self.session = None

    def test_no_hub_and_no_auto_start_names_the_problem(self):
        self.hub.stop()
        os.remove(os.path.join(self.home, "hub.json")) if os.path.exists(os.path.join(self.home, "hub.json")) else None
        s = self.open()
        gone = next_of(self.events, Disconnected)
        self.assertIn("no livelink hub is running", gone.reason)
        with self.assertRaisesRegex(LiveLinkError, "no livelink hub is running"):
            s.wait_connected(0)
        self.hub = HubProcess(self.home)

    def test_an_ack_that_fails_says_why_and_none_when_not_connected_says_so(self):
        s = self.open()
        next_of(self.events, Connected)
        failed = s.ack("no-such-scene", 1, s.connection[1], True, "", {})
        self.assertIsNotNone(failed)
        self.assertIn("no-such-scene", failed)
        self.hub.stop()
        next_of(self.events, Disconnected)
        self.assertEqual(s.ack("no-such-scene", 1, "p", True, "", {}), "not connected to the hub")
        self.hub = HubProcess(self.home)


if __name__ == "__main__":
    unittest.main()
