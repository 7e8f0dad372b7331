"""What this FreeCAD applied, per scene, across sessions: a small JSON file in the livelink home
(freecad-received.json). A document that holds a scene says which version it holds (its root App::Part); this
record answers when no open document holds it: which version was applied last, and in which file. So a FreeCAD
started again neither applies a version it has again nor makes a new document for it. GUI thread only."""
import json
import os
from dataclasses import dataclass

from ..livelink_client import default_home

FILE = "freecad-received.json"


@dataclass(frozen=True)
class Entry:
    version: int
    file: str = ""  # the .FCStd that holds it ("" while the document was never saved)
    document: str = ""  # the document's Name


class Record:
    def __init__(self, path=None):
        self._path = path
        self._entries = None
        self._damaged = ""  # why the file could not be read

    @property
    def path(self):
        return self._path or os.path.join(default_home(), FILE)

    def problem(self):
        """Why the file could not be read (it is written anew), once; "" when it could."""
        self._load()
        text, self._damaged = self._damaged, ""
        return text

    def get(self, scene):
        return self._load().get(scene)

    def put(self, scene, version, file, document):
        entries = self._load()
        entries[scene] = Entry(int(version), file or "", document or "")
        self._save(entries)

    def saved(self, document, file, scenes):
        """The document was saved as `file`: the scenes it holds are in that file now."""
        entries = self._load()
        changed = False
        for scene in scenes:
            e = entries.get(scene)
            if e is not None and e.document == document and e.file != file:
                entries[scene] = Entry(e.version, file, document)
                changed = True
        if changed:
            self._save(entries)

    def _load(self):
        if self._entries is None:
            self._entries = {}
            try:
                with open(self.path, encoding="utf-8") as f:
                    raw = json.load(f)
                for scene, e in raw.get("scenes", {}).items():
                    self._entries[scene] = Entry(int(e["version"]), str(e.get("file", "")), str(e.get("document", "")))
            except FileNotFoundError:
                pass
            except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
                # A damaged record only costs a re-apply of what is not in an open document: start a new one.
                self._entries = {}
                self._damaged = "%s could not be read (%s: %s); it is written anew" % (self.path, type(e).__name__, e)
        return self._entries

    def _save(self, entries):
        data = {"scenes": {s: {"version": e.version, "file": e.file, "document": e.document}
                           for s, e in sorted(entries.items())}}
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        tmp = self.path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)
        os.replace(tmp, self.path)
