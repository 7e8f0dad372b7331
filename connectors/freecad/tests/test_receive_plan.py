"""receive/plan.py's operations look only at the nodes a delta names and those under them: an edit of one object of
a large scene costs one layout, and gives the same operations as looking at every node."""
import unittest
from unittest import mock

from receiving import SCENE, node, sha, trs
from livelink_freecad.livelink_client.plan import Create, Plan, Remove, Update
from livelink_freecad.receive import plan

A, B = sha(b"a"), sha(b"b")


def scene(others=200):
    """A scaled empty with two members (one with a child parented to the mesh), and `others` unrelated meshes."""
    nodes = {"rig": node("rig", None, None, trs((0, 0, 1), 0.5, (2, 2, 2))),
             "arm": node("arm", A, "rig", trs((1, 0, 0))), "hand": node("hand", A, "arm", trs((0, 1, 0))),
             "leg": node("leg", A, "rig", trs((0, 1, 0)))}
    nodes.update({"g%d" % i: node("g%d" % i, A, None, trs((i, 0, 0))) for i in range(others)})
    return nodes


def make_plan(held, creates=(), updates=(), removes=()):
    return Plan(SCENE, 2, [Create(n) for n in creates], [Update(n, frozenset(("transform",))) for n in updates],
                [Remove(i) for i in removes])


def everything(held, p):
    """The same plan naming every node it leaves alone too: what looking at every node gives."""
    named = {c.node["id"] for c in p.creates} | {u.node["id"] for u in p.updates} | {r.node_id for r in p.removes}
    rest = [n for i, n in held.items() if i not in named]
    return Plan(SCENE, 2, p.creates, p.updates + [Update(n, frozenset()) for n in rest], p.removes)


class OnlyWhatChangedTest(unittest.TestCase):
    def check(self, held, p, expect):
        ops, removed = plan.operations(SCENE, held, p, {A, B})
        all_ops, all_removed = plan.operations(SCENE, held, everything(held, p), {A, B})
        self.assertEqual((ops, removed), (all_ops, all_removed), "as looking at every node")
        self.assertEqual(sorted(o.id for o in ops), sorted(expect))
        return ops

    def test_one_edited_mesh_is_the_only_node_laid_out(self):
        held = scene()
        moved = dict(held["g7"], transform=trs((7, 0, 1)), mesh=B)
        with mock.patch.object(plan, "to_mm", wraps=plan.to_mm) as to_mm:
            ops, _ = plan.operations(SCENE, held, make_plan(held, updates=[moved]), {B})
        self.assertEqual([(o.id, o.geometry) for o in ops], [("g7", B)])
        self.assertEqual(to_mm.call_count, 2, "its layout before and after, nothing else")
        self.check(held, make_plan(held, updates=[moved]), ["g7"])

    def test_a_scaled_empty_that_changes_takes_its_members_and_theirs_along(self):
        held = scene()
        rig = dict(held["rig"], transform=trs((0, 0, 2), 0.5, (3, 3, 3)))
        ops = self.check(held, make_plan(held, updates=[rig]), ["rig", "arm", "hand", "leg"])
        self.assertEqual([o.id for o in ops][0], "rig", "parents first")

    def test_a_removed_empty_puts_its_members_at_the_top(self):
        held = scene(20)
        ops = self.check(held, make_plan(held, removes=["rig"]), ["arm", "hand", "leg"])
        self.assertTrue(all(o.container is None for o in ops if o.id in ("arm", "leg")))

    def test_a_new_parent_and_a_member_that_names_it(self):
        held = scene(20)
        box = node("box", None, None, trs((5, 0, 0)))
        g3 = dict(held["g3"], parent="box")
        self.check(held, make_plan(held, creates=[box], updates=[g3]), ["box", "g3"])

    def test_adopting_puts_every_node_in_its_app_part_again(self):
        held = scene(5)
        ops, _ = plan.operations(SCENE, held, make_plan(held), {A}, adopt=True)
        self.assertEqual(sorted(o.id for o in ops), sorted(held))


if __name__ == "__main__":
    unittest.main()
