"""Starts a real hub in a temp LIVELINK_HOME on a free port, for tests of anything that talks to it."""
import os
import shutil
import subprocess
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAUNCHER = os.path.join(REPO, "livelink")


# A hub warms itself up after start until its code is compiled (up to 60 rounds, ~3.5 s of CPU): on CI's two cores,
# with many hubs per run, the tests cap it at the 12 rounds of before (a send stops it anyway); benchmarks of what a
# user gets pass warmup=None.
TEST_WARMUP = "12"


class HubProcess:
    def __init__(self, home=None, warmup=TEST_WARMUP):
        self.tmp = None
        if home is None:
            self.tmp = tempfile.mkdtemp(prefix="livelink-test-")
            home = os.path.join(self.tmp, "home")
        self.home = home
        env = dict(os.environ, LIVELINK_HOME=home)
        env.pop("LIVELINK_WARMUP", None)
        if warmup is not None:
            env["LIVELINK_WARMUP"] = warmup
        self.proc = subprocess.Popen([LAUNCHER, "hub", "--port", "0", "--home", home], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        # The hub prints its "listening" line after hub.json is written: block on that line, not on a poll.
        for line in self.proc.stdout:
            if "listening on" in line:
                break
        else:
            raise RuntimeError("hub did not start (exit %s)" % self.proc.wait())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc.stdout.close()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
