"""Typed events from the hub's frames: the studio space in `hello` and in `space` events (docs/protocol.md)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from livelink_client.events import Hello, SpaceState, parse  # noqa: E402

SPACE = {"space": "studio", "nats": "tls://nats.lan:4222", "host": "artist-pc", "state": "connected", "ready": True,
         "error": None}


class SpaceEventsTest(unittest.TestCase):
    def test_hello_carries_the_space_when_the_hub_is_in_one(self):
        hello = parse("hello", {"peer": "blender-1", "hub": "0.1.0", "scenes": [], "space": SPACE})
        self.assertEqual(hello.space, SpaceState("studio", "tls://nats.lan:4222", "artist-pc", "connected", True, ""))
        self.assertIsNone(parse("hello", {"peer": "blender-1", "scenes": []}).space, "a hub in no space")

    def test_a_space_event_is_typed(self):
        e = parse("space", dict(SPACE, state="disconnected", ready=False, error="Connection refused"))
        self.assertEqual((e.state, e.ready, e.error), ("disconnected", False, "Connection refused"))

    def test_one_line_says_whether_versions_cross_and_that_the_local_link_works(self):
        self.assertEqual(parse("space", SPACE).line, "Studio space studio: connected")
        self.assertEqual(parse("space", dict(SPACE, state="disconnected", ready=False)).line,
                         "Studio space studio: unreachable — local link works")
        self.assertEqual(parse("space", dict(SPACE, state="connecting", ready=False)).line,
                         "Studio space studio: connecting — local link works")
        self.assertEqual(parse("space", dict(SPACE, state="connected", ready=False)).line,
                         "Studio space studio: connecting — local link works", "connected, the space not open yet")

    def test_a_hello_from_an_older_hub_still_parses(self):
        self.assertEqual(parse("hello", {"peer": "p", "scenes": [{"id": "a", "version": 2}]}),
                         Hello("p", ({"id": "a", "version": 2},), None))


if __name__ == "__main__":
    unittest.main()
