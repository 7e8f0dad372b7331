"""The end-to-end lanes: which applications a run of the suite drives. seed: the ones installed here (Debian 12);
current: Debian 13's, in the chroot of tests/lanes/debian13.sh, reached through wrappers put first on PATH; and the
versions crossed once each way."""
import os
import subprocess
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "debian13.sh")
CROSS_TEST = "test_export_auto_sync_and_artist_edits"
# Tests of what only FreeCAD 1.0+ has: not run against the seed lane's FreeCAD 0.20 (rather than skipped there).
CURRENT_ONLY = (
    "test_freecads_assembly_example_arrives_whole", "test_freecads_bim_example_arrives_once_in_its_levels",
)


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


def _root():
    return os.environ.get("LIVELINK_DEBIAN13_ROOT", "/var/cache/livelink/debian13")


def _mount():
    """The wrapper folders of the Debian 13 root, building and mounting it first; (folders, why not)."""
    if os.geteuid() != 0:
        return None, "the current lane needs root (debootstrap, chroot)"
    p = subprocess.run([SCRIPT, "mount"], capture_output=True, text=True)
    if p.returncode != 0:
        return None, "the Debian 13 root could not be made: " + (p.stderr.strip().splitlines() or ["?"])[-1]
    return os.path.dirname(p.stdout.strip().splitlines()[-1]), ""  # it prints .../all


def runs(lane, env):
    out = []
    if lane in ("seed", "all"):
        out.append(LaneRun("seed lane (Blender and FreeCAD installed here)", env, exclude=CURRENT_ONLY))
    if lane in ("current", "all"):
        already = os.path.ismount(os.path.join(_root(), "proc"))
        bins, why = _mount()
        if bins is None:
            out.append(LaneRun("current lane (Debian 13)", env, skip=why))
            return out
        out.append(LaneRun("current lane (Debian 13: Blender 4.3, FreeCAD 1.0)", _with_path(env, bins + "/all"),
                           mounted_here=not already))
        out.append(LaneRun("crossed: FreeCAD of Debian 13 -> Blender installed here",
                           _with_path(env, bins + "/freecad"), pattern="test_freecad.py", names=(CROSS_TEST,)))
        out.append(LaneRun("crossed: FreeCAD installed here -> Blender of Debian 13",
                           _with_path(env, bins + "/blender"), pattern="test_freecad.py", names=(CROSS_TEST,)))
    return out


def release():
    """Unmounts the root's bind mounts (the root itself stays for the next run)."""
    if os.geteuid() == 0 and os.path.exists(SCRIPT):
        subprocess.run([SCRIPT, "umount"], capture_output=True)
