"""The main-thread receiver over a fake Host and a fake network side: what it fetches, plans, applies and acks."""
import time
import unittest

import hostfree  # noqa: F401 - makes livelink_blender importable without bpy
from livelink_blender.logic.host import Host
from livelink_blender.logic.messages import (AckFailed, AckRequest, CatchUp, DeltaFetched, FetchFailed,
                                             FetchRequest, SpaceChanged, StatusChanged, VersionAnnounced)
from livelink_blender.logic.receiver import Receiver

MESH = "a" * 64
SCENE = {"id": "doc", "name": "Doc", "units": "mm", "up": "Z"}


class FakeLink:
    def __init__(self):
        self.inbox, self.sent, self.document = [], [], None

    def drain(self):
        out, self.inbox = self.inbox, []
        return out

    def fetch(self, request):
        self.sent.append(request)

    ack = fetch

    def reregister(self, document):
        self.document = document

    def close(self):
        pass

    def fetches(self):
        return [m for m in self.sent if isinstance(m, FetchRequest)]

    def acks(self):
        return [m for m in self.sent if isinstance(m, AckRequest)]


class FakeHost(Host):
    """A .blend as dicts: scene -> version, scene -> {node id}, scene -> {mesh hash}."""

    def __init__(self):
        self.versions, self.nodes, self.meshes = {}, {}, {}
        self.reports, self.plans, self.fail = [], [], None
        self.forgotten = 0  # times the host was told bpy.data was replaced

    def applied_version(self, scene_id):
        return self.versions.get(scene_id, 0)

    def node_ids(self, scene_id):
        return self.nodes.get(scene_id, set())

    def mesh_hashes(self, scene_id):
        return self.meshes.get(scene_id, set())

    def apply(self, plan, blobs):
        if self.fail:
            raise self.fail
        self.plans.append(plan)
        sid = plan.scene["id"]
        self.versions[sid] = plan.version
        self.nodes.setdefault(sid, set()).update(c.node["id"] for c in plan.creates)
        self.meshes.setdefault(sid, set()).update(blobs)
        return plan.touched

    def report(self, message):
        self.reports.append(message)

    def forget(self):
        self.forgotten += 1

    def redraw(self):
        pass


def delta(frm, to, nodes=("Box",), full=False):
    return {"scene": SCENE, "from": frm, "to": to, "full": full, "removed": [], "changed": [],
            "added": [{"id": n, "name": n, "mesh": MESH, "materials": []} for n in nodes]}


def fetched(d, blobs=None):
    return DeltaFetched(d, {MESH: b"blob"} if blobs is None else blobs, 5.0, "blender-1", time.perf_counter())


