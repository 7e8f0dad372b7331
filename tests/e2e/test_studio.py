"""End to end across two "machines": two hubs with their own homes and ports joined through one real nats-server
(hub.conf.json, as a studio sets it up): FreeCAD on hub A exports, Blender on hub B gets the scene in metres with
colours, and the ack with Blender's timings comes back to FreeCAD's Report view."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import queue
import unittest

from common import BLENDER_STATE, apps, link_status, peers
from test_freecad import MAKE_DOC, REPORT, menu_action, sent_line


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NatsServer:
    """nats-server -js on a free loopback port with its own store, ready once it says so."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="livelink-nats-")
        self.port = free_port()
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
        self.url = "nats://127.0.0.1:%d" % self.port

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
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
        self.nats.stop()

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
        fc.eval(menu_action("LiveLink_ExportToBlender"))
        apps.wait_until(lambda: __import__("re").search(sent_line("untitled"), fc.eval(REPORT)), timeout=60,
                        what="Blender's ack in FreeCAD's Report view")
        s = b.eval(BLENDER_STATE)
        self.assertEqual(sorted(s), ["Body", "Body (Link)", "Box", "Cylinder", "Link", "Part"])
        self.assertEqual(s["Box"]["max"], [1.0, 0.5, 0.25], "a 1000 mm box is 1 m in Blender on the other machine")
        self.assertEqual(s["Box"]["colors"], [[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 1.0]], "red, top face green")
        self.assertEqual(s["Cylinder"]["colors"], [[0.0, 0.0, 1.0, 1.0]])
        status = self.a.run("status").stdout
        self.assertIn("1 remote peer(s), outbox 0", status)


if __name__ == "__main__":
    unittest.main()
