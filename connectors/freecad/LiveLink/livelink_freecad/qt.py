"""The Qt classes the Mod uses, only through FreeCAD's PySide shim: PySide2 (Qt 5) in 0.20 and 1.0, PySide6 (Qt 6)
in 1.1, where QAction moved from QtWidgets to QtGui. The shim's QtGui re-exports the widgets in every version;
0.20's shim has no QtWidgets module of its own."""
from types import SimpleNamespace


def resolve(qtgui, qtwidgets):
    """The classes by name: QAction from QtGui when it is there (Qt 6, and FreeCAD's Qt 5 shim), else from
    QtWidgets; the widgets from QtWidgets."""
    action = getattr(qtgui, "QAction", None) or qtwidgets.QAction
    return SimpleNamespace(QAction=action, QMenu=qtwidgets.QMenu, QMessageBox=qtwidgets.QMessageBox)


def load():
    """(QtCore, the classes of resolve) from FreeCAD's shim. Inside FreeCAD only."""
    from PySide import QtCore, QtGui
    try:
        from PySide import QtWidgets
    except ImportError:  # FreeCAD 0.20: its QtGui carries the widgets
        QtWidgets = QtGui
    return QtCore, resolve(QtGui, QtWidgets)
