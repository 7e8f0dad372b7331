"""The Python client against a real hub process."""
import os
import queue
import sys
import threading
import unittest
from array import array

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(HERE))), "tests", "support"))
from unittest import mock  # noqa: E402

from livelink_client import Ack, EventStream, Hello, HubClient, LiveLinkError, VersionReady, meshblob, read_hub  # noqa: E402,E501
from livelink_client.hubfile import default_home  # noqa: E402
from hubproc import HubProcess  # noqa: E402

import hashlib  # noqa: E402


def quad(size):
    return meshblob.encode(array("f", [0, 0, 0, size, 0, 0, size, size, 0, 0, size, 0]), array("I", [0, 1, 2, 0, 2, 3]))


def scene(nodes):
    return {"id": "doc", "name": "Doc", "source": "test", "units": "mm", "up": "Z",
            "nodes": [{"id": n, "name": n, "mesh": h, "materials": [{"name": "m", "color": [1, 0, 0, 1]}]}
                      for n, h in nodes]}


class ClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = HubProcess()

    @classmethod
    def tearDownClass(cls):
        cls.hub.stop()

    def setUp(self):
        self.c = HubClient.discover(self.hub.home)

    def tearDown(self):
        self.c.close()

    def listen(self, peer):
        stream = EventStream(self.c.port, self.c.token, peer)
        q = queue.Queue()
        t = threading.Thread(target=lambda: [q.put(e) for e in stream], daemon=True)
        t.start()
        return stream, q, t

    @staticmethod
    def next_event(q, kind):
        while True:
            ev = q.get(timeout=30)  # a watchdog: the event is normally there in milliseconds
            if isinstance(ev, kind):
                return ev

    def test_default_home_honours_env(self):
        with mock.patch.dict(os.environ, {"LIVELINK_HOME": self.hub.home}):
            self.assertEqual(default_home(), self.hub.home)
            self.assertEqual(read_hub().port, self.c.port)

    def test_publish_receive_ack_round_trip(self):
        rx = self.c.register("Blender", "3.4.1", "a.blend", role="receiver")
        tx = self.c.register("FreeCAD", "0.20.2", "Doc", role="sender")
        rs, rq, rt = self.listen(rx)
        ts, tq, tt = self.listen(tx)
        self.assertEqual(self.next_event(rq, Hello).peer, rx)
        b = quad(1)
        h = hashlib.sha256(b).hexdigest()
        self.assertEqual(self.c.upload({h: b}), [h])
        self.assertEqual(self.c.upload({h: b}), [])
        r = self.c.publish(scene([("Box", h)]), targets=[rx], sender=tx)
        ev = self.next_event(rq, VersionReady)
        self.assertEqual((ev.scene, ev.version, ev.sender), ("doc", r["version"], tx))
        d = self.c.delta("doc", 0)
        self.assertTrue(d["full"])
        m = meshblob.decode(self.c.blobs([d["added"][0]["mesh"]])[h])
        self.assertEqual(m.triangle_count, 2)
        self.assertEqual(self.c.blobs([h]), {h: b})
        with self.assertRaisesRegex(LiveLinkError, "no blob " + "e" * 64):
            self.c.blobs(["e" * 64])
        self.c.ack("doc", r["version"], rx, True, timings={"total_ms": 3})
        ack = self.next_event(tq, Ack)
        self.assertEqual((ack.ok, ack.peer, ack.app, ack.timings["total_ms"]), (True, rx, "Blender", 3))
        self.assertTrue(self.c.await_acks("doc", r["version"], 2)["complete"])
        rs.close()
        ts.close()
        rt.join(30)
        tt.join(30)
        self.assertFalse(rt.is_alive(), "close() must end the reader thread")

    def test_refusals_carry_the_hubs_message(self):
        with self.assertRaises(LiveLinkError) as e:
            self.c.publish(scene([("Box", "d" * 64)]))
        self.assertEqual(e.exception.status, 409)
        self.assertEqual(e.exception.missing, ["d" * 64])
        bad = HubClient(self.c.port, "wrong")
        with self.assertRaisesRegex(LiveLinkError, "wrong token"):
            bad.status()
        bad.close()
        with self.assertRaisesRegex(LiveLinkError, "no peer"):
            EventStream(self.c.port, self.c.token, "ghost-1")
        self.assertEqual(self.c.status()["app"], "livelink")

    def own_receiver(self):
        """A receiver for one test's versions only, so that other tests' receivers do not get them."""
        rx = self.c.register("Blender", "3.4.1", self.id(), role="receiver")
        self.addCleanup(self.c.goodbye, rx)
        return rx

    def test_a_resend_of_stored_meshes_is_one_request(self):
        b = quad(2)
        h = hashlib.sha256(b).hexdigest()
        sc = dict(scene([("Box", h)]), id="resend")
        to = [self.own_receiver()]
        with mock.patch.object(self.c, "request", wraps=self.c.request) as calls:
            r1, sent1, n1 = self.c.send_scene(sc, {h: b}, to)
            first = [c.args[1] for c in calls.call_args_list]
            calls.reset_mock()
            r2, sent2, n2 = self.c.send_scene(sc, {h: b}, to)
            again = [c.args[1] for c in calls.call_args_list]
        self.assertEqual((first, sent1, n1), (["blobs/missing", "blobs", "scenes"], [h], len(b)))
        self.assertEqual((again, sent2, n2), (["scenes/resend/versions"], [], 0))  # a patch of nothing changed
        self.assertEqual(r2["version"], r1["version"] + 1)
        self.assertGreaterEqual(self.c.last_timing["hub"], 0.0)

    def test_a_blob_the_hub_lost_is_uploaded_on_its_409(self):
        b = quad(3)
        h = hashlib.sha256(b).hexdigest()
        c = HubClient(self.c.port, self.c.token)
        self.addCleanup(c.close)
        c._remember([h])  # as if the hub had said it held the blob, and lost it since
        r, sent, n = c.send_scene(dict(scene([("Box", h)]), id="lost"), {h: b}, [self.own_receiver()])
        self.assertEqual((sent, n), ([h], len(b)))
        self.assertEqual(self.c.delta("lost", 0)["added"][0]["mesh"], h)

    def test_unreachable_hub_is_named(self):
        with self.assertRaisesRegex(LiveLinkError, "does not answer"):
            HubClient(1, "x", timeout=1).status()


if __name__ == "__main__":
    unittest.main()
