"""The SendHost (logic.host) over bpy: ids on objects, the .blend's record of what it sent, reading through
collect.Collector. Main thread only.

Identity: an object that takes part carries obj["livelink_send_id"], which survives renames, saving and reopening.
Shift+D copies custom properties, so two objects can carry one id: the copy gets a new one (logic.sendscene.copies
decides which is the copy). The .blend records, as JSON on one of its scenes, the scene id it sends as, the file
that id was made for and {send id: object name} of its last send."""
import json
import os
import uuid

import bpy

from ..logic import sendscene
from ..logic.host import Scan, SendHost
from . import feedback
from .apply import NODE_KEY
from .collect import Collector, unit_scale

SEND_ID = "livelink_send_id"
RECORD = "livelink_send"


def _token():
    return uuid.uuid4().hex[:8]


def _uid(obj):
    """session_uid (4.x) survives undo; as_pointer() is what 3.x offers."""
    return getattr(obj, "session_uid", 0) or obj.as_pointer()


def _holder():
    return next((s for s in bpy.data.scenes if RECORD in s), None)


def read_record():
    holder = _holder()
    if holder is None:
        return {}
    try:
        record = json.loads(holder[RECORD])
    except (TypeError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def sends(scene_id):
    """Whether this .blend sends as scene_id."""
    return read_record().get("scene") == scene_id


def _ancestors(obj):
    out = []
    p = obj.parent
    while p is not None:
        if isinstance(p.get(SEND_ID), str):
            out.append(p[SEND_ID])
        p = p.parent
    return tuple(out)


class BlenderSendHost(SendHost):
    def __init__(self):
        self._objects = {}  # send id -> Object, from the last scan (one main-thread send)

    def online_access(self):
        # Blender before 4.2 has no such setting: nothing there restricts an add-on's network access.
        return getattr(bpy.app, "online_access", True)

    def scan(self, owners, explicit):
        # Evaluate pending edits first: the depsgraph handler marks them for Auto-send now, before the sender takes
        # its marks, rather than in the middle of the send when collect() reads the evaluated depsgraph.
        bpy.context.evaluated_depsgraph_get()
        record = read_record()
        file = os.path.basename(bpy.data.filepath)
        scene_id, _ = sendscene.scene_identity(record.get("scene", ""), record.get("file", ""), file, _token())
        same = record.get("scene") == scene_id
        sent, sent_scale = (record.get("sent", {}), record.get("scale")) if same else ({}, None)
        carriers = [o for o in bpy.data.objects if isinstance(o.get(SEND_ID), str) and o.library is None]
        copies = sendscene.copies([sendscene.Carrier(o.name, o[SEND_ID], _uid(o)) for o in carriers], owners, sent)
        for name in copies:
            o = bpy.data.objects[name]
            o[SEND_ID] = sendscene.node_id(o.name, _token())
        ids = []
        for name in explicit:
            o = bpy.data.objects.get(name)
            if o is None or o.library is not None:
                continue
            if not isinstance(o.get(SEND_ID), str):
                o[SEND_ID] = sendscene.node_id(o.name, _token())
                carriers.append(o)
            ids.append(o[SEND_ID])
        present, self._objects = {}, {}
        for o in bpy.context.scene.objects:
            sid = o.get(SEND_ID)
            if isinstance(sid, str) and o.library is None:
                self._objects[sid] = o
                present[sid] = sendscene.Present(sid, o.name, _ancestors(o), NODE_KEY in o)
        header = {"id": scene_id, "name": file.rsplit(".", 1)[0] if file else "untitled",
                  "source": "Blender %d.%d.%d" % bpy.app.version, "units": "m", "up": "Z"}
        editing = frozenset(sid for sid, o in self._objects.items() if o.mode == "EDIT")
        return Scan(header, unit_scale(bpy.context.scene), present, tuple(ids), sent, sent_scale,
                    {o[SEND_ID]: _uid(o) for o in carriers}, editing)

    def material_users(self, names):
        return [sid for sid, o in self._objects.items()
                if any(s.material is not None and s.material.name in names for s in o.material_slots)]

    def collect(self, ids):
        c = Collector(bpy.context)
        collected = c.collect({sid: self._objects[sid] for sid in ids})
        return collected, {k: m for k, m in c.meshes.items() if m is not None}

    def remember(self, scene, names, scale):
        text = json.dumps({"scene": scene["id"], "file": os.path.basename(bpy.data.filepath), "sent": names,
                           "scale": scale}, sort_keys=True)
        holder = _holder() or bpy.context.scene
        if holder.get(RECORD) != text:
            holder[RECORD] = text

    def report(self, message, level):
        feedback.report(message, level)

    def redraw(self):
        feedback.redraw()


def changes(depsgraph):
    """What an update touched, for Auto-send: (send ids of objects whose geometry or transform changed, names of
    materials that changed, whether objects may have come or gone). Objects that arrived from the link are left
    out: what a receiver applies is not sent back."""
    ids, materials, structure = set(), set(), False
    for u in depsgraph.updates:
        block = u.id
        if isinstance(block, bpy.types.Object):
            o = block.original
            sid = o.get(SEND_ID)
            if not isinstance(sid, str) or NODE_KEY in o:
                continue
            if u.is_updated_geometry or u.is_updated_transform:
                ids.add(sid)
            else:
                structure = True  # a rename or a new parent: the scan compares names and parents
        elif isinstance(block, bpy.types.Material):
            materials.add(block.original.name)
        elif isinstance(block, (bpy.types.Scene, bpy.types.Collection)):
            structure = True
    return ids, materials, structure