class ReceiverTest(unittest.TestCase):
    def setUp(self):
        self.link, self.host = FakeLink(), FakeHost()
        self.r = Receiver(self.link, self.host)

    def deliver(self, *messages):
        self.link.inbox.extend(messages)
        return self.r.tick()

    def test_an_announced_version_is_fetched_from_what_the_blend_holds_then_applied_and_acked(self):
        self.host.versions["doc"], self.host.meshes["doc"] = 2, {"b" * 64}
        self.deliver(VersionAnnounced("doc", 3))
        self.assertEqual(self.link.fetches(), [FetchRequest("doc", 2, 3, frozenset({"b" * 64}))])
        self.deliver(fetched(delta(2, 3)))
        self.assertEqual(self.host.versions["doc"], 3)
        (ack,) = self.link.acks()
        self.assertEqual((ack.ok, ack.peer, ack.version, ack.timings["objects"]), (True, "blender-1", 3, 1))
        self.assertEqual(set(ack.timings), {"fetch_ms", "pickup_ms", "build_ms", "total_ms", "objects"})

    def test_a_burst_of_versions_costs_one_fetch_in_flight_then_one_for_the_newest(self):
        self.deliver(VersionAnnounced("doc", 1), VersionAnnounced("doc", 2), VersionAnnounced("doc", 3))
        self.assertEqual(len(self.link.fetches()), 1)
        self.deliver(fetched(delta(0, 2, full=True)))
        self.assertEqual([(f.since, f.version) for f in self.link.fetches()], [(0, 1), (2, 3)])
        self.deliver(VersionAnnounced("doc", 3))
        self.assertEqual(len(self.link.fetches()), 2, "version 3 is on its way already")

    def test_a_delta_from_a_version_not_held_is_fetched_again_from_what_is_held(self):
        self.host.versions["doc"] = 1
        self.deliver(VersionAnnounced("doc", 3))
        self.host.versions["doc"] = 0  # the artist deleted the collection meanwhile
        self.deliver(fetched(delta(1, 3)))
        self.assertEqual(self.host.plans, [])
        self.assertEqual([(f.since, f.version) for f in self.link.fetches()], [(1, 3), (0, 3)])

    def test_a_failed_build_is_acked_with_its_reason_and_reported(self):
        self.host.fail = MemoryError("out of memory")
        self.deliver(VersionAnnounced("doc", 1), fetched(delta(0, 1, full=True)))
        (ack,) = self.link.acks()
        self.assertEqual((ack.ok, ack.reason), (False, "MemoryError: out of memory"))
        self.assertEqual(self.host.reports, ["scene Doc v1 failed: MemoryError: out of memory"])
        self.assertEqual(self.r.status.error, self.host.reports[0])

    def test_a_blob_that_was_not_fetched_fails_the_version_by_name(self):
        self.deliver(VersionAnnounced("doc", 1), fetched(delta(0, 1, full=True), blobs={}))
        self.assertIn("mesh blob(s) aaaaaaaaaaaa were not fetched", self.link.acks()[0].reason)

    def test_paused_deltas_wait_and_apply_in_order_on_resume(self):
        self.r.set_paused(True)
        self.deliver(VersionAnnounced("doc", 1), fetched(delta(0, 1, full=True)))
        self.assertEqual(self.host.plans, [])
        self.r.set_paused(False)
        self.assertEqual([p.version for p in self.host.plans], [1])

    def test_catch_up_fetches_only_scenes_this_blend_holds_that_moved_on(self):
        self.host.versions = {"held": 2, "current": 5}
        self.deliver(CatchUp((("held", 4), ("current", 5), ("never", 9))))
        self.assertEqual([(f.scene, f.since, f.version) for f in self.link.fetches()], [("held", 2, 4)])

    def test_status_and_failures_reach_the_panel(self):
        self.deliver(StatusChanged("connected", "blender-7"))
        self.assertEqual((self.r.status.hub, self.r.status.peer), ("connected", "blender-7"))
        self.deliver(StatusChanged("not connected (retry in 1 s)", "", "refused"), StatusChanged("connected", "b-8"))
        self.assertEqual((self.r.status.hub, self.r.status.drops), ("connected", 1), "a quick reconnect is counted")
        self.deliver(VersionAnnounced("doc", 1), FetchFailed("doc", 1, "the hub on port 9 does not answer"))
        self.assertEqual(self.host.reports, ["could not fetch doc v1: the hub on port 9 does not answer"])
        self.deliver(VersionAnnounced("doc", 1))
        self.assertEqual(len(self.link.fetches()), 2, "a failed fetch does not block the next one")
        self.deliver(FetchFailed("doc", 1, "not connected", report=False), AckFailed("gone"))
        self.assertEqual(len(self.host.reports), 1, "no connection is shown in the panel, not reported")
        self.assertEqual(self.r.status.error, "could not ack: gone")

    def test_the_studio_space_reaches_the_panel(self):
        self.assertEqual(self.r.status.space, "", "no space: no line")
        self.deliver(SpaceChanged("Studio space e2e: connected", True))
        self.assertEqual((self.r.status.space, self.r.status.space_ready), ("Studio space e2e: connected", True))
        self.deliver(SpaceChanged("Studio space e2e: unreachable — local link works"))
        self.assertEqual((self.r.status.space, self.r.status.space_ready),
                         ("Studio space e2e: unreachable — local link works", False))

    def test_the_scene_this_blend_sends_is_never_fetched_back(self):
        self.host.sends = lambda scene_id: scene_id == "blender:mine"
        self.host.versions["blender:mine"] = 1  # even were its objects here, a restarted Blender's catch-up
        self.deliver(CatchUp((("blender:mine", 3),)), VersionAnnounced("blender:mine", 4), VersionAnnounced("doc", 1))
        self.assertEqual([f.scene for f in self.link.fetches()], ["doc"])

    def test_another_file_registers_again_under_its_name(self):
        self.deliver(VersionAnnounced("doc", 1))
        self.r.file_loaded("shop.blend")
        self.assertEqual(self.link.document, "shop.blend")
        self.deliver(VersionAnnounced("doc", 1))
        self.assertEqual(len(self.link.fetches()), 2, "nothing in flight carries over to the new file")
        self.assertEqual(self.host.forgotten, 1, "what the host kept of the old file's bpy.data is dropped")

    def test_an_undo_drops_what_the_host_kept_of_bpy_data(self):
        self.r.undone()
        self.assertEqual(self.host.forgotten, 1)


if __name__ == "__main__":
    unittest.main()
