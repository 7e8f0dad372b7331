"""send_scene after a first send: only the changed nodes go (patch.py), the hub stores what a whole publish would,
and a stale base falls back to the whole scene once."""
import hashlib
import json
import os
import sys
import unittest
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(HERE))), "tests", "support"))
from livelink_client import HubClient, LiveLinkError, patch  # noqa: E402
from hubproc import HubProcess  # noqa: E402
from test_client import quad  # noqa: E402


def node(i, mesh, x=0.0, parent=None):
    return {"id": "n%d" % i, "name": "Part %d" % i, "parent": parent, "mesh": mesh,
            "transform": [1, 0, 0, x, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
            "materials": [{"name": "m", "color": [1, 0, 0, 1]}]}


def scene(sid, nodes, **header):
    s = {"id": sid, "name": "Doc", "source": "test", "units": "mm", "up": "Z", "nodes": nodes}
    s.update(header)
    return s


class ChangesTest(unittest.TestCase):
    """patch.changes alone: what it sends, and when it declines."""

    def setUp(self):
        self.nodes = [node(i, None, i) for i in range(10)]
        self.sent = patch.remember(scene("d", self.nodes), 4)

    def test_the_same_objects_are_an_empty_patch(self):
        self.assertEqual(patch.changes(self.sent, scene("d", list(self.nodes))),
                         {"base": 4, "upsert": [], "remove": []})

    def test_equal_copies_are_unchanged_and_an_edit_removal_and_addition_are_named(self):
        now = [dict(n) for n in self.nodes]
        now[2] = node(2, None, 99)
        del now[5]
        now.append(node(10, None, 1, parent="n2"))
        body = patch.changes(self.sent, scene("d", now, name="Renamed"))
        self.assertEqual([n["id"] for n in body["upsert"]], ["n2", "n10"])
        self.assertEqual(body["remove"], ["n5"])
        self.assertEqual(body["name"], "Renamed")
        self.assertNotIn("units", body)

    def test_what_a_patch_cannot_say_or_is_not_smaller_is_none(self):
        swapped = list(self.nodes)
        swapped[0], swapped[1] = swapped[1], swapped[0]
        self.assertIsNone(patch.changes(self.sent, scene("d", swapped)))
        self.assertIsNone(patch.changes(self.sent, scene("d", [node(10, None)] + self.nodes)))
        self.assertIsNone(patch.changes(self.sent, scene("d", [node(i, None, -1) for i in range(10)])))
        self.assertIsNone(patch.changes(self.sent, scene("d", self.nodes + [self.nodes[3]])))
        headless = scene("d", self.nodes)
        del headless["units"]
        self.assertIsNone(patch.changes(self.sent, headless))

    def test_remember_reuses_the_index_when_the_ids_stay(self):
        again = patch.remember(scene("d", [node(i, None, 7) for i in range(10)]), 5, self.sent)
        self.assertIs(again.at, self.sent.at)
        moved = patch.remember(scene("d", self.nodes[1:]), 6, again)
        self.assertEqual(moved.at["n1"], 0)


class SendSceneTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = HubProcess()

    @classmethod
    def tearDownClass(cls):
        cls.hub.stop()

    def setUp(self):
        self.c = HubClient.discover(self.hub.home)
        self.addCleanup(self.c.close)
        self.b = quad(4)
        self.h = hashlib.sha256(self.b).hexdigest()

    def calls(self, client, *args):
        with mock.patch.object(client, "request", wraps=client.request) as calls:
            answer, _, _ = client.send_scene(*args)
        return answer, [(c.args[0], c.args[1]) for c in calls.call_args_list]

    def manifest(self, sid):
        return json.loads(self.c.request("GET", "scenes/%s/download?format=manifest" % sid, raw=True))["scene"]

    def test_an_edit_goes_as_a_patch_and_the_hub_stores_the_whole_scene(self):
        nodes = [node(i, self.h, i) for i in range(40)]
        first, calls = self.calls(self.c, scene("p1", nodes), {self.h: self.b})
        self.assertEqual(calls[-1], ("POST", "scenes"))
        self.assertFalse(self.c.last_patched)
        nodes = list(nodes)
        nodes[7] = node(7, self.h, 100)
        del nodes[30]
        nodes.append(node(40, self.h, 3, parent="n7"))
        with mock.patch.object(self.c, "publish", side_effect=AssertionError("a whole publish")):
            second, calls = self.calls(self.c, scene("p1", nodes), {self.h: self.b})
        self.assertEqual(calls, [("POST", "scenes/p1/versions")])
        self.assertTrue(self.c.last_patched)
        self.assertEqual(second["version"], first["version"] + 1)
        self.assertEqual(second["delta"], {"added": 1, "changed": 1, "removed": 1})
        # What the hub stores is the scene as sent, node for node, in order.
        stored = self.manifest("p1")
        self.assertEqual([n["id"] for n in stored["nodes"]], [n["id"] for n in nodes])
        self.assertEqual(stored["nodes"][7]["transform"][3], 100)
        self.assertEqual(stored["nodes"][-1]["parent"], "n7")
        delta = self.c.delta("p1", first["version"])
        self.assertEqual([n["id"] for n in delta["added"]], ["n40"])
        self.assertEqual(delta["removed"], ["n30"])

    def test_a_stale_base_falls_back_to_the_whole_scene_once(self):
        nodes = [node(i, self.h, i) for i in range(5)]
        self.c.send_scene(scene("p2", nodes), {self.h: self.b})
        other = HubClient(self.c.port, self.c.token)
        self.addCleanup(other.close)
        other.send_scene(scene("p2", [node(9, self.h)]), {self.h: self.b})  # another sender's version
        nodes = nodes[:4] + [node(4, self.h, 50)]
        answer, calls = self.calls(self.c, scene("p2", nodes), {self.h: self.b})
        self.assertEqual(calls, [("POST", "scenes/p2/versions"), ("POST", "scenes")])
        self.assertFalse(self.c.last_patched)
        self.assertEqual(answer["version"], 3)
        self.assertEqual([n["id"] for n in self.manifest("p2")["nodes"]], ["n0", "n1", "n2", "n3", "n4"])
        # And the next edit patches that version again.
        nodes = nodes[:4] + [node(4, self.h, 60)]
        answer, calls = self.calls(self.c, scene("p2", nodes), {self.h: self.b})
        self.assertEqual((calls, answer["version"]), ([("POST", "scenes/p2/versions")], 4))

    def test_a_refused_patch_is_named_and_stores_nothing(self):
        nodes = [node(i, self.h, i) for i in range(5)]
        first, _ = self.calls(self.c, scene("p3", nodes), {self.h: self.b})
        with self.assertRaisesRegex(LiveLinkError, 'parent "ghost" is not in the scene') as e:
            self.c.send_scene(scene("p3", nodes + [node(5, self.h, parent="ghost")]), {self.h: self.b})
        self.assertEqual(e.exception.status, 400)
        versions = [s["version"] for s in self.c.request("GET", "scenes")["scenes"] if s["id"] == "p3"]
        self.assertEqual(versions, [first["version"]])

    def test_a_blob_the_hub_lacks_for_a_patch_is_uploaded_on_its_409(self):
        nodes = [node(i, self.h, i) for i in range(5)]
        self.c.send_scene(scene("p4", nodes), {self.h: self.b})
        b2 = quad(5)
        h2 = hashlib.sha256(b2).hexdigest()
        self.c._remember([h2])  # as if the hub had said it held it
        nodes = nodes[:4] + [node(4, h2)]
        answer, calls = self.calls(self.c, scene("p4", nodes), {self.h: self.b, h2: b2})
        self.assertEqual(calls, [("POST", "scenes/p4/versions"), ("POST", "blobs/missing"), ("POST", "blobs"),
                                 ("POST", "scenes/p4/versions")])
        self.assertTrue(self.c.last_patched)
        self.assertEqual(self.manifest("p4")["nodes"][4]["mesh"], h2)


if __name__ == "__main__":
    unittest.main()
