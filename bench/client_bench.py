"""The shared Python client's side of a send: a synthetic 410-node scene (169 meshes, as the large FreeCAD document
of docs/performance.md) sent twice through HubClient.send_scene against a real hub process, first with its blobs,
then unchanged. Reports the client's clock, split into JSON encoding, each request as the client saw it and as the
hub timed it (Server-Timing), and the rest (http.client, the socket, waits). In the same run, as the baseline, the
re-send the way the client made it before (ask which blobs are missing, then publish with json.dumps' default
separators). Each case runs from a worker thread as the connectors send, with the main thread idle, and with the
main thread running Python (as FreeCAD's or Blender's may): then every blocking call can wait up to the
interpreter's switch interval (5 ms) to get the GIL back. The re-sends wait for the hub to have split the first
send's blobs into files, as a user's next send would.

    python3 bench/client_bench.py [runs] [edit]   (stdlib only; builds the hub with ./livelink when needed;
                                                   "edit": only the one-node edit of a 4,000-node scene)
"""
import hashlib
import json
import math
import os
import random
import statistics
import sys
import threading
import time
from array import array

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "connectors", "python"))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
from hubproc import HubProcess  # noqa: E402
from livelink_client import HubClient, meshblob, patch  # noqa: E402

NODES, MESHES, GRID = 410, 169, 20  # 2 * 20 * 20 = 800 triangles, 15 KB per mesh


def mesh(seed):
    n = GRID + 1
    pos = array("f", [0.0]) * (3 * n * n)
    for i in range(n):
        for k in range(n):
            o = 3 * (i * n + k)
            pos[o], pos[o + 1], pos[o + 2] = i, k, math.sin(seed + i * 0.3 + k * 0.7)
    idx = array("I")
    for i in range(GRID):
        for k in range(GRID):
            a = i * n + k
            idx.extend((a, a + 1, a + n + 1, a, a + n + 1, a + n))
    return meshblob.encode(pos, idx)


def document(run):
    """(scene, {hash: blob}) shaped as the FreeCAD Mod builds them: placements with rotations, one material each."""
    rnd = random.Random(run)
    blobs = {}
    hashes = []
    for m in range(MESHES):
        b = mesh(run * 1000 + m)
        h = hashlib.sha256(b).hexdigest()
        blobs[h] = b
        hashes.append(h)
    nodes = []
    for i in range(NODES):
        a = rnd.random() * 2 * math.pi
        c, s = math.cos(a), math.sin(a)
        t = [c, -s, 0.0, rnd.uniform(-500, 500), s, c, 0.0, rnd.uniform(-500, 500), 0.0, 0.0, 1.0,
             rnd.uniform(0, 200), 0.0, 0.0, 0.0, 1.0]
        nodes.append({"id": "Part%03d" % i, "name": "Part %d" % i, "parent": None, "transform": t,
                      "mesh": hashes[i % MESHES],
                      "materials": [{"name": "ShapeColor", "color": [0.8, 0.8, 0.8, 1.0]}], "visible": True})
    return {"id": "bench%d" % run, "name": "Bench %d" % run, "source": "FreeCAD", "units": "mm", "up": "Z",
            "nodes": nodes}, blobs


class Recorder:
    """Wraps HubClient.request: the client-observed time and the hub's own time of every request."""

    def __init__(self, client):
        self.client = client
        self.inner = client.request
        self.calls = []
        client.request = self.request

    def request(self, method, path, *args, **kw):
        t = time.perf_counter()
        try:
            return self.inner(method, path, *args, **kw)
        finally:
            self.calls.append((path, (time.perf_counter() - t) * 1e3, self.client.last_timing.get("hub", 0.0)))


def old_resend(client, scene, blobs):
    """The client's re-send before this change: ask which blobs are missing, then publish, default separators."""
    need = client.missing(blobs.keys())
    assert not need, need
    return client.request("POST", "scenes", json.dumps({"scene": scene}).encode("utf-8"))


