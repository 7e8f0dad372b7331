"""Glue between the link and Blender data: plan a delta against what this .blend holds, then apply it. The module
is the `host` that Link.tick() is given."""
import bpy

from . import apply, plan
from .ui import report  # noqa: F401 - part of the host interface


def applied_versions():
    return apply.applied_versions()


def known_meshes():
    """{scene id: mesh hashes built for it}: meshes are per scene, since units and up axis are."""
    out = {}
    for m in bpy.data.meshes:
        if apply.MESH_KEY in m and apply.SCENE_KEY in m:
            out.setdefault(m[apply.SCENE_KEY], set()).add(m[apply.MESH_KEY])
    return out


def apply_delta(delta, blobs):
    """Returns (objects touched, mesh hashes now in this .blend)."""
    sid = delta["scene"]["id"]
    p = plan.make_plan(delta, apply.scene_objects(sid).keys())
    have = set(apply.scene_meshes(sid).keys())
    missing = [h for h in p.meshes_needed(have) if h not in blobs]
    if missing:
        raise RuntimeError("mesh blob(s) %s were not fetched" % ", ".join(h[:12] for h in missing))
    touched = apply.apply_plan(p, blobs)
    return touched, set(apply.scene_meshes(sid).keys())
