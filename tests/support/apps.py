"""Starts the real applications for end-to-end tests, each isolated in its own HOME and LIVELINK_HOME."""
import http.client
import json
import os
import queue
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

import procs
from hubproc import HubProcess, LAUNCHER, REPO, TEST_WARMUP

SUPPORT = os.path.dirname(os.path.abspath(__file__))


# Probe code that finds the add-on's module in Blender: "livelink_blender" as a legacy add-on (3.x), and
# "bl_ext.<repo>.livelink_blender" as a 4.2+ extension. Leaves it in `addon`.
ADDON = ("import sys\n"
         "addon = next(m for n, m in list(sys.modules.items()) if n.rsplit('.', 1)[-1] == 'livelink_blender')\n")


def link_status(field="hub"):
    """Probe code: the running link's status field (hub, peer, last, error), or None when the link is not up."""
    return ADDON + "c = addon.current_link()\nresult = getattr(c.status, %r) if c is not None else None\n" % field


def require(*programs):
    """Skips the calling test, naming what is missing, when an application is not installed here (CI installs
    them all and counts no skips)."""
    missing = [p for p in programs if shutil.which(p) is None]
    if missing:
        raise unittest.SkipTest("not installed: %s (run-tests installs them as root)" % ", ".join(missing))


class Sandbox:
    """A temp HOME and LIVELINK_HOME, shared by the processes of one scenario."""

    def __init__(self, warmup=TEST_WARMUP):
        self.warmup = warmup
        self.dir = tempfile.mkdtemp(prefix="livelink-e2e-")
        self.home = os.path.join(self.dir, "home")
        self.livelink_home = os.path.join(self.dir, "livelink")
        os.makedirs(self.home)
        self.env = dict(os.environ, HOME=self.home, LIVELINK_HOME=self.livelink_home,
                        QTWEBENGINE_DISABLE_SANDBOX="1", XDG_CONFIG_HOME=os.path.join(self.home, ".config"),
                        XDG_DATA_HOME=os.path.join(self.home, ".local", "share"), LIVELINK_SUPPORT=SUPPORT)
        self.env.pop("BLENDER_USER_SCRIPTS", None)
        self.env.pop("LIVELINK_WARMUP", None)
        if warmup is not None:
            self.env["LIVELINK_WARMUP"] = warmup

    def run(self, *args, check=True):
        p = subprocess.run([LAUNCHER] + list(args), env=self.env, capture_output=True, text=True, timeout=300)
        if check and p.returncode != 0:
            raise AssertionError("livelink %s failed (%d): %s%s" % (" ".join(args), p.returncode, p.stdout,
                                                                     p.stderr))
        return p

    def hub(self):
        return HubProcess(self.livelink_home, self.warmup)

    def stop_hub(self):
        """Stops a hub an application auto-started in this sandbox (it runs in a session of its own)."""
        try:
            with open(os.path.join(self.livelink_home, "hub.json")) as f:
                pid = json.load(f)["pid"]
            os.kill(pid, signal.SIGTERM)
        except (OSError, ValueError, KeyError):
            pass  # no hub left running

    def cleanup(self):
        self.stop_hub()
        self.stop_strays()
        shutil.rmtree(self.dir, ignore_errors=True)

    def strays(self):
        """Processes started in this sandbox still running: those whose environment names its LIVELINK_HOME. Hubs
        that an application auto-started were found running after e2e runs, their sandboxes deleted: stop_hub,
        which goes by hub.json, had not found them (how they escaped it was not reproduced)."""
        return procs.with_env("LIVELINK_HOME=" + self.livelink_home)

    def stop_strays(self, timeout=10.0):
        """Ends the strays: SIGTERM, then SIGKILL for any still running after `timeout` (waited on through pidfds)."""
        for pid in list(self.strays()):
            try:
                fd = os.pidfd_open(pid)
            except OSError:
                continue
            try:
                os.kill(pid, signal.SIGTERM)
                if not select.select([fd], [], [], timeout)[0]:
                    os.kill(pid, signal.SIGKILL)
            except OSError:
                pass  # it ended meanwhile
            finally:
                os.close(fd)


class Probe:
    """A real application with a probe inside: eval() runs code on its main thread and returns `result`."""

    def __init__(self, argv, env, marker="LIVELINK_PROBE_PORT="):
        self.proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True)
        self.lines = []
        found = queue.Queue()

        def pump():
            for line in self.proc.stdout:
                self.lines.append(line)
                if line.startswith(marker):
                    found.put(int(line[len(marker):].strip()))
            found.put(None)

        threading.Thread(target=pump, daemon=True).start()
        try:
            self.port = found.get(timeout=180)
        except queue.Empty:
            self.port = None
        if self.port is None:
            self.kill()
            raise AssertionError("application did not start its probe:\n" + "".join(self.lines[-40:]))

    def eval(self, code, timeout=90):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            body = code.encode("utf-8")
            conn.request("POST", "/", body=body, headers={"Content-Length": str(len(body))})
            resp = conn.getresponse()
            data = json.loads(resp.read())
        finally:
            conn.close()
        if resp.status != 200:
            raise AssertionError("probe failed:\n" + data.get("error", ""))
        return data["result"]

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc.stdout.close()

    def log(self):
        return "".join(self.lines[-60:])


def wait_until(fn, timeout=20.0, what="condition"):
    """Waits for state in another process that offers no event to block on; 50 ms steps, bounded."""
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, what))
        time.sleep(0.05)


def start_blender(sandbox, extra_env=None, blend=None):
    env = dict(sandbox.env, **(extra_env or {}))
    # A Blender built on the system's Python (Debian's) takes its standard library from beside the first python3
    # on PATH. pyenv puts its own there while the tests run (pyenv exec): that Blender would lose the system's
    # packages (numpy, which the add-on uses). It starts with the PATH a desktop session gives it.
    pyenv = os.environ.get("PYENV_ROOT")
    if pyenv:
        env["PATH"] = os.pathsep.join(d for d in env.get("PATH", "").split(os.pathsep) if not d.startswith(pyenv))
    argv = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "blender"] + ([blend] if blend else []) + [
        "--python", os.path.join(SUPPORT, "blender_probe.py")]
    return Probe(argv, env)


def start_freecad(sandbox):
    argv = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "freecad", os.path.join(SUPPORT, "freecad_probe.py")]
    return Probe(argv, sandbox.env)
