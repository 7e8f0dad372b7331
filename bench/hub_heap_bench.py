"""The hub's memory across one-part edits of a 4,000-node scene, without the applications: a hub process, the scene
of `client_bench.py edit` (4,000 nodes, 169 meshes) sent once, then `edits` one-node edits through send_scene (patches,
as the connectors now send them), each fetched as a delta by a registered receiver and acked, as Blender does. The
hub's used heap right after a full GC (jcmd) every 10 edits, and its RSS: flat once the kept versions (20 per scene)
and the delta cache are full, or growing with the edits.

Run: python3 bench/hub_heap_bench.py [edits]   (needs jcmd, from the JDK)
"""
import sys

import bigapps as ba
from client_bench import BIG, NODES, document
from hubproc import HubProcess
from livelink_client import HubClient


def main(edits):
    hub = HubProcess(warmup=None)
    try:
        client = HubClient.discover(hub.home)
        receiver = HubClient.discover(hub.home)
        peer = receiver.register("Blender", "bench", "heap.blend")
        base, blobs = document(30_000)
        nodes = [dict(base["nodes"][i % NODES], id="Part%04d" % i, name="Part %d" % i) for i in range(BIG)]
        scene = dict(base, id="big", nodes=nodes)
        held = 0
        rows = []
        for e in range(edits + 1):
            if e:
                i = (7 + 13 * e) % BIG
                t = list(nodes[i]["transform"])
                t[11] += 1.0
                nodes = list(nodes)
                nodes[i] = dict(nodes[i], transform=t)
                scene = dict(scene, nodes=nodes)
            answer, _, _ = client.send_scene(scene, blobs)
            version = answer["version"]
            receiver.delta("big", held)
            receiver.ack("big", version, peer, True, "", {"build_ms": 1.0})
            held = version
            if e % 10 == 0:
                rows.append((e, ba.heap_after_gc_kb(hub.proc.pid) / 1024.0, ba.proc_rss_kb(hub.proc.pid) / 1024.0,
                             client.last_patched))
        print("edits  heap after GC MiB  RSS MiB  (the last send a patch)")
        for e, heap, rss, patched in rows:
            print("%5d  %17.1f  %7.0f  %s" % (e, heap, rss, patched))
        print("load %s" % open("/proc/loadavg").read().strip())
    finally:
        hub.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
