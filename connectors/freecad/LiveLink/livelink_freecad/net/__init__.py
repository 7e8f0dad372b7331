"""The network side: sender.py publishes scenes to the hub over a livelink PeerSession. No FreeCAD here."""