def await_split(home, deadline_s=60.0):
    """Waits until the hub has split the last upload's pack into blob files (its background work after a first
    send), as a user's next send comes seconds later; a re-send measured during the split measures the disk."""
    packs = os.path.join(home, "store", "packs")
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if not os.path.isdir(packs) or not any(f.endswith(".pack") for f in os.listdir(packs)):
            return
        time.sleep(0.01)
    raise RuntimeError("the hub did not split its pack within %.0f s" % deadline_s)


def on_worker(fn):
    out = []
    t = threading.Thread(target=lambda: out.append(fn()))
    t.start()
    t.join()
    return out[0]


class BusyMainThread:
    """Runs Python on another thread the whole time, as a GUI's main thread running Python would."""

    def __init__(self):
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.spin, daemon=True)

    def spin(self):
        x = 0
        while not self.stop.is_set():
            for i in range(1000):
                x += i * i

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def run_case(client, rec, home, runs, busy, offset):
    rows = {"first": [], "resend": [], "old": [], "encode": [], "encode_old": [], "hub": [], "hub_old": [],
            "requests": []}
    for r in range(runs):
        scene, blobs = document(offset + r)
        client._known.clear()  # each run's first send finds the hub without its blobs, as a new document would
        rec.calls.clear()

        def first():
            t = time.perf_counter()
            client.send_scene(scene, blobs)
            return (time.perf_counter() - t) * 1e3

        def resend():
            t = time.perf_counter()
            client.send_scene(scene, blobs)
            return (time.perf_counter() - t) * 1e3

        def old():
            t = time.perf_counter()
            old_resend(client, scene, blobs)
            return (time.perf_counter() - t) * 1e3

        ctx = BusyMainThread() if busy else None
        if ctx:
            ctx.__enter__()
        try:
            rows["first"].append(on_worker(first))
            await_split(home)
            # The new and the old re-send alternate, so both see the same state of the machine.
            for name, fn in (("resend", resend), ("old", old)) if r % 2 == 0 else (("old", old), ("resend", resend)):
                rec.calls.clear()
                rows[name].append(on_worker(fn))
                rows["hub" if name == "resend" else "hub_old"].append(sum(c[2] for c in rec.calls))
                if name == "resend":
                    rows["requests"].append(len(rec.calls))
        finally:
            if ctx:
                ctx.__exit__(None, None, None)
        t = time.perf_counter()
        json.dumps({"scene": scene}, separators=(",", ":")).encode("utf-8")
        rows["encode"].append((time.perf_counter() - t) * 1e3)
        t = time.perf_counter()
        json.dumps({"scene": scene}).encode("utf-8")
        rows["encode_old"].append((time.perf_counter() - t) * 1e3)
    return {k: statistics.median(v) for k, v in rows.items()}


