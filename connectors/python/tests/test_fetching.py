"""FetchWorker: fetches and acks in the order asked, the connector's hook on the fetch thread, failures as messages."""
import os
import queue
import sys
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from livelink_client import (AckFailed, AckRequest, FetchFailed, FetchRequest, FetchWorker,  # noqa: E402
                             LiveLinkError)

WATCHDOG_S = 30  # messages come at once; this only catches a hang


class FakeSession:
    """A PeerSession's two members the worker uses: its connection and ack."""

    def __init__(self, connected=True, ack_answer=None):
        self.connection = ("client", "peer-1") if connected else (None, "")
        self.ack_answer = ack_answer
        self.acks = []

    def ack(self, scene, version, peer, ok, reason, timings):
        self.acks.append((scene, version, ok))
        return self.ack_answer


class FetchWorkerTest(unittest.TestCase):
    def start(self, session, hook):
        self.out = queue.Queue()
        w = FetchWorker(session, self.out.put, hook).start()
        self.addCleanup(w.join)
        self.addCleanup(w.stop)
        return w

    def test_the_hook_runs_on_the_fetch_thread_and_its_answer_is_delivered_in_order_with_acks(self):
        seen = []

        def hook(client, peer, job):
            seen.append((client, peer, job.scene, threading.current_thread().name))
            return ("fetched", job.version)

        session = FakeSession()
        w = self.start(session, hook)
        w.fetch(FetchRequest("doc", 0, 1, frozenset()))
        w.ack(AckRequest("doc", 1, "peer-1", True))
        w.fetch(FetchRequest("doc", 1, 2, frozenset()))
        self.assertEqual(self.out.get(timeout=WATCHDOG_S), ("fetched", 1))
        self.assertEqual(self.out.get(timeout=WATCHDOG_S), ("fetched", 2))
        self.assertEqual(session.acks, [("doc", 1, True)], "the ack went out between the two fetches")
        self.assertEqual(seen[0][:3], ("client", "peer-1", "doc"))
        self.assertEqual(seen[0][3], "livelink-fetch")

    def test_failures_become_messages_and_the_thread_goes_on(self):
        def hook(client, peer, job):
            if job.version == 1:
                raise LiveLinkError("HTTP 404: no scene \"doc\"")
            if job.version == 2:
                raise KeyError("scene")
            return "ok"

        w = self.start(FakeSession(ack_answer="HTTP 403: not a receiver of doc"), hook)
        for v in (1, 2, 3):
            w.fetch(FetchRequest("doc", 0, v, frozenset()))
        w.ack(AckRequest("doc", 3, "peer-1", False, "no faces"))
        self.assertEqual(self.out.get(timeout=WATCHDOG_S), FetchFailed("doc", 1, "HTTP 404: no scene \"doc\""))
        self.assertEqual(self.out.get(timeout=WATCHDOG_S), FetchFailed("doc", 2, "'scene'"))
        self.assertEqual(self.out.get(timeout=WATCHDOG_S), "ok")
        self.assertEqual(self.out.get(timeout=WATCHDOG_S), AckFailed("HTTP 403: not a receiver of doc"))

    def test_without_a_connection_the_fetch_fails_quietly_for_the_next_hello_to_catch_up(self):
        def hook(client, peer, job):
            raise AssertionError("not called without a connection")

        w = self.start(FakeSession(connected=False), hook)
        w.fetch(FetchRequest("doc", 0, 1, frozenset()))
        self.assertEqual(self.out.get(timeout=WATCHDOG_S),
                         FetchFailed("doc", 1, "not connected to the hub", report=False))


if __name__ == "__main__":
    unittest.main()
