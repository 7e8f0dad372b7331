"""Processes found by an entry of their environment: what a test run or a sandbox started, in whatever session
(or chroot) they run. Linux only (/proc)."""
import os


def with_env(entry):
    """Pids of the processes, other than this one, whose environment holds `entry` ("NAME=value") exactly."""
    mark = entry.encode()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/environ" % pid, "rb") as f:
                if int(pid) != os.getpid() and mark in f.read().split(b"\0"):
                    yield int(pid)
        except OSError:
            continue  # gone meanwhile, or not ours to read
