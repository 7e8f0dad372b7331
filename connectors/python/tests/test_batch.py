"""The blob batch framing: round trip and every way a body can be malformed."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from livelink_client import LiveLinkError, batch  # noqa: E402

A, B = "a" * 64, "b" * 64


class BatchTest(unittest.TestCase):
    def test_round_trip_in_the_order_asked(self):
        body = batch.encode({A: b"one", B: b""}, [B, A])
        self.assertEqual(body[:64], B.encode())
        self.assertEqual(body[64:72], bytes(8), "u64 little-endian length")
        self.assertEqual(batch.decode(body), {A: b"one", B: b""})
        self.assertEqual(batch.decode(b""), {})

    def test_truncated_header_is_named(self):
        with self.assertRaisesRegex(LiveLinkError, r"truncated in the header of frame 1 \(at byte 75 of 80\)"):
            batch.decode(batch.encode({A: b"one"}) + b"b" * 5)

    def test_body_shorter_than_declared_is_named(self):
        with self.assertRaisesRegex(LiveLinkError, "frame 0 \\(aaaaaaaaaaaa…\\) declares 3 bytes but 2 remain"):
            batch.decode(batch.encode({A: b"one"})[:-1])

    def test_bad_hash_text_is_named(self):
        with self.assertRaisesRegex(LiveLinkError, "frame 0 does not start with 64 lowercase hex digits"):
            batch.decode(b"Z" * 64 + bytes(8))


if __name__ == "__main__":
    unittest.main()
