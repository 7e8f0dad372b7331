"""Runs the Python suites in order (unit first, then end to end) and writes 'passed failed skipped' counts to
/tmp/livelink-py-summary for run-tests. Exit 1 when anything failed."""
import os
import sys
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUITES = [
    ("python client", "connectors/python/tests"),
    ("blender add-on", "connectors/blender/tests"),
    ("freecad mod", "connectors/freecad/tests"),
    ("end to end", "tests/e2e"),
]


def main(argv):
    only = argv[1:]
    passed = failed = skipped = 0
    for name, rel in SUITES:
        if only and not any(o in rel or o in name for o in only):
            continue
        path = os.path.join(REPO, rel)
        if not os.path.isdir(path):
            continue
        suite = unittest.defaultTestLoader.discover(path, top_level_dir=path)
        print("== %s (%s)" % (name, rel), flush=True)
        result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
        bad = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
        skipped += len(result.skipped)
        failed += bad
        passed += result.testsRun - bad - len(result.skipped)
        sys.path[:] = [p for p in sys.path if not p.startswith(path)]
    with open("/tmp/livelink-py-summary", "w") as f:
        f.write("%d %d %d\n" % (passed, failed, skipped))
    print("python: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
