"""The mesh cache: object -> Mesh, so an unchanged object is neither re-meshed nor re-uploaded. Pure Python."""


class MeshCache:
    """Meshes per (exported document, MeshSource name), kept until FreeCAD says the object's shape changed (the document
    observer calls invalidate). Shape hash codes cannot serve as the key: FreeCAD 0.20 gives every shape a new one
    on each recompute. An entry also records what else shaped the blob (the deviation and the per-face material
    slots), and is made anew when either differs."""

    def __init__(self):
        self._entries = {}  # (document, source name) -> (deviation, slots, Mesh)

    def mesh(self, doc, source, deviation, make):
        """The Mesh of source (a MeshSource), from the cache or from make(source, deviation), which is kept."""
        key = (doc, source.name)
        entry = self._entries.get(key)
        if entry is not None and entry[0] == deviation and entry[1] == source.slots:
            return entry[2]
        mesh = make(source, deviation)
        self._entries[key] = (deviation, source.slots, mesh)
        return mesh

    def invalidate(self, doc, name=None):
        """One object's entries, or with name None every entry of the document, including those other documents
        hold of it through links (their MeshSource names it "Doc#Name")."""
        prefix = doc + "#"
        for key in [k for k in self._entries if _names(k, doc, prefix, name)]:
            del self._entries[key]

    def __len__(self):
        return len(self._entries)


def _names(key, doc, prefix, name):
    exporting, obj = key
    if name is None:
        return exporting == doc or obj.startswith(prefix)
    return (exporting == doc and obj == name) or obj == prefix + name
