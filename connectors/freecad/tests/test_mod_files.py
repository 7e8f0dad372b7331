"""What FreeCAD and its Addon Manager read before any of the Mod runs: both package.xml files (the Mod's own, and the
repository root's that installs the Mod from a clone) name files and a class that exist. And the Qt classes the Mod
takes from FreeCAD's PySide shim, for each Qt FreeCAD ships."""
import os
import re
import unittest
import xml.etree.ElementTree as ET
from types import SimpleNamespace

from fakes import fc  # noqa: F401 - puts the Mod on sys.path
from livelink_freecad import commands, qt

TESTS = os.path.dirname(os.path.abspath(__file__))
MOD = os.path.join(os.path.dirname(TESTS), "LiveLink")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(TESTS)))
NS = {"p": "https://wiki.freecad.org/Package_Metadata"}


def read(path):
    root = ET.parse(path).getroot()
    return root, root.find("p:content/p:workbench", NS)


class PackageTest(unittest.TestCase):
    def check(self, path, subdirectory):
        root, wb = read(path)
        here = os.path.dirname(path)
        self.assertEqual(root.tag, "{%s}package" % NS["p"])
        self.assertEqual(root.get("format"), "1")
        lic = root.find("p:license", NS)
        self.assertEqual(lic.text, "GPL-3.0-or-later")
        self.assertTrue(os.path.isfile(os.path.join(here, lic.get("file"))), "the licence file the Addon Manager shows")
        self.assertTrue(os.path.isfile(os.path.join(here, root.find("p:icon", NS).text)))
        self.assertEqual(wb.find("p:subdirectory", NS).text, subdirectory)
        code = os.path.normpath(os.path.join(here, subdirectory))
        self.assertTrue(os.path.isfile(os.path.join(code, "InitGui.py")), "FreeCAD runs InitGui.py from there")
        self.assertTrue(os.path.isfile(os.path.join(code, wb.find("p:icon", NS).text)),
                        "a workbench's icon is relative to its subdirectory")
        classname = wb.find("p:classname", NS).text
        with open(os.path.join(MOD, "livelink_freecad", "gui.py"), encoding="utf-8") as f:
            self.assertRegex(f.read(), r"class %s\(fc\.Gui\.Workbench\)" % re.escape(classname))
        self.assertEqual(wb.find("p:freecadmin", NS).text, "0.20.0")
        return root

    def test_the_mods_own(self):
        self.check(os.path.join(MOD, "package.xml"), "./")

    def test_the_repository_roots_installs_the_mod_from_a_clone(self):
        root = self.check(os.path.join(REPO, "package.xml"), "connectors/freecad/LiveLink")
        mod, _ = read(os.path.join(MOD, "package.xml"))
        for tag in ("name", "description", "version", "date", "license"):
            self.assertEqual(root.find("p:" + tag, NS).text, mod.find("p:" + tag, NS).text, tag)

    def test_the_licence_copy_is_the_repositorys(self):
        with open(os.path.join(REPO, "LICENSE"), "rb") as a, open(os.path.join(MOD, "LICENSE"), "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_the_toolbar_icon_exists(self):
        self.assertTrue(os.path.isfile(commands.ICON))


class QtTest(unittest.TestCase):
    def test_qaction_comes_from_qtgui_when_it_is_there(self):
        qt6_gui = SimpleNamespace(QAction="QtGui.QAction")  # Qt 6 (FreeCAD 1.1): QAction moved to QtGui
        qt6_widgets = SimpleNamespace(QMenu="QMenu", QMessageBox="QMessageBox")
        self.assertEqual(qt.resolve(qt6_gui, qt6_widgets).QAction, "QtGui.QAction")
        qt5_gui = SimpleNamespace()  # Qt 5 without FreeCAD's shim, which re-exports the widgets in QtGui
        qt5_widgets = SimpleNamespace(QAction="QtWidgets.QAction", QMenu="QMenu", QMessageBox="QMessageBox")
        classes = qt.resolve(qt5_gui, qt5_widgets)
        self.assertEqual((classes.QAction, classes.QMenu), ("QtWidgets.QAction", "QMenu"))

    def test_freecad_0_20s_shim_has_the_widgets_in_qtgui(self):
        shim = SimpleNamespace(QAction="QAction", QMenu="QMenu", QMessageBox="QMessageBox")
        self.assertEqual(vars(qt.resolve(shim, shim)), vars(shim))


if __name__ == "__main__":
    unittest.main()
