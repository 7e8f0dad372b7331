"""Writes the byte-identical copies of livelink_client that the connectors ship (each connector folder installs
on its own: a Blender extension zip holds one folder, FreeCAD's Addon Manager installs the Mod's). With --check it
changes nothing and exits 1 naming every copy that differs from the source."""
import filecmp
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "livelink_client")
CONNECTORS = os.path.dirname(HERE)
COPIES = (os.path.join(CONNECTORS, "blender", "livelink_blender", "livelink_client"),
          os.path.join(CONNECTORS, "freecad", "LiveLink", "livelink_freecad", "livelink_client"))


def source_files():
    return sorted(f for f in os.listdir(SOURCE) if f.endswith(".py"))


def differences(copy):
    """Names of files that are missing, extra or different in one copy."""
    if os.path.islink(copy):
        return ["(a symlink, not a copy)"]
    want = source_files()
    have = sorted(f for f in os.listdir(copy) if f.endswith(".py")) if os.path.isdir(copy) else []
    out = sorted(set(want) ^ set(have))
    out += [f for f in want if f in have and not filecmp.cmp(os.path.join(SOURCE, f), os.path.join(copy, f),
                                                            shallow=False)]
    return out


def write(copy):
    if os.path.islink(copy):
        os.remove(copy)
    shutil.rmtree(copy, ignore_errors=True)
    os.makedirs(copy)
    for f in source_files():
        shutil.copyfile(os.path.join(SOURCE, f), os.path.join(copy, f))


def main(argv):
    check = "--check" in argv[1:]
    bad = 0
    for copy in COPIES:
        diff = differences(copy)
        if not diff:
            continue
        rel = os.path.relpath(copy, CONNECTORS)
        if check:
            print("%s differs from python/livelink_client: %s (run: python3 connectors/python/sync_copies.py)"
                  % (rel, ", ".join(diff)))
            bad = 1
        else:
            write(copy)
            print("wrote", rel)
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv))
