"""End to end: any application receives through files. `livelink receive --out DIR --format glb` runs as a process of
its own; a scene with a hierarchy and two colours is sent; the .glb it writes passes the Khronos glTF validator
with no error, and real Blender imports it with the sizes in metres and the colours that were sent. A second
version replaces the file, and the hub holds the receiver's ack of each. A folder that takes no files is refused at
start with one line."""
import hashlib
import json
import os
import queue
import signal
import struct
import subprocess
import threading
import unittest

from common import LinkTest, apps
import gltf_validator  # noqa: E402 - tests/support, on the path through common
from livelink_client import meshblob  # noqa: E402 - the shared client, on the path through common

SCENE = "Bracket"
RED = [0.8, 0.1, 0.1, 1.0]
BLUE = [0.1, 0.2, 0.9, 1.0]

# Runs in a background Blender: imports the file and reports each object's parent, world bounds in metres and the
# base colours of its materials. Flat shading: the importer's default guess of smooth faces calls numpy's np.bool,
# which Debian 12's numpy 1.24 no longer has (Blender 3.4 there fails on any mesh without normals).
IMPORT = r'''
import bpy, json
bpy.ops.wm.read_factory_settings(use_empty=True)
bpy.ops.import_scene.gltf(filepath=%r, import_shading="FLAT")
bpy.context.view_layer.update()
out = {}
for o in bpy.data.objects:
    d = {"type": o.type, "parent": o.parent.name if o.parent else None}
    if o.type == "MESH":
        pts = [o.matrix_world @ v.co for v in o.data.vertices]
        d["min"] = [round(min(p[i] for p in pts), 4) for i in range(3)]
        d["max"] = [round(max(p[i] for p in pts), 4) for i in range(3)]
        d["colors"] = []
        for m in o.data.materials:
            bsdf = next(n for n in m.node_tree.nodes if n.type == "BSDF_PRINCIPLED")
            d["colors"].append([round(x, 3) for x in bsdf.inputs["Base Color"].default_value])
    out[o.name] = d
print("LIVELINK_RESULT=" + json.dumps({"blender": bpy.app.version_string, "objects": out}))
'''


def box(x, y, z):
    """A mesh blob: an axis-aligned box x by y by z, corner at the origin, and its hash."""
    pos = [c for k in (0, z) for j in (0, y) for i in (0, x) for c in (i, j, k)]
    quads = [(0, 2, 3, 1), (4, 5, 7, 6), (0, 1, 5, 4), (2, 6, 7, 3), (0, 4, 6, 2), (1, 3, 7, 5)]
    tris = [i for a, b, c, d in quads for i in (a, b, c, a, c, d)]
    blob = meshblob.encode(pos, tris)
    return hashlib.sha256(blob).hexdigest(), blob


def translation(x, y, z):
    return [1, 0, 0, x, 0, 1, 0, y, 0, 0, 1, z, 0, 0, 0, 1]


def bracket(post_height):
    """In millimetres, Z up: a group 100 mm along X holding a red plate 1000 x 500 x 20 and, on it, a blue post
    40 x 40 x post_height."""
    plate, post = box(1000, 500, 20), box(40, 40, post_height)
    nodes = [
        {"id": "Frame", "name": "Frame", "parent": None, "transform": translation(100, 0, 0), "mesh": None,
         "materials": []},
        {"id": "Plate", "name": "Plate", "parent": "Frame", "transform": translation(0, 0, 0), "mesh": plate[0],
         "materials": [{"name": "red", "color": RED}]},
        {"id": "Post", "name": "Post", "parent": "Frame", "transform": translation(0, 0, 20), "mesh": post[0],
         "materials": [{"name": "blue", "color": BLUE}]},
    ]
    scene = {"id": SCENE, "name": SCENE, "source": "test", "units": "mm", "up": "Z", "nodes": nodes}
    return scene, dict([plate, post])


def glb_json(path):
    """The JSON chunk of a .glb."""
    with open(path, "rb") as f:
        data = f.read()
    length, = struct.unpack_from("<I", data, 12)
    return json.loads(data[20:20 + length])


