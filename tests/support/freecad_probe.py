"""Runs inside a real FreeCAD GUI (freecad freecad_probe.py): lets a test evaluate Python on FreeCAD's GUI thread
and read real state. Prints LIVELINK_PROBE_PORT=<port> once it listens on 127.0.0.1."""
import os
import sys

import FreeCAD
import FreeCADGui
from PySide import QtCore

sys.path.insert(0, os.environ["LIVELINK_SUPPORT"])  # set by apps.py
from probe_server import Probe  # noqa: E402

probe = Probe({"App": FreeCAD, "Gui": FreeCADGui, "FreeCAD": FreeCAD, "FreeCADGui": FreeCADGui})
timer = QtCore.QTimer(FreeCADGui.getMainWindow())
timer.timeout.connect(probe.drain)
timer.start(10)
# FreeCAD 1.0's GUI sends sys.stdout to its Report view: the port goes to the process's own stdout.
sys.__stdout__.write("LIVELINK_PROBE_PORT=%d\n" % probe.port)
sys.__stdout__.flush()
