"""Collects only what changed: per document, the Collected of every object is kept between sends, the document
observer marks objects dirty (colours changed in a view are found by reading them again), and a send redoes the dirty ones and rebuilds the item list from the rest, the same
Item objects as before for every object that did not change. GUI thread only (the observer's slots and the
collect both run there).

What an object's nodes depend on is what its collect read (scene/document.py's Collected): a change of any of those objects
redoes it. Its containers count only through the properties that decide whether and where it is sent
(STRUCTURAL); a container's Placement does not, since nodes are placed relative to their parent. What the
observer cannot follow (undo and redo, an aborted transaction, a document restored or closed) forgets the document: the next collect is a full one, never a stale one."""
import dataclasses

from ..receive import identity

# Properties of a container whose change can change the nodes of everything inside it: whether they show, which
# container holds them, and whether the container was made by the link (then it is not sent, and its placement
# goes on its members). The members of a changed Group are redone too: one that moved in has read nothing of it.
STRUCTURAL = frozenset(("Visibility", "Group", identity.SCENE, identity.NAME))
CHUNK = 64  # objects a full collect reads between two turns of FreeCAD's event loop (~3 ms at 410 parts)


class Tracker:
    """The kept collects of the open documents (by Name), and the observer's events for them.

    last: (full, objects collected) of the last collect: what the tests count, and what the bench reports."""

    def __init__(self, collect_objects, view_colors):
        """collect_objects(doc, objects, shared) -> [Collected]: document.collect_objects (shared: a dict kept
        through one collect's chunks), or the tests' counting one; view_colors(view): colors.view_colors."""
        self._collect_objects = collect_objects
        self._view_colors = view_colors
        self._docs = {}
        self.watching = False  # both observers installed: without them every collect is a full one
        self.last = None

    # ---- the observers' events ----------------------------------------------------------------------------------

    def changed(self, obj, prop):
        """A property of obj changed (its view's, too: colours and visibility are read from there)."""
        if not self._docs:
            return
        structural = prop in STRUCTURAL
        members = getattr(obj, "Group", None) if prop == "Group" else None
        for state in self._docs.values():
            state.mark(id(obj), structural)
            for m in members or ():
                state.mark(id(m), True)

    def created(self, obj):
        state = self._docs.get(_doc_name(obj))
        if state is not None:
            state.new.append(obj)

    def deleted(self, obj):
        for state in self._docs.values():
            state.drop(obj)

    def forget(self, doc_name=None):
        """The next collect of that document (of every one, for None) is a full one."""
        if doc_name is None:
            self._docs.clear()
        else:
            self._docs.pop(doc_name, None)

    # ---- collecting ----------------------------------------------------------------------------------------------

    def collect(self, doc):
        """(items, sources) as document.collect gives them."""
        steps = self.collect_steps(doc)
        try:
            while True:
                next(steps)
        except StopIteration as e:
            return e.value

    def collect_steps(self, doc):
        """collect as a generator: a full collect yields after every CHUNK objects, so that the GUI can take a
        turn, and returns (items, sources). What the observers report meanwhile is kept: an object changed after
        it was collected is redone at the next collect, one deleted before is left out."""
        state = self._docs.get(doc.Name)
        if state is not None and state.doc is doc and self.watching:
            state.check_views(self._view_colors)
            redo = state.take_dirty()
            state.add(self._collect_objects(doc, redo, {}))
            self.last = (False, len(redo))
            return state.items()
        state = self._docs[doc.Name] = _State(doc)
        objects, shared = list(doc.Objects), {}
        for i in range(0, len(objects), CHUNK):
            if i:
                yield
            state.add(self._collect_objects(doc, [o for o in objects[i:i + CHUNK] if id(o) not in state.dropped],
                                            shared))
        state.dropped.clear()
        if not self.watching and self._docs.get(doc.Name) is state:
            del self._docs[doc.Name]  # unseen changes: nothing may be kept
        self.last = (True, len(objects))
        return state.items()