class ReceiveTest(LinkTest):
    needs = ("blender", "node", "npm")
    install = ()  # no connector: `livelink receive` is the receiver

    def setUp(self):
        super().setUp()
        gltf_validator.install()
        self.client = self.hub_client()
        self.out = os.path.join(self.sb.dir, "models")

    def start_receiver(self, *args):
        """Starts `livelink receive` and returns its first line, printed once it is registered."""
        self.proc = subprocess.Popen([apps.LAUNCHER, "receive"] + list(args), env=self.sb.env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.addCleanup(self.stop_receiver, self.proc)
        self.lines = queue.Queue()

        def pump():
            for line in self.proc.stdout:
                self.lines.put(line)
            self.lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        first = self.lines.get(timeout=180)
        self.assertTrue(first and first.startswith("receiving "), first)
        return first

    @staticmethod
    def stop_receiver(proc):
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        proc.stdout.close()

    def send(self, post_height):
        scene, blobs = bracket(post_height)
        answer, _, _ = self.client.send_scene(scene, blobs)
        return answer["version"]

    def ack_of(self, version):
        """The receiver's ack of a version, as the hub holds it once every receiver answered."""
        acks = self.client.await_acks(SCENE, version, 60)
        self.assertTrue(acks["complete"], acks)
        mine = [a for a in acks["acks"] if a["app"] == "livelink"]
        self.assertEqual(len(mine), 1, acks)
        return mine[0]

    def import_in_blender(self, path):
        # Blender's embedded Python takes its home from the first Python on PATH: under pyenv (as the test runner
        # may be) that is pyenv's, without Debian's dist-packages, where the glTF importer's numpy is.
        pyenv = os.environ.get("PYENV_ROOT")
        env = dict(self.sb.env, PATH=os.pathsep.join(d for d in self.sb.env["PATH"].split(os.pathsep)
                                                     if not (pyenv and d.startswith(pyenv))))
        p = subprocess.run(["blender", "-b", "--factory-startup", "--python-expr", IMPORT % path], env=env,
                           capture_output=True, text=True, timeout=300)
        line = next((l for l in p.stdout.splitlines() if l.startswith("LIVELINK_RESULT=")), None)
        self.assertIsNotNone(line, "Blender did not import %s:\n%s%s" % (path, p.stdout[-3000:], p.stderr[-2000:]))
        result = json.loads(line[len("LIVELINK_RESULT="):])
        print("  imported by Blender %s" % result["blender"])
        return result["objects"]

    def test_every_version_becomes_a_valid_glb_that_blender_imports_in_metres_with_its_colours(self):
        self.start_receiver("--out", self.out, "--format", "glb")
        v1 = self.send(300)
        glb = os.path.join(self.out, SCENE + ".glb")
        apps.wait_until(lambda: os.path.exists(glb), timeout=60, what="%s to be written" % glb)
        ack = self.ack_of(v1)
        self.assertEqual(ack["status"], "ok", ack)
        self.assertEqual(ack["timings"]["objects"], 3)
        for k in ("fetch_ms", "build_ms", "total_ms"):
            self.assertIn(k, ack["timings"])

        report = gltf_validator.validate(glb)
        self.assertEqual(report["issues"]["numErrors"], 0, json.dumps(report["issues"]["messages"], indent=1))
        print("\n  validator: %d errors, %d warnings, %d triangles" % (
            report["issues"]["numErrors"], report["issues"]["numWarnings"], report["info"]["totalTriangleCount"]))

        objects = self.import_in_blender(glb)
        plate, post = objects["Plate"], objects["Post"]
        self.assertEqual((plate["type"], plate["parent"], post["parent"]), ("MESH", "Frame", "Frame"))
        self.assertEqual((plate["min"], plate["max"]), ([0.1, 0.0, 0.0], [1.1, 0.5, 0.02]))
        self.assertEqual((post["min"], post["max"]), ([0.1, 0.0, 0.02], [0.14, 0.04, 0.32]))
        self.assertEqual(plate["colors"], [RED])
        self.assertEqual(post["colors"], [BLUE])

        # A second version replaces the file whole, and is acked.
        with open(glb, "rb") as f:
            before = f.read()
        v2 = self.send(500)
        self.assertEqual(self.ack_of(v2)["status"], "ok")
        with open(glb, "rb") as f:
            self.assertNotEqual(f.read(), before)
        doc = glb_json(glb)
        node = next(n for n in doc["nodes"] if n["name"] == "Post")
        positions = doc["meshes"][node["mesh"]]["primitives"][0]["attributes"]["POSITION"]
        self.assertEqual(doc["accessors"][positions]["max"], [40, 40, 500])
        self.assertEqual(gltf_validator.validate(glb)["issues"]["numErrors"], 0)
        self.assertEqual(sorted(os.listdir(self.out)), [SCENE + ".glb"], "no temp file is left")

        # Ctrl-C (SIGTERM): the receiver says goodbye and the hub lists it no more.
        peer = next(p["id"] for p in self.client.peers() if p["app"] == "livelink")
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)
        self.assertNotIn(peer, [p["id"] for p in self.client.peers()])

    def test_a_folder_that_takes_no_files_is_refused_at_start_with_one_line(self):
        blocker = os.path.join(self.sb.dir, "blocker")
        with open(blocker, "w") as f:
            f.write("a file where a folder would go")
        for out in (os.path.join(blocker, "models"), "/proc/livelink-e2e-models"):
            p = self.sb.run("receive", "--out", out, check=False)
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            lines = p.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, p.stderr)
            self.assertTrue(lines[0].startswith("livelink: folder %s is not writable: " % out), lines[0])
            self.assertEqual(p.stdout, "")
        self.assertEqual([p["app"] for p in self.client.peers()], [], "nothing registered")


if __name__ == "__main__":
    unittest.main()