def main(runs):
    hub = HubProcess()
    try:
        client = HubClient.discover(hub.home)
        rec = Recorder(client)
        # Warm the hub's JIT as a hub that has served a while is (the first sends are the cold start's business).
        scene, blobs = document(10_000)
        for _ in range(60):
            client.send_scene(scene, blobs)
        size = len(json.dumps({"scene": scene}, separators=(",", ":")))
        print("scene: %d nodes, %d meshes (%d KB of blobs), publish body %d KB; %d runs, medians; python %s"
              % (NODES, MESHES, sum(map(len, blobs.values())) // 1024, size // 1024, runs, sys.version.split()[0]))
        for busy in (False, True):
            m = run_case(client, rec, hub.home, runs, busy, 1000 if busy else 0)
            print("\nmain thread %s:" % ("running Python (GIL contention)" if busy else "idle"))
            print("  first send (upload + publish)             %7.1f ms" % m["first"])
            print("  re-send, unchanged                        %7.1f ms  (%d request(s); hub's own %.1f ms)"
                  % (m["resend"], m["requests"], m["hub"]))
            print("    of which JSON encoding (compact)        %7.1f ms" % m["encode"])
            print("    rest: http.client, socket, waits        %7.1f ms"
                  % (m["resend"] - m["hub"] - m["encode"]))
            print("  baseline, same run: the old re-send       %7.1f ms  (missing + publish; hub's own %.1f ms;"
                  " encoding %.1f ms)" % (m["old"], m["hub_old"], m["encode_old"]))
            print("  ratio re-send / baseline                  %7.2f;  the client's part (all but the hub's own)"
                  " %.1f ms vs %.1f ms" % (m["resend"] / m["old"], m["resend"] - m["hub"], m["old"] - m["hub_old"]))
    finally:
        hub.stop()


BIG = 4000


def edit_case(runs):
    """A one-part edit of a 4,000-node document (the shape of docs/performance.md "Ten times the document"), its
    blobs on the hub, from a worker thread: before, the whole scene (what send_scene sent until patches: publish
    only); after, send_scene's patch, once with the connector keeping the dicts of unchanged nodes (identity) and
    once with every node a fresh equal dict (as Blender's sender builds them: equality). Alternating in one run."""
    hub = HubProcess()
    try:
        client = HubClient.discover(hub.home)
        rec = Recorder(client)
        base, blobs = document(20_000)
        nodes = [dict(base["nodes"][i % NODES], id="Part%04d" % i, name="Part %d" % i) for i in range(BIG)]
        scene = dict(base, id="big", nodes=nodes)
        client.send_scene(scene, blobs)
        await_split(hub.home)
        body = len(json.dumps({"scene": scene}, separators=(",", ":")))
        state = {"nodes": nodes, "edit": 0}

        def edited(fresh):
            nodes = list(state["nodes"])
            i = (7 + 13 * state["edit"]) % BIG
            state["edit"] += 1
            t = list(nodes[i]["transform"])
            t[11] += 1.0
            nodes[i] = dict(nodes[i], transform=t)
            if fresh:
                nodes = [dict(n) for n in nodes]
            state["nodes"] = nodes
            return dict(scene, nodes=nodes)

        def whole():
            s = edited(False)
            t = time.perf_counter()
            answer = client.publish(s)
            ms = (time.perf_counter() - t) * 1e3
            client._sent["big"] = patch.remember(s, answer["version"])  # so the next patch's base is this version
            return ms

        def patched(fresh):
            def go():
                s = edited(fresh)
                t = time.perf_counter()
                client.send_scene(s, blobs)
                ms = (time.perf_counter() - t) * 1e3
                assert client.last_patched, "the edit went whole"
                return ms
            return go

        cases = (("whole", whole), ("patch, same node objects", patched(False)),
                 ("patch, equal fresh dicts", patched(True)))
        for _ in range(30):  # warm the hub's JIT on both routes
            for _, fn in cases:
                fn()
        rows = {name: ([], []) for name, _ in cases}
        for r in range(runs):
            for name, fn in cases if r % 2 == 0 else tuple(reversed(cases)):
                rec.calls.clear()
                rows[name][0].append(on_worker(fn))
                rows[name][1].append(sum(c[2] for c in rec.calls))
        print("\none-node edit of a %d-node scene (whole publish body %d KB), blobs on the hub; %d runs, medians;"
              " load %s" % (BIG, body // 1024, runs, open("/proc/loadavg").read().strip()))
        print("                                   client clock    hub's own (Server-Timing)")
        for name, _ in cases:
            print("  %-30s %8.1f ms %11.1f ms" % (name, statistics.median(rows[name][0]),
                                                  statistics.median(rows[name][1])))
    finally:
        hub.stop()


if __name__ == "__main__":
    if "edit" in sys.argv[1:]:
        edit_case(int(sys.argv[1]) if sys.argv[1] != "edit" else 15)
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
        edit_case(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
