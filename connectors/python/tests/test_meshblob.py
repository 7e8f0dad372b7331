import os
import sys
import unittest
from array import array

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from livelink_client import meshblob, LiveLinkError  # noqa: E402


class MeshBlobTest(unittest.TestCase):
    def test_round_trip_all_sections(self):
        b = meshblob.encode(array("f", [0, 0, 0, 1, 0, 0, 0, 1, 0]), array("I", [0, 1, 2]),
                            normals=array("f", [0, 0, 1] * 3), material_index=array("I", [3]))
        self.assertEqual(len(b), 32 + 36 + 12 + 36 + 4)
        m = meshblob.decode(b)
        self.assertEqual((m.vertex_count, m.triangle_count), (3, 1))
        self.assertEqual(list(m.positions), [0, 0, 0, 1, 0, 0, 0, 1, 0])
        self.assertEqual(list(m.indices), [0, 1, 2])
        self.assertEqual(list(m.normals)[2], 1.0)
        self.assertEqual(list(m.material_index), [3])
        self.assertEqual(m.positions.typecode, "f")

    def test_size_mismatch_is_named(self):
        b = meshblob.encode([0.0] * 9, [0, 1, 2])
        with self.assertRaisesRegex(LiveLinkError, "declares 3 vertices and 1 triangles \\(80 bytes\\) but is 79"):
            meshblob.decode(b[:-1])

    def test_bad_magic(self):
        with self.assertRaisesRegex(LiveLinkError, "not a version 1 mesh blob"):
            meshblob.decode(b"XXXX" + bytes(28))


if __name__ == "__main__":
    unittest.main()
