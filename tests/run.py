"""Runs the Python suites in order (unit first, then end to end on each lane), each in a fresh interpreter with
the livelink variables of the caller removed, and writes 'passed failed skipped' counts to
/tmp/livelink-py-summary for run-tests. Exit 1 when anything failed.

    python3 tests/run.py [--lane seed|current|next|all] [FILTER ...]

Lanes: seed runs the end-to-end suite against the applications installed here (Debian 12: Blender 3.4,
FreeCAD 0.20); current against Debian 13's (Blender 4.3, FreeCAD 1.0) in a chroot that tests/lanes/debian13.sh
builds once, and crosses the versions once each way; next against Debian unstable's (Blender 5.x, FreeCAD 1.1) in
the chroot of tests/lanes/debiansid.sh. FILTER keeps suites, or test files, whose name contains it.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import unittest

import lanes
from support import procs

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUITES = [
    ("python client", "connectors/python/tests"),
    ("blender add-on", "connectors/blender/tests"),
    ("freecad mod", "connectors/freecad/tests"),
    ("end to end", "tests/e2e"),
]
# What one suite may not inherit from the caller or from another suite: each sets up its own.
LEAKY = ("LIVELINK_HOME", "LIVELINK_SUPPORT", "BLENDER_USER_SCRIPTS", "BLENDER_USER_CONFIG")
# A watchdog for hangs: a suite still running after this long (the longest, an end-to-end lane, takes a few minutes
# here) is killed with the applications it started, and counts as failed, naming itself.
SUITE_TIMEOUT_S = 40 * 60
# Set by a suite's interpreter for everything it starts (applications, hubs, nats-server; in the chroots too, whose
# wrappers keep the environment): the processes to end when the suite is stopped, in whatever session they run.
RUN_MARK = "LIVELINK_TEST_RUN"
STOP_GRACE_S = 60


def _without(suite, exclude):
    out = unittest.TestSuite()
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            out.addTest(_without(t, exclude))
        elif not any(e in t.id() for e in exclude):
            out.addTest(t)
    return out


def _end_marked(signum, frame):
    """In the child, on SIGTERM: kills what this suite started, then exits at once (unittest would take an exception
    raised here for the running test's error and go on with the next test)."""
    for pid in procs.with_env("%s=%d" % (RUN_MARK, os.getpid())):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass  # gone meanwhile
    os._exit(128 + signum)


def _stop(child):
    """Stops a suite's interpreter and what it started: SIGTERM, then SIGKILL to its session after a grace."""
    child.terminate()
    try:
        child.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except OSError:
        pass  # its session is already empty
    child.wait()


def run_suite(path, pattern, counts_file, names="", exclude=""):
    """In the child: runs one suite (only tests whose name contains one of `names`, comma-separated, when given;
    none whose name contains one of `exclude`) and writes its counts as JSON."""
    os.environ[RUN_MARK] = str(os.getpid())
    signal.signal(signal.SIGTERM, _end_marked)
    loader = unittest.TestLoader()
    if names:
        loader.testNamePatterns = ["*%s*" % n for n in names.split(",")]
    suite = loader.discover(path, pattern=pattern, top_level_dir=path)
    if exclude:
        suite = _without(suite, exclude.split(","))
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    bad = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    with open(counts_file, "w") as f:
        json.dump({"passed": result.testsRun - bad - skipped, "failed": bad, "skipped": skipped}, f)


def run_child(name, path, pattern, env, names="", exclude=""):
    """Runs one suite in a fresh interpreter; returns its counts."""
    print("== %s (%s%s)" % (name, os.path.relpath(path, REPO), "" if pattern == "test*.py" else "/" + pattern),
          flush=True)
    with tempfile.NamedTemporaryFile("r", suffix=".json") as counts:
        child = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--child", path, pattern, counts.name,
                                  names, exclude], env=env, cwd=REPO, start_new_session=True)
        try:
            rc = child.wait(timeout=SUITE_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            _stop(child)
            print("run.py: the %s suite was still running after %d minutes: killed" % (name, SUITE_TIMEOUT_S // 60),
                  flush=True)
            return {"passed": 0, "failed": 1, "skipped": 0}
        except KeyboardInterrupt:  # Ctrl-C (or SIGTERM, SIGHUP) reaches only this process: the suite stops too
            _stop(child)
            raise
        try:
            return json.load(counts)
        except ValueError:
            print("run.py: the %s suite ended without counts (exit %d)" % (name, rc), flush=True)
            return {"passed": 0, "failed": 1, "skipped": 0}


def main(argv):
    if len(argv) == 7 and argv[1] == "--child":
        run_suite(argv[2], argv[3], argv[4], argv[5], argv[6])
        return 0
    args = argv[1:]
    lane = "all"
    if "--lane" in args:
        i = args.index("--lane")
        lane = args[i + 1] if i + 1 < len(args) else ""
        del args[i:i + 2]
    if lane not in lanes.LANES:
        print("run.py: --lane takes %s (got %r)" % (", ".join(lanes.LANES), lane), file=sys.stderr)
        return 2
    only = args
    env = {k: v for k, v in os.environ.items() if k not in LEAKY}
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    mounted = False

    def add(got):
        for k in totals:
            totals[k] += got[k]

    # A stop by signal (Ctrl-C, or SIGTERM/SIGHUP from whatever runs this) stops the running suite with its
    # applications and unmounts the chroot roots this run mounted: left mounted, a later rm -rf of a root would
    # reach /dev, /tmp and the checkout through them.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.default_int_handler)
    try:
        for name, rel in SUITES:
            path = os.path.join(REPO, rel)
            patterns = ["test*.py"]
            if only and not any(o in rel or o in name for o in only):
                # Test files named on the command line: each one runs (in its own interpreter).
                patterns = [o + ".py" for o in only
                            if o.startswith("test") and os.path.exists(os.path.join(path, o + ".py"))]
                if not patterns:
                    continue
            if rel != "tests/e2e":
                for pattern in patterns:
                    add(run_child(name, path, pattern, env))
                continue
            for lane_run in lanes.runs(lane, env):
                mounted = mounted or lane_run.mounted_here
                if lane_run.skip:
                    print("== %s: skipped: %s" % (lane_run.name, lane_run.skip), flush=True)
                    totals["skipped"] += 1
                    continue
                for pattern in patterns:
                    if lane_run.names and pattern not in ("test*.py", lane_run.pattern):
                        continue
                    add(run_child("end to end, %s" % lane_run.name, path,
                                  lane_run.pattern if lane_run.names else pattern,
                                  lane_run.env, ",".join(lane_run.names), ",".join(lane_run.exclude)))
    except KeyboardInterrupt:
        print("run.py: stopped by a signal", flush=True)
        return 1
    finally:
        if mounted:
            lanes.release()
    with open("/tmp/livelink-py-summary", "w") as f:
        f.write("%d %d %d\n" % (totals["passed"], totals["failed"], totals["skipped"]))
    print("python: %d passed, %d failed, %d skipped" % (totals["passed"], totals["failed"], totals["skipped"]))
    return 1 if totals["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
