"""The receiver's main-thread side: takes the network's messages, decides what to fetch, plans each delta once
against what the .blend holds, applies it through the Host, and acks. No bpy: the Host is the bpy side.

One fetch per scene is in flight at a time; announcements that arrive meanwhile only raise the version wanted, so a
burst of Auto-sync versions costs one delta, not one each."""
import time

from . import plan as planning
from .messages import (AckFailed, AckRequest, CatchUp, DeltaFetched, FetchFailed, FetchRequest, SpaceChanged,
                       StatusChanged, VersionAnnounced)


class Status:
    """What the panel shows; main thread only."""

    def __init__(self):
        self.hub = "connecting"
        self.peer = ""
        self.last = ""
        self.error = ""
        self.drops = 0  # times the connection was lost: shown in the panel, since a reconnect can be quicker
        self.space = ""  # the hub's studio space through NATS, one line; "" without one
        self.space_ready = False


class Receiver:
    """link: the network side (drain(), fetch(FetchRequest), ack(AckRequest), reregister(document), close());
    host: a logic.host.Host."""

    def __init__(self, link, host):
        self.link = link
        self.host = host
        self.status = Status()
        self.paused = False
        self._held = []  # DeltaFetched that arrived while paused
        self._wanted = {}  # scene id -> newest version announced, while a fetch for it is in flight

    def tick(self):
        """Handles every queued message; returns True when there was any."""
        messages = self.link.drain()
        for m in messages:
            if isinstance(m, StatusChanged):
                if self.status.hub == "connected" and m.hub != "connected":
                    self.status.drops += 1
                self.status.hub = m.hub
                self.status.peer = m.peer
                self.status.error = m.error
            elif isinstance(m, SpaceChanged):
                self.status.space, self.status.space_ready = m.line, m.ready
            elif isinstance(m, CatchUp):
                # Only scenes this .blend holds: a scene it never had arrives when targeted, not by catch-up.
                for scene, version in m.scenes:
                    if self.host.applied_version(scene):
                        self.want(scene, version)
            elif isinstance(m, VersionAnnounced):
                self.want(m.scene, m.version)
            elif isinstance(m, DeltaFetched):
                if self.paused:
                    self._held.append(m)
                else:
                    self._apply(m)
            elif isinstance(m, FetchFailed):
                self._wanted.pop(m.scene, None)
                if m.report:
                    self._fail("could not fetch %s v%d: %s" % (m.scene, m.version, m.reason))
            elif isinstance(m, AckFailed):
                self.status.error = "could not ack: " + m.reason
        if messages:
            self.host.redraw()
        return bool(messages)

    def want(self, scene, version):
        """Fetches the scene unless the .blend holds `version` already or a fetch is on its way, or this .blend sends
        it: a restarted Blender catches up on versions that went to every receiver, its own included."""
        if self.host.sends(scene):
            return
        if scene in self._wanted:
            self._wanted[scene] = max(self._wanted[scene], version)
            return
        holds = self.host.applied_version(scene)
        if version <= holds:
            return
        self._wanted[scene] = version
        self.link.fetch(FetchRequest(scene, holds, version, frozenset(self.host.mesh_hashes(scene))))

    def set_paused(self, paused):
        self.paused = paused
        if not paused:
            held, self._held = self._held, []
            for m in held:
                self._apply(m)

    def file_loaded(self, document):
        """Another .blend: what it holds is in bpy.data already; register under its name, and the hub's hello
        brings the catch-up."""
        self._wanted.clear()
        self._held = []
        self.host.forget()
        self.link.reregister(document)

    def undone(self):
        """An undo or redo replaced bpy.data."""
        self.host.forget()

    def close(self):
        self.link.close()

    def _apply(self, m):
        pickup_ms = (time.perf_counter() - m.posted_at) * 1000.0
        delta = m.delta
        scene, version = delta["scene"]["id"], int(delta["to"])
        wanted = max(self._wanted.pop(scene, version), version)
        holds = self.host.applied_version(scene)
        if not delta.get("full") and int(delta["from"]) != holds:
            # The .blend does not hold the version this delta starts from (the collection was deleted, another
            # file was loaded, a paused delta went stale): fetch again from what it does hold.
            self.want(scene, wanted)
            return
        if version <= holds and not delta.get("full"):
            return
        t0 = time.perf_counter()
        try:
            p = planning.make_plan(delta, self.host.node_ids(scene))
            missing = [h for h in p.meshes_needed(self.host.mesh_hashes(scene)) if h not in m.blobs]
            if missing:
                raise LookupError("mesh blob(s) %s were not fetched" % ", ".join(h[:12] for h in missing))
            touched = self.host.apply(p, m.blobs)
        except Exception as e:  # noqa: BLE001 - any failure of a build must reach the sender and the user
            reason = "%s: %s" % (type(e).__name__, e)
            self._fail("scene %s v%d failed: %s" % (delta["scene"].get("name"), version, reason))
            self.link.ack(AckRequest(scene, version, m.peer, False, reason, {"fetch_ms": round(m.fetch_ms, 2)}))
            return
        build_ms = (time.perf_counter() - t0) * 1000.0
        timings = {"fetch_ms": round(m.fetch_ms, 2), "pickup_ms": round(pickup_ms, 2), "build_ms": round(build_ms, 2),
                   "total_ms": round(m.fetch_ms + pickup_ms + build_ms, 2), "objects": touched}
        self.status.last = "%s v%d: %d object(s) in %.0f ms" % (delta["scene"].get("name"), version, touched,
                                                               build_ms)
        self.status.error = ""
        self.link.ack(AckRequest(scene, version, m.peer, True, "", timings))
        if wanted > version:
            self.want(scene, wanted)

    def _fail(self, message):
        self.status.error = message
        self.host.report(message)
