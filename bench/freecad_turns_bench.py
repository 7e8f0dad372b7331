"""How long a first send holds FreeCAD's GUI thread: a Qt timer of 10 ms runs in FreeCAD during the first send of
bench/make_big_model.py's document to a fresh Blender, and its worst lateness (the longest the event loop did not
get to it, less the 10 ms) is what a user clicking or redrawing meanwhile would wait.

Run: flock /tmp/livelink-e2e.lock flock /tmp/livelink-bench.lock python3 bench/freecad_turns_bench.py [parts] [runs]
(MODELS_DIR as for bench/big_bench.py).
"""
import os
import statistics
import sys

import big_bench as bb
import bigapps as ba
from bigapps import apps

# Runs inside FreeCAD: a 10 ms Qt timer noting its worst lateness; kept in FreeCAD's own namespace.
ARM = r'''
import time, FreeCAD
try:
    from PySide2 import QtCore
except ImportError:
    from PySide import QtCore
class _Lateness:
    def __init__(self):
        self.worst, self.ticks, self.last = 0.0, 0, time.perf_counter()
        self.timer = QtCore.QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
    def tick(self):
        now = time.perf_counter()
        self.worst, self.ticks, self.last = max(self.worst, now - self.last - 0.010), self.ticks + 1, now
FreeCAD._livelink_lateness = _Lateness()
result = True
'''
READ = r'''
import FreeCAD
l = FreeCAD._livelink_lateness
l.timer.stop()
result = {"worst_ms": l.worst * 1000.0, "ticks": l.ticks}
'''


def main(argv):
    n = int(argv[0]) if argv else 410
    runs = int(argv[1]) if len(argv) > 1 else 3
    bb.ensure_models([n])
    s = bb.Session()
    rows = []
    try:
        ba.run_long(s.fc, ba.OPEN % os.path.join(bb.MODELS, "big%d.FCStd" % n))
        for r in range(runs):
            s.hub.restart()
            s.fc.eval(ba.FORGET)
            b = s.blender()
            peer = ba.blender_peer(b)
            apps.wait_until(lambda: s.fc.eval(ba.SENDER)["blenders"] == [peer], 120, "FreeCAD to see the Blender")
            previous = s.fc.eval(ba.LAST)
            s.fc.eval(ARM)
            s.fc.eval(ba.EXPORT)
            sent = ba.last_send(s.fc, previous)
            late = s.fc.eval(READ)
            rows.append((late["worst_ms"], sent["prepare_ms"], sent["elapsed_ms"]))
            print("  %d parts, run %d: GUI thread held at most %.0f ms (%d ticks); FreeCAD %.0f ms, ack %.0f ms" % (
                n, r, late["worst_ms"], late["ticks"], sent["prepare_ms"], sent["elapsed_ms"]), flush=True)
            s.drop(b)
    finally:
        s.close()
    med = statistics.median
    print("%d parts, median of %d: worst lateness %.0f ms, FreeCAD %.0f ms, first send to ack %.0f ms" % (
        n, runs, med(r[0] for r in rows), med(r[1] for r in rows), med(r[2] for r in rows)))
    print("machine: %d cores, load average %s" % (os.cpu_count(), " ".join(open("/proc/loadavg").read().split()[:3])))


if __name__ == "__main__":
    main(sys.argv[1:])
