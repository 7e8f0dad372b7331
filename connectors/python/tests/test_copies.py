"""The connectors' copies of livelink_client are generated from the one source and must not drift."""
import importlib.util
import os
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "sync_copies.py")
spec = importlib.util.spec_from_file_location("sync_copies", SCRIPT)
sync = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sync)


class CopiesTest(unittest.TestCase):
    def test_every_copy_is_byte_identical_to_the_source(self):
        for copy in sync.COPIES:
            with self.subTest(copy=os.path.relpath(copy, sync.CONNECTORS)):
                self.assertFalse(os.path.islink(copy), "a copy, not a symlink")
                self.assertEqual(sync.differences(copy), [],
                                 "run: python3 connectors/python/sync_copies.py")


if __name__ == "__main__":
    unittest.main()
