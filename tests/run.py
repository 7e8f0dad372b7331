"""Runs the Python suites in order (unit first, then end to end), each in a fresh interpreter with the livelink
variables of the caller removed, and writes 'passed failed skipped' counts to /tmp/livelink-py-summary for
run-tests. Exit 1 when anything failed.

    python3 tests/run.py [FILTER ...]    # only suites, or test files, whose path or name contains a FILTER
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUITES = [
    ("python client", "connectors/python/tests"),
    ("blender add-on", "connectors/blender/tests"),
    ("freecad mod", "connectors/freecad/tests"),
    ("end to end", "tests/e2e"),
]
# What one suite may not inherit from the caller or from another suite: each sets up its own.
LEAKY = ("LIVELINK_HOME", "LIVELINK_SUPPORT", "BLENDER_USER_SCRIPTS", "BLENDER_USER_CONFIG")


def run_suite(path, pattern, counts_file):
    """In the child: runs one suite and writes its counts as JSON."""
    suite = unittest.defaultTestLoader.discover(path, pattern=pattern, top_level_dir=path)
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    bad = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    with open(counts_file, "w") as f:
        json.dump({"passed": result.testsRun - bad - skipped, "failed": bad, "skipped": skipped}, f)


def main(argv):
    if len(argv) == 5 and argv[1] == "--child":
        run_suite(argv[2], argv[3], argv[4])
        return 0
    only = argv[1:]
    env = {k: v for k, v in os.environ.items() if k not in LEAKY}
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    for name, rel in SUITES:
        path = os.path.join(REPO, rel)
        if not os.path.isdir(path):
            continue
        pattern = "test*.py"
        if only and not any(o in rel or o in name for o in only):
            files = [o for o in only if o.startswith("test") and os.path.exists(os.path.join(path, o + ".py"))]
            if not files:
                continue
            pattern = files[0] + ".py"
        print("== %s (%s%s)" % (name, rel, "" if pattern == "test*.py" else "/" + pattern), flush=True)
        with tempfile.NamedTemporaryFile("r", suffix=".json") as counts:
            rc = subprocess.call([sys.executable, os.path.abspath(__file__), "--child", path, pattern, counts.name],
                                 env=env, cwd=REPO)
            try:
                got = json.load(counts)
            except ValueError:
                got = {"passed": 0, "failed": 1, "skipped": 0}
                print("run.py: the %s suite ended without counts (exit %d)" % (name, rc), flush=True)
        for k in totals:
            totals[k] += got[k]
    with open("/tmp/livelink-py-summary", "w") as f:
        f.write("%d %d %d\n" % (totals["passed"], totals["failed"], totals["skipped"]))
    print("python: %d passed, %d failed, %d skipped" % (totals["passed"], totals["failed"], totals["skipped"]))
    return 1 if totals["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
