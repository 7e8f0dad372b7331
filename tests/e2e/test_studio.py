"""End to end across two "machines": two hubs with their own homes and ports joined through one real nats-server
(hub.conf.json, as a studio sets it up): FreeCAD on hub A exports, Blender on hub B gets the scene in metres with
colours, and the ack with Blender's timings comes back to FreeCAD's Report view. Then nats-server stops and starts
again: Blender's Live Link panel and FreeCAD's status dialog say so, and a send after it still crosses."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import queue
import re
import unittest

from common import BLENDER_STATE, HubClient, apps, link_status, peers
from test_freecad import MAKE_DOC, REPORT, menu_action, sent_line


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Thirty cylinders of their own sizes: each its own mesh, ~400 KB of new blobs in all, over the 64 KB an edit
# carries in its version's message, so they go ahead of their version (docs/studio.md, "Blobs ahead of their version").
MAKE_CYLINDERS = """import FreeCAD as App
doc = App.getDocument("Demo")
for i in range(30):
    c = doc.addObject("Part::Cylinder", "Rod%02d" % i)
    c.Radius = 10 + i
    c.Height = 100 + 10 * i
    c.Placement.Base = App.Vector(3000 + 100 * i, 0, 0)
# And a finely tessellated ball: one mesh over NATS's 1 MB message limit, a pack in several chunks.
ball = doc.addObject("Part::Sphere", "Ball")
ball.Radius = 300
ball.Placement.Base = App.Vector(0, 3000, 0)
doc.recompute()
ball.ViewObject.Deviation = 0.01
ball.ViewObject.AngularDeflection = 1.5
doc.recompute()
result = True
"""


def federation(sandbox):
    return HubClient.discover(sandbox.livelink_home).status()["federation"]


# What FreeCAD's "Live Link status…" dialog shows: the Mod's controller makes its text.
FREECAD_STATUS = "from livelink_freecad.gui import current_controller\nresult = current_controller().status_text()\n"


class NatsServer:
    """nats-server -js on a free loopback port with its own store, ready once it says so; stopped and started again
    on the same port and store."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="livelink-nats-")
        self.port = free_port()
        self.url = "nats://127.0.0.1:%d" % self.port
        self.start()

    def start(self):
        self.proc = subprocess.Popen(["nats-server", "-js", "-a", "127.0.0.1", "-p", str(self.port), "-sd",
                                      os.path.join(self.dir, "store")], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        ready = queue.Queue()

        def pump():
            for line in self.proc.stdout:
                if "Server is ready" in line:
                    ready.put(True)
            ready.put(False)

        threading.Thread(target=pump, daemon=True).start()
        if not ready.get(timeout=60):
            raise AssertionError("nats-server did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class StudioTest(unittest.TestCase):
    def setUp(self):
        apps.require("freecad", "blender", "xvfb-run", "nats-server")
        self.nats = NatsServer()
        self.procs, self.hubs, self.sandboxes = [], [], []
        self.a = self.machine("machine-a")
        self.b = self.machine("machine-b")

    def machine(self, host):
        sb = apps.Sandbox()
        self.sandboxes.append(sb)
        sb.run("install")
        os.makedirs(sb.livelink_home, exist_ok=True)
        with open(os.path.join(sb.livelink_home, "hub.conf.json"), "w") as f:
            json.dump({"nats": self.nats.url, "space": "e2e", "host": host}, f)
        self.hubs.append(sb.hub())
        apps.wait_until(lambda: "space e2e via %s: connected" % self.nats.url in sb.run("status").stdout,
                        timeout=60, what="%s's hub to join the space" % host)
        return sb

    def tearDown(self):
        for p in self.procs:
            p.kill()
        for h in self.hubs:
            h.stop()
        for sb in self.sandboxes:
            sb.cleanup()
        self.nats.close()

    def test_freecad_on_one_machine_to_blender_on_another(self):
        b = apps.start_blender(self.b)
        self.procs.append(b)
        apps.wait_until(lambda: b.eval(link_status()) == "connected", timeout=60, what="Blender to connect")
        remote = apps.wait_until(lambda: [p for p in peers(self.a) if p["app"] == "Blender"], timeout=30,
                                 what="B's Blender in A's peers")
        self.assertEqual(remote[0]["host"], "machine-b")
        self.assertTrue(remote[0]["remote"])
        self.assertIn("machine-b", self.a.run("peers").stdout)

        fc = apps.start_freecad(self.a)
        self.procs.append(fc)
        fc.eval(MAKE_DOC)
        self.assertEqual(fc.eval(menu_action("LiveLink_ExportToBlender")), "Export to Blender")
        try:
            apps.wait_until(lambda: re.search(sent_line("untitled"), fc.eval(REPORT)), timeout=60,
                            what="Blender's ack in FreeCAD's Report view")
        except AssertionError as e:
            raise AssertionError("%s\nReport view: %s\nA: %s\nB: %s\nBlender: %s, last %r" % (
                e, fc.eval(REPORT)[-1500:], self.a.run("status").stdout, self.b.run("status").stdout,
                b.eval(link_status()), b.eval(link_status("last")))) from e
        s = b.eval(BLENDER_STATE)
        self.assertEqual(sorted(s), ["Body", "Body (Link)", "Box", "Cylinder", "Link", "Part"])
        self.assertEqual(s["Box"]["max"], [1.0, 0.5, 0.25], "a 1000 mm box is 1 m in Blender on the other machine")
        self.assertEqual(s["Box"]["colors"], [[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 1.0]], "red, top face green")
        self.assertEqual(s["Cylinder"]["colors"], [[0.0, 0.0, 1.0, 1.0]])
        status = self.a.run("status").stdout
        self.assertIn("1 remote peer(s), outbox 0", status)

        # A larger first send: its blobs cross as FreeCAD uploads them, and hub B (Blender is its receiver) keeps
        # them as they are put, so the version that follows fetches none.
        fetched = federation(self.b)["packsFetched"]
        fc.eval(MAKE_CYLINDERS)
        fc.eval(menu_action("LiveLink_ExportToBlender"))
        apps.wait_until(lambda: {"Rod29", "Ball"} <= set(b.eval(BLENDER_STATE)), timeout=60,
                        what="the 30 rods and the ball in Blender")
        s = b.eval(BLENDER_STATE)
        for got, want in zip(s["Rod29"]["max"], [5.939, 0.039, 0.39]):  # r 39 mm, h 390 mm, at x 5900 mm: in metres
            self.assertAlmostEqual(got, want, delta=0.001)
        for got, want in zip(s["Ball"]["max"], [0.3, 3.3, 0.3]):
            self.assertAlmostEqual(got, want, delta=0.001)
        # 45,000 triangles and their face-split vertices with normals: over 1 MB, kept from its chunks, not fetched.
        self.assertGreater(s["Ball"]["triangles"], 45000)
        fb = federation(self.b)
        self.assertEqual(fb["packsFetched"], fetched, "no pack fetched after the version came")
        self.assertGreaterEqual(fb["blobsPrefetched"], 31)
        self.assertGreaterEqual(federation(self.a)["packsAhead"], 1)

        # NATS away: both applications say so in their own status, and local linking goes on.
        connected, unreachable = "Studio space e2e: connected", "Studio space e2e: unreachable — local link works"
        apps.wait_until(lambda: b.eval(link_status("space")) == connected, timeout=30, what="Blender's panel line")
        self.assertTrue(b.eval(link_status("space_ready")))
        apps.wait_until(lambda: connected in fc.eval(FREECAD_STATUS), timeout=30, what="FreeCAD's status line")
        self.nats.stop()
        apps.wait_until(lambda: b.eval(link_status("space")) == unreachable, timeout=60,
                        what="Blender's panel to show the space unreachable")
        self.assertFalse(b.eval(link_status("space_ready")))
        self.assertEqual(b.eval(link_status()), "connected", "Blender's own hub is still there")
        apps.wait_until(lambda: unreachable in fc.eval(FREECAD_STATUS), timeout=60,
                        what="FreeCAD's status dialog to show the space unreachable")
        self.assertIn("space e2e via %s: disconnected" % self.nats.url, self.a.run("status").stdout)

        self.nats.start()
        apps.wait_until(lambda: b.eval(link_status("space")) == connected, timeout=60,
                        what="Blender's panel to show the space back")
        apps.wait_until(lambda: connected in fc.eval(FREECAD_STATUS), timeout=60,
                        what="FreeCAD's status dialog to show the space back")
        fc.eval('doc = App.getDocument("Demo"); doc.getObject("Box").Length = 2000; doc.recompute(); result = True')
        fc.eval(menu_action("LiveLink_ExportToBlender"))
        apps.wait_until(lambda: b.eval(BLENDER_STATE)["Box"]["max"] == [2.0, 0.5, 0.25], timeout=60,
                        what="a 2000 mm box in Blender after NATS came back")


if __name__ == "__main__":
    unittest.main()
