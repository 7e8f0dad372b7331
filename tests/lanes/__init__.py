"""The end-to-end lanes: which applications a run of the suite drives. seed: the ones installed here (Debian 12);
current: Debian 13's, in the chroot of tests/lanes/debian.sh trixie, reached through wrappers put first on PATH; next:
Debian unstable's (Blender 5.x, FreeCAD 1.1 when written), in the chroot of tests/lanes/debian.sh sid; each with its
versions crossed once each way with the seed's."""
import os
import subprocess
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "debian.sh")
CROSS_TEST = "test_export_auto_sync_and_artist_edits"
# Tests of what only FreeCAD 1.0+ has: not run against the seed lane's FreeCAD 0.20 (rather than skipped there).
CURRENT_ONLY = (
    "test_freecads_assembly_example_arrives_whole", "test_freecads_bim_example_arrives_once_in_its_levels",
)
LANES = ("seed", "current", "next", "all")


@dataclass(frozen=True)
class Root:
    """A chroot lane's Debian root: its suite (debian.sh's argument), the variable that moves it, where it is by
    default, and what to call it."""
    suite: str
    variable: str
    default: str
    what: str


ROOTS = {
    "current": Root("trixie", "LIVELINK_DEBIAN13_ROOT", "/var/cache/livelink/debian13", "Debian 13"),
    "next": Root("sid", "LIVELINK_DEBIANSID_ROOT", "/var/cache/livelink/debiansid", "Debian unstable"),
}


@dataclass(frozen=True)
class LaneRun:
    name: str
    env: dict
    skip: str = ""  # why this run cannot happen here, when it cannot
    mounted_here: bool = False  # this run mounted the root, so it unmounts it after
    pattern: str = "test*.py"
    names: tuple = ()  # only these tests, when given
    exclude: tuple = ()  # not these tests


def _with_path(env, folder):
    return dict(env, PATH=folder + os.pathsep + env.get("PATH", ""), LIVELINK_LANE=os.path.basename(folder))


def _root(lane):
    return os.environ.get(ROOTS[lane].variable, ROOTS[lane].default)


def _mount(lane):
    """The wrapper folders of a chroot lane's root, building and mounting it first; (folders, why not)."""
    root = ROOTS[lane]
    if os.geteuid() != 0:
        return None, "the %s lane needs root (debootstrap, chroot)" % lane
    p = subprocess.run([SCRIPT, root.suite, "mount"], capture_output=True, text=True)
    if p.returncode != 0:
        return None, "the %s root could not be made: %s" % (root.what, (p.stderr.strip().splitlines() or ["?"])[-1])
    return os.path.dirname(p.stdout.strip().splitlines()[-1]), ""  # it prints .../all


def _chroot_lane(lane, env, label):
    """The lane's run on its root's applications, or a skipped run saying why; and the folders of its wrappers."""
    already = os.path.ismount(os.path.join(_root(lane), "proc"))
    bins, why = _mount(lane)
    if bins is None:
        return LaneRun("%s lane (%s)" % (lane, ROOTS[lane].what), env, skip=why), None
    return LaneRun("%s lane (%s)" % (lane, label), _with_path(env, bins + "/all"), mounted_here=not already), bins


def runs(lane, env):
    """The lane's runs, one at a time: a chroot lane's root is built and mounted only when its run comes up, so a
    run stopped before then has nothing of it to unmount."""
    if lane in ("seed", "all"):
        yield LaneRun("seed lane (Blender and FreeCAD installed here)", env, exclude=CURRENT_ONLY)
    for name, label in (("current", "Debian 13: Blender 4.3, FreeCAD 1.0"),
                        ("next", "Debian unstable: Blender 5.x, FreeCAD 1.1")):
        if lane not in (name, "all"):
            continue
        run, bins = _chroot_lane(name, env, label)
        yield run
        if bins is not None:
            # The root's FreeCAD with the Blender installed here, and the other way: the oldest with the newest.
            what = ROOTS[name].what
            yield LaneRun("crossed: FreeCAD of %s -> Blender installed here" % what,
                          _with_path(env, bins + "/freecad"), pattern="test_freecad.py", names=(CROSS_TEST,))
            yield LaneRun("crossed: FreeCAD installed here -> Blender of %s" % what,
                          _with_path(env, bins + "/blender"), pattern="test_freecad.py", names=(CROSS_TEST,))


def release():
    """Unmounts the roots' bind mounts (the roots themselves stay for the next run)."""
    if os.geteuid() == 0 and os.path.exists(SCRIPT):
        for root in ROOTS.values():
            subprocess.run([SCRIPT, root.suite, "umount"], capture_output=True)
