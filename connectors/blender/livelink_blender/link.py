"""The connection to the hub. Two worker threads do all network work; bpy is touched only by tick(), which a
bpy.app.timers timer runs on the main thread.

reader:  event stream -> "version" jobs for the fetcher (reconnects with backoff when the hub goes away)
fetcher: fetches delta + blobs, puts ("apply", ...) on the main queue; sends acks the main thread queues
main:    tick() drains the main queue, applies, records versions, queues the ack
"""
import queue
import threading
import time

from . import plan
from .livelink_client import EventStream, HubClient, LiveLinkError, end_session, ensure_hub

STOP = object()


class Status:
    """What the panel shows; written and read on the main thread only."""

    def __init__(self):
        self.hub = "connecting"
        self.peer = ""
        self.last = ""
        self.error = ""


class Link:
    def __init__(self, app_version, document, applied, known_meshes, home=None, launcher="", auto_start=True,
                 on_status=None):
        self.home = home
        self.launcher = launcher
        self.auto_start = auto_start
        self.app_version = app_version
        self.status = Status()
        self.paused = False
        self._on_status = on_status
        self._document = document
        self._applied = dict(applied)  # scene id -> version, guarded by _lock
        self._known_meshes = {k: set(v) for k, v in known_meshes.items()}  # scene id -> hashes built there
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._main = queue.Queue()
        self._jobs = queue.Queue()
        self._stream = None
        self._client = None
        self._peer = None
        self._held = []  # versions that arrived while paused (main thread only)
        self._reader = threading.Thread(target=self._read_loop, name="livelink-reader", daemon=True)
        self._fetcher = threading.Thread(target=self._fetch_loop, name="livelink-fetcher", daemon=True)

    def start(self):
        self._reader.start()
        self._fetcher.start()

    # ---- worker side -------------------------------------------------------------------------------------------

    def _post(self, *item):
        self._main.put((time.perf_counter(),) + item)

    def _read_loop(self):
        backoff = 0.5
        while not self._stop.is_set():
            try:
                info = ensure_hub(self.home, self.launcher, self.auto_start)
                client = HubClient(info.port, info.token)
                with self._lock:
                    document = self._document
                peer = client.register("Blender", self.app_version, document, role="receiver",
                                       accepts=("livelink-mesh",))
                stream = EventStream(info.port, info.token, peer)
                with self._lock:
                    self._client, self._peer, self._stream = client, peer, stream
                if self._stop.is_set():
                    stream.close()
                    break
                self._post("status", "connected", peer)
                backoff = 0.5
                for event, data in stream:
                    if event == "hello":
                        self._catch_up(data)
                    elif event == "version":
                        self._jobs.put(("fetch", data["scene"], int(data["version"])))
                    elif event == "peers":
                        pass
                if not self._stop.is_set():
                    self._post("status", "hub went away; reconnecting", "")
            except (LiveLinkError, OSError, ValueError) as e:
                if not self._stop.is_set():
                    self._post("status", "not connected (retry in %.0f s)" % backoff, str(e))
            with self._lock:
                self._stream = None
            # Backoff waits on the stop event, so closing wakes it at once.
            self._stop.wait(backoff)
            backoff = min(backoff * 2, 10.0)

    def _catch_up(self, hello):
        """Scenes this .blend holds that moved on while we were away are fetched without waiting to be told."""
        with self._lock:
            applied = dict(self._applied)
        for s in hello.get("scenes", ()):
            if s["id"] in applied and applied[s["id"]] < int(s["version"]):
                self._jobs.put(("fetch", s["id"], int(s["version"])))

    def _fetch_loop(self):
        while True:
            job = self._jobs.get()
            if job is STOP:
                return
            try:
                if job[0] == "fetch":
                    self._fetch(job[1], job[2])
                elif job[0] == "ack":
                    _, client, scene, version, peer, ok, reason, timings = job
                    client.ack(scene, version, peer, ok, reason, timings)
            except (LiveLinkError, OSError, ValueError) as e:
                if job[0] == "fetch":
                    self._post("failed", job[1], job[2], "could not fetch: %s" % e, {})
                else:
                    self._post("status", None, "could not ack: %s" % e)

    def _fetch(self, scene, version):
        with self._lock:
            client, since = self._client, self._applied.get(scene, 0)
            known = set(self._known_meshes.get(scene, ()))
        if client is None:
            return
        if since >= version:
            return  # already applied (a duplicate event or a catch-up that raced a live one)
        t0 = time.perf_counter()
        delta = client.delta(scene, since)
        # Planned against no objects, every added or changed node counts: the meshes any of them may need.
        blobs = client.blobs(plan.make_plan(delta, ()).meshes_needed(known))
        self._post("apply", delta, blobs, (time.perf_counter() - t0) * 1000.0, client, self._peer)

    # ---- main thread side --------------------------------------------------------------------------------------

    def tick(self, host):
        """Drains the queue on the main thread. host offers apply_delta(delta, blobs) -> (touched, meshes),
        applied_versions(), known_meshes() and report(message). Returns True when work was done."""
        did = False
        while True:
            try:
                item = self._main.get_nowait()
            except queue.Empty:
                break
            did = True
            queued_at, kind = item[0], item[1]
            if kind == "status":
                if item[2] is not None:
                    self.status.hub = item[2]
                if item[2] == "connected":
                    self.status.peer = item[3]
                    self.status.error = ""
                elif item[3]:
                    self.status.error = item[3]
            elif kind == "failed":
                self.status.error = item[4]
                host.report(item[4])
            elif kind == "apply":
                if self.paused:
                    self._held.append(item)
                    continue
                self._apply(item, queued_at, host)
        if did and self._on_status:
            self._on_status()
        return did

    def _apply(self, item, queued_at, host):
        _, _, delta, blobs, fetch_ms, client, peer = item
        pickup_ms = (time.perf_counter() - queued_at) * 1000.0
        scene, version = delta["scene"]["id"], int(delta["to"])
        holds = host.applied_versions().get(scene, 0)
        if not delta.get("full") and int(delta["from"]) != holds:
            # The .blend does not hold the version this delta starts from (the collection was deleted, another
            # file was loaded): fetch again from what it does hold.
            with self._lock:
                self._applied[scene] = holds
                self._known_meshes[scene] = set(host.known_meshes().get(scene, ()))
            self._jobs.put(("fetch", scene, version))
            return
        t0 = time.perf_counter()
        try:
            touched, new_meshes = host.apply_delta(delta, blobs)
        except Exception as e:  # noqa: BLE001 - any failure of a build must reach the sender and the user
            reason = "%s: %s" % (type(e).__name__, e)
            self.status.error = "scene %s v%d failed: %s" % (delta["scene"].get("name"), version, reason)
            host.report(self.status.error)
            self._jobs.put(("ack", client, scene, version, peer, False, reason, {"fetch_ms": fetch_ms}))
            return
        build_ms = (time.perf_counter() - t0) * 1000.0
        with self._lock:
            self._applied[scene] = version
            self._known_meshes[scene] = set(new_meshes)
        timings = {"fetch_ms": round(fetch_ms, 2), "pickup_ms": round(pickup_ms, 2), "build_ms": round(build_ms, 2),
                   "total_ms": round(fetch_ms + pickup_ms + build_ms, 2), "objects": touched}
        self.status.last = "%s v%d: %d object(s) in %.0f ms" % (delta["scene"].get("name"), version, touched,
                                                               build_ms)
        self.status.error = ""
        self._jobs.put(("ack", client, scene, version, peer, True, "", timings))

    def set_paused(self, paused, host):
        self.paused = paused
        if not paused:
            held, self._held = self._held, []
            for item in held:
                self._apply(item, item[0], host)

    def restart(self, document, applied, known_meshes):
        """A different .blend was loaded: register again under its name and with what it holds."""
        with self._lock:
            self._document = document
            self._applied = dict(applied)
            self._known_meshes = {k: set(v) for k, v in known_meshes.items()}
            stream, client, peer = self._stream, self._client, self._peer
        if stream is not None:
            stream.close()
        if client is not None and peer:
            client.goodbye(peer)

    def close(self, timeout=1.0):
        """Stops both threads and closes the sockets; returns promptly even if the hub is gone."""
        self._stop.set()
        with self._lock:
            stream, client, peer = self._stream, self._client, self._peer
        self._jobs.put(STOP)
        end_session(stream, client, peer)
        for t in (self._reader, self._fetcher):
            if t.is_alive():
                t.join(timeout)
