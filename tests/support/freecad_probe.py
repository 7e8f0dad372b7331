"""Runs inside a real FreeCAD GUI (freecad freecad_probe.py): lets a test evaluate Python on FreeCAD's GUI thread
and read real state. Prints LIVELINK_PROBE_PORT=<port> once it listens on 127.0.0.1."""
import json
import queue
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import FreeCAD
import FreeCADGui
from PySide import QtCore

requests = queue.Queue()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        code = self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8")
        reply = queue.Queue()
        requests.put((code, reply))
        try:
            status, body = reply.get(timeout=120)
        except queue.Empty:
            status, body = 504, {"error": "GUI thread did not run the probe within 120 s"}
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
            return
        ns = {"App": FreeCAD, "Gui": FreeCADGui, "FreeCAD": FreeCAD, "FreeCADGui": FreeCADGui}
        try:
            exec(code, ns)
            reply.put((200, {"result": ns.get("result")}))
        except Exception:  # noqa: BLE001 - the test shows the traceback
            reply.put((500, {"error": traceback.format_exc()}))


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
timer = QtCore.QTimer(FreeCADGui.getMainWindow())
timer.timeout.connect(drain)
timer.start(10)
sys.stdout.write("LIVELINK_PROBE_PORT=%d\n" % server.server_address[1])
sys.stdout.flush()
