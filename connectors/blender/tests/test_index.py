"""The index of received datablocks (logic.index) over a fake table of named datablocks: it reads the whole table
only when the user changed it, and never hands out a datablock that does not carry the scene and key asked for."""
import unittest

import hostfree  # noqa: F401 - makes livelink_blender importable without bpy
from livelink_blender.logic.index import Index, Table


class Block:
    def __init__(self, name, scene=None, key=None, named=None):
        self.name, self.scene, self.key = name, scene, key
        self.named = name if named is None else named  # the name livelink gave it (a duplicate keeps the original's)


class FakeTable(Table):
    """bpy.data.objects as a list in Blender's (name) order."""

    def __init__(self, *blocks):
        self.blocks = list(blocks)
        self.lookups = 0

    def add(self, block):
        self.blocks.append(block)
        self.blocks.sort(key=lambda b: b.name)
        return block

    def delete(self, name):
        self.blocks = [b for b in self.blocks if b.name != name]

    def count(self):
        return len(self.blocks)

    def scan(self):
        for b in self.blocks:
            if b.scene is not None:
                yield b.scene, b.key, b, b.named == b.name

    def get(self, name):
        self.lookups += 1
        return next((b for b in self.blocks if b.name == name), None)

    def key_of(self, item):
        return item.scene, item.key

    def name_of(self, item):
        return item.name


def scene_of(n):
    return FakeTable(*[Block("Part%d" % i, "s", "n%d" % i) for i in range(n)] + [Block("Camera")])


class IndexTest(unittest.TestCase):
    def test_reads_the_table_once_and_then_looks_up_by_name(self):
        t = scene_of(100)
        ix = Index(t)
        self.assertEqual(len(ix.keys("s")), 100)
        for i in (5, 50, 99):
            self.assertEqual(ix.get("s", "n%d" % i).name, "Part%d" % i)
        self.assertIsNone(ix.get("s", "n100"))
        self.assertIsNone(ix.get("other", "n1"))
        self.assertEqual(ix.scans, 1)

    def test_an_apply_that_adds_renames_and_deletes_keeps_it_without_reading_again(self):
        t = scene_of(10)
        ix = Index(t)
        ix.begin()
        ix.put("s", "n10", t.add(Block("Part10", "s", "n10")))
        renamed = ix.get("s", "n3")
        renamed.name = renamed.named = "Renamed"
        ix.put("s", "n3", renamed)
        t.delete("Part4")
        ix.drop("s", "n4")
        ix.settle()
        self.assertEqual(ix.get("s", "n3").name, "Renamed")
        self.assertEqual(ix.get("s", "n10").name, "Part10")
        self.assertNotIn("n4", ix.keys("s"))
        self.assertEqual(ix.scans, 1)

    def test_an_object_the_user_deleted_is_gone_from_the_keys(self):
        t = scene_of(10)
        ix = Index(t)
        ix.keys("s")
        t.delete("Part7")
        self.assertNotIn("n7", ix.keys("s"))
        self.assertIsNone(ix.get("s", "n7"))
        self.assertEqual(ix.scans, 2)

    def test_a_rename_by_the_user_is_found_when_looked_up(self):
        t = scene_of(10)
        ix = Index(t)
        ix.keys("s")
        t.get("Part2").name = "Mine"
        self.assertEqual(ix.get("s", "n2").name, "Mine")
        self.assertEqual(ix.scans, 2)
        self.assertEqual(ix.get("s", "n2").name, "Mine")
        self.assertEqual(ix.scans, 2, "remembered")

    def test_a_name_now_held_by_another_object_is_not_trusted(self):
        t = scene_of(10)
        ix = Index(t)
        ix.keys("s")
        t.get("Part2").name = "Mine"  # the user renames ours, then gives its name to one of theirs
        t.get("Camera").name = "Part2"
        got = ix.get("s", "n2")
        self.assertEqual((got.name, got.key), ("Mine", "n2"))

    def test_deleted_and_another_added_in_its_place_is_found_out(self):
        t = scene_of(10)
        ix = Index(t)
        ix.keys("s")
        t.delete("Part5")
        t.add(Block("Cube"))  # the same count as before
        self.assertIsNone(ix.get("s", "n5"))

    def test_a_duplicate_leaves_the_node_with_the_original(self):
        t = scene_of(3)
        ix = Index(t)
        ix.keys("s")
        t.add(Block("Part1.001", "s", "n1", named="Part1"))  # Shift+D copies our properties
        self.assertEqual(ix.get("s", "n1").name, "Part1")
        self.assertEqual(ix.scans, 2)
        # Renamed by the artist, the original still comes first in Blender's order.
        t.get("Part1").name = "Gear"
        t.blocks.sort(key=lambda b: b.name)
        t.get("Part1.001").name = "Part1.001"
        self.assertEqual(ix.get("s", "n1").name, "Gear")

    def test_the_duplicate_takes_over_when_the_original_is_deleted(self):
        t = scene_of(3)
        ix = Index(t)
        t.add(Block("Part1.001", "s", "n1", named="Part1"))
        self.assertEqual(ix.get("s", "n1").name, "Part1")
        t.delete("Part1")
        self.assertEqual(ix.get("s", "n1").name, "Part1.001")

    def test_forget_reads_again_after_an_undo(self):
        t = scene_of(5)
        ix = Index(t)
        ix.keys("s")
        t.delete("Part0")
        t.add(Block("Part9", "s", "n9"))  # an undo can change what exists and keep the count
        self.assertNotIn("n9", ix.keys("s"))
        ix.forget()
        self.assertIn("n9", ix.keys("s"))
        self.assertNotIn("n0", ix.keys("s"))

    def test_items_reads_every_datablock_at_once(self):
        t = scene_of(50)
        ix = Index(t)
        items = ix.items("s")
        self.assertEqual(len(items), 50)
        self.assertEqual(t.lookups, 0)


if __name__ == "__main__":
    unittest.main()
