"""Runs inside a real Blender (blender --python blender_probe.py): lets a test evaluate Python on Blender's main
thread and read real state. Prints LIVELINK_PROBE_PORT=<port> once it listens on 127.0.0.1."""
import json
import queue
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import bpy

requests = queue.Queue()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        code = self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8")
        reply = queue.Queue()
        requests.put((code, reply))
        try:
            status, body = reply.get(timeout=60)
        except queue.Empty:
            status, body = 504, {"error": "main thread did not run the probe within 60 s"}
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def drain():
    while True:
        try:
            code, reply = requests.get_nowait()
        except queue.Empty:
            return 0.01
        ns = {"bpy": bpy}
        try:
            exec(code, ns)
            reply.put((200, {"result": ns.get("result")}))
        except Exception:  # noqa: BLE001 - the test shows the traceback
            reply.put((500, {"error": traceback.format_exc()}))


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
bpy.app.timers.register(drain, first_interval=0.0, persistent=True)
print("LIVELINK_PROBE_PORT=%d" % server.server_address[1], flush=True)
