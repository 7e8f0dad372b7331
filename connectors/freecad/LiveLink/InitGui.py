# livelink: adds the Blender menu to FreeCAD. The work lives in livelink_freecad (gui.py wires it).


def _livelink_install():
    from livelink_freecad import gui
    gui.install()


_livelink_install()