class _State:
    """One document's kept collect."""

    def __init__(self, doc):
        self.doc = doc
        self.order = []  # ids, in the document's order (new objects go last, as FreeCAD puts them)
        self.entries = {}  # id -> document.Collected
        self.readers = {}  # id -> ids of the entries that read it
        self.inside = {}  # id -> ids of the entries it contains
        self.dirty = set()
        self.new = []  # objects created since the last collect
        self.dropped = set()  # ids deleted while a full collect is under way
        self.views = {}  # object id -> (object, its view, the colours last read from it)
        self._stale_order = False  # an entry was dropped: order is filtered at the next collect
        self._items = None  # (items, sources) of the last collect while nothing changed

    def mark(self, k, structural):
        self.dirty.add(k)
        self.dirty.update(self.readers.get(k, ()))
        if structural:
            self.dirty.update(self.inside.get(k, ()))

    def drop(self, obj):
        k = id(obj)
        self.mark(k, True)
        # What read it or was inside it is dirty now and will list its reads anew: nothing is kept under an id
        # Python may give a new object (and a long session of deletions does not grow the maps).
        self.readers.pop(k, None)
        self.inside.pop(k, None)
        self.dropped.add(k)
        self.dirty.discard(k)
        self.views.pop(k, None)  # its view goes with it
        if k in self.entries:
            self._unlink(k, self.entries.pop(k))
            self._stale_order = True
        self.new = [o for o in self.new if o is not obj]

    def check_views(self, view_colors):
        """Colours changed in a view since they were read: FreeCAD tells Python observers of view changes only
        through FreeCADGui's observer, and one with slotChangedObject breaks FreeCAD 1.0 (it makes the Python
        object of every view while the view is being built, as the base class's: a Part view then lacks
        DiffuseColor). So the colours of every object whose colours are sent are read again (one read per object,
        however many links show it)."""
        for k, (obj, view, seen) in self.views.items():
            if view_colors(view) != seen:
                self.mark(id(view), False)

    def take_dirty(self):
        """The objects to collect again: the dirty ones still in the document, and the new ones."""
        redo = [self.entries[k].obj for k in self.dirty if k in self.entries]
        redo += [o for o in self.new if id(o) not in self.entries]
        self.dirty, self.new = set(), []
        return redo

    def add(self, collected):
        for c in collected:
            k = id(c.obj)
            old = self.entries.get(k)
            if old is None:
                self.order.append(k)
            else:
                self._unlink(k, old)
                if old.items == c.items and old.sources == c.sources:
                    c = dataclasses.replace(c, items=old.items, sources=old.sources)
                elif old.items:
                    c = dataclasses.replace(c, items=_same(old.items, c.items))
            self.entries[k] = c
            for v in c.views:
                self.views[id(v[0])] = v
            for r in c.reads:
                self.readers.setdefault(r, set()).add(k)
            for a in c.ancestors:
                self.inside.setdefault(a, set()).add(k)
        if collected:
            self._items = None

    def _unlink(self, k, c):
        for index, keys in ((self.readers, c.reads), (self.inside, c.ancestors)):
            for r in keys:
                entry = index.get(r)
                if entry is not None:
                    entry.discard(k)
                    if not entry:
                        del index[r]

    def items(self):
        if self._stale_order:
            self.order = [k for k in self.order if k in self.entries]
            self._stale_order = False
            self._items = None
        if self._items is None:
            items, sources = [], {}
            for k in self.order:
                c = self.entries[k]
                if c.items:
                    items += c.items
                    for s in c.sources:
                        sources.setdefault(s.name, s)
            self._items = (items, tuple(sources.values()))
        return list(self._items[0]), self._items[1]


def _same(old, new):
    """new, with each Item equal to the old one of its id being that old object: a link's nodes are redone with
    the link, and most are as they were (the client recognises an unchanged node by identity)."""
    by_id = {i.id: i for i in old}
    return tuple(i if by_id.get(i.id) != i else by_id[i.id] for i in new)


def _doc_name(obj):
    d = getattr(obj, "Document", None)
    return d.Name if d is not None else None
