"""The HTTP side of the application probes: a request carries Python source, which the application runs on its
main thread (through `submit`, which each probe provides) and answers with the value left in `result`."""
import json
import queue
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Probe:
    def __init__(self, namespace):
        self.namespace = namespace
        self.requests = queue.Queue()
        probe = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                code = self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8")
                reply = queue.Queue()
                probe.requests.put((code, reply))
                try:
                    status, body = reply.get(timeout=120)
                except queue.Empty:
                    status, body = 504, {"error": "the main thread did not run the probe within 120 s"}
                data = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.port = self.server.server_address[1]

    def drain(self):
        """Runs what is queued; call it on the application's main thread."""
        while True:
            try:
                code, reply = self.requests.get_nowait()
            except queue.Empty:
                return
            ns = dict(self.namespace)
            try:
                exec(code, ns)
                reply.put((200, {"result": ns.get("result")}))
            except Exception:  # noqa: BLE001 - the test shows the traceback
                reply.put((500, {"error": traceback.format_exc()}))
