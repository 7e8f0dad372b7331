"""logic/normals.py: which sent normals Blender's own smooth shading already shows (then no custom split normals)."""
import math
import unittest
from array import array

import hostfree  # noqa: F401 - makes livelink_blender importable without Blender
import numpy as np  # Blender bundles it; the add-on falls back to custom normals without it (tested below)
from livelink_blender.livelink_client import meshblob
from livelink_blender.logic import normals

# A unit cube as FreeCAD sends it: four vertices per face, each with the face's normal, two triangles per face,
# counter-clockwise seen from outside.
FACES = [((0, 0, -1), [(0, 0, 0), (0, 1, 0), (1, 1, 0), (1, 0, 0)]),
         ((0, 0, 1), [(0, 0, 1), (1, 0, 1), (1, 1, 1), (0, 1, 1)]),
         ((0, -1, 0), [(0, 0, 0), (1, 0, 0), (1, 0, 1), (0, 0, 1)]),
         ((0, 1, 0), [(0, 1, 0), (0, 1, 1), (1, 1, 1), (1, 1, 0)]),
         ((-1, 0, 0), [(0, 0, 0), (0, 0, 1), (0, 1, 1), (0, 1, 0)]),
         ((1, 0, 0), [(1, 0, 0), (1, 1, 0), (1, 1, 1), (1, 0, 1)])]


def box(faces=FACES, tilt=None):
    """The decoded blob. tilt: (face, degrees) turns that face's sent
    normal by that angle, leaving its triangles as they are."""
    pos, idx, nrm = [], [], []
    for f, (n, quad) in enumerate(faces):
        if tilt is not None and tilt[0] == f:
            a = math.radians(tilt[1])
            u = (1, 0, 0) if n[2] else (0, 0, 1)  # perpendicular to n
            n = tuple(math.cos(a) * c + math.sin(a) * d for c, d in zip(n, u))
        base = len(pos)
        pos += quad
        nrm += [n] * 4
        idx += [base, base + 1, base + 2, base, base + 2, base + 3]
    return decoded(pos, idx, nrm)


def decoded(pos, idx, nrm):
    return meshblob.decode(meshblob.encode(array("f", [c for p in pos for c in p]), array("I", idx),
                                           normals=array("f", [c for v in nrm for c in v])))


def cylinder_side(segments):
    """A cylinder's side with the surface's radial normals: curved, and its seam's two columns of vertices see one
    side's triangles each."""
    pos, nrm, idx = [], [], []
    for k in range(segments + 1):
        a = 2 * math.pi * k / segments
        pos += [(math.cos(a), math.sin(a), 0.0), (math.cos(a), math.sin(a), 1.0)]
        nrm += [(math.cos(a), math.sin(a), 0.0)] * 2
    for k in range(segments):
        a, b = 2 * k, 2 * k + 2
        idx += [a, b, b + 1, a, b + 1, a + 1]
    return decoded(pos, idx, nrm)


def flat(mesh):
    return normals.flat_meshes(np, {"m": mesh}) == {"m"}


class FlatMeshesTest(unittest.TestCase):
    def test_a_box_of_face_split_vertices_needs_no_custom_normals(self):
        self.assertTrue(flat(box()))

    def test_a_curved_part_keeps_custom_normals(self):
        # Probed in Python (more triangles than SMALL) and tested in numpy (fewer): curved either way.
        for segments in (4, 40):
            with self.subTest(segments=segments):
                self.assertFalse(flat(cylinder_side(segments)))

    def test_a_sent_normal_off_its_face_by_more_than_the_tolerance_keeps_them(self):
        # The tilted face's corners agree with each other, so the probe passes them: numpy must catch it, on every
        # face (the probe samples triangles, the full test looks at all).
        for face in range(len(FACES)):
            with self.subTest(face=face):
                self.assertFalse(flat(box(tilt=(face, 1.0))))
                self.assertTrue(flat(box(tilt=(face, 0.3))), "within 0.5 degrees")

    def test_normals_against_the_winding_keep_them(self):
        # Blender orients a face by its corner order: sent normals pointing the other way are not its own.
        flipped = [(tuple(-c for c in n), quad) for n, quad in FACES]
        self.assertFalse(flat(box(flipped)))

    def test_a_triangle_of_no_area_keeps_them(self):
        line = [((0, 0, 1), [(0, 0, 0), (1, 0, 0), (2, 0, 0), (3, 0, 0)])]
        self.assertFalse(flat(box(line)))

    def test_without_numpy_or_triangles_custom_normals_are_always_set(self):
        self.assertEqual(normals.flat_meshes(None, {"m": box()}), set())
        empty = meshblob.decode(meshblob.encode(array("f"), array("I"), normals=array("f")))
        self.assertEqual(normals.flat_meshes(np, {"m": empty}), set())
        bare = meshblob.decode(meshblob.encode(array("f", [0, 0, 0, 1, 0, 0, 0, 1, 0]), array("I", [0, 1, 2])))
        self.assertEqual(normals.flat_meshes(np, {"m": bare}), set(), "no normals sent: nothing to decide")

    def test_an_applys_meshes_are_decided_together_each_on_its_own_triangles(self):
        # One numpy pass over all: each mesh's indices count from its own first vertex, and one curved or tilted
        # mesh between flat ones leaves them flat.
        meshes = {"box": box(), "tube": cylinder_side(4), "tilted": box(tilt=(2, 5.0)), "big tube": cylinder_side(40),
                  "box again": box()}
        self.assertEqual(normals.flat_meshes(np, meshes), {"box", "box again"})

    def test_an_index_out_of_its_mesh_decides_nothing(self):
        m = decoded([(0, 0, 0), (1, 0, 0), (0, 1, 0)], [0, 1, 3], [(0, 0, 1)] * 3)
        self.assertEqual(normals.flat_meshes(np, {"bad": m, "box": box()}), set())


class UnitMeshesTest(unittest.TestCase):
    """Which meshes' normals can be Blender 4.5+'s free normals as sent (shown as they are)."""

    def test_unit_normals_go_free_and_a_zero_or_long_one_keeps_its_mesh_out(self):
        zero = decoded([(0, 0, 0), (1, 0, 0), (0, 1, 0)], [0, 1, 2], [(0, 0, 1), (0, 0, 0), (0, 0, 1)])
        long = decoded([(0, 0, 0), (1, 0, 0), (0, 1, 0)], [0, 1, 2], [(0, 0, 1.05)] * 3)
        meshes = {"box": box(), "zero": zero, "tube": cylinder_side(40), "long": long, "tilted": box(tilt=(2, 5.0))}
        self.assertEqual(normals.unit_meshes(np, meshes), {"box", "tube", "tilted"})

    def test_without_numpy_or_normals_nothing_goes_free(self):
        self.assertEqual(normals.unit_meshes(None, {"m": box()}), set())
        bare = meshblob.decode(meshblob.encode(array("f", [0, 0, 0, 1, 0, 0, 0, 1, 0]), array("I", [0, 1, 2])))
        empty = meshblob.decode(meshblob.encode(array("f"), array("I"), normals=array("f")))
        self.assertEqual(normals.unit_meshes(np, {"bare": bare, "empty": empty}), set())


if __name__ == "__main__":
    unittest.main()
