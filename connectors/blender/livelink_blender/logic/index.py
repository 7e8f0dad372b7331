"""Which datablock holds each node (or mesh) of a received scene, kept between applies so that a one-object update
costs what the object costs, not a walk over every object of the .blend. No bpy: a Table (blender.index) answers
from bpy.data, and bpy.data stays the only record: this is a cache of it that is checked on every use.

Names are kept, never the datablocks: a Python reference to an ID the user deleted, or that an undo replaced, points
at freed memory. A name is trusted only after the datablock of that name is found to carry this scene and key. The
whole table is read again when that check fails (the user renamed or deleted it), when the number of datablocks
differs from what the index last saw (the user deleted, duplicated, added or purged something), and after an undo or
a file load (forget()). When two datablocks carry one key (the user duplicated one: the copy has our properties),
the one livelink named keeps it, else the first in Blender's order (the original: "Gear" sorts before "Gear.001")."""
import abc


class Table(abc.ABC):
    """One kind of datablock (objects, meshes) as the index sees it."""

    @abc.abstractmethod
    def count(self):
        """How many datablocks of this kind the .blend holds: cheap, and changed by any add or delete."""

    @abc.abstractmethod
    def scan(self):
        """Yields (scene id, key, datablock, preferred) for every datablock that carries a scene and key; preferred:
        livelink gave it the name it has (a duplicate's copied record says otherwise)."""

    @abc.abstractmethod
    def get(self, name):
        """The datablock of that name, or None."""

    @abc.abstractmethod
    def key_of(self, item):
        """(scene id, key) the datablock carries, or None."""

    @abc.abstractmethod
    def name_of(self, item):
        """The datablock's name now."""


class Index:
    def __init__(self, table):
        self._table = table
        self._names = None  # {scene id: {key: name}}; None until read
        self._count = -1
        self._applying = False  # between begin() and settle() the count changes by the apply's own doing
        self.scans = 0  # how many times the whole table was read: what the tests check

    def forget(self):
        """bpy.data was replaced (undo, redo, another file): read it again at the next use."""
        self._names = None

    def keys(self, scene):
        """The keys of the scene's datablocks (a live view: copy it before changing the index)."""
        return self._fresh().get(scene, {}).keys()

    def get(self, scene, key):
        """The datablock holding key, checked; None when the .blend holds none."""
        name = self._fresh().get(scene, {}).get(key)
        if name is None:
            return None
        item = self._table.get(name)
        if item is not None and self._table.key_of(item) == (scene, key):
            return item
        return self._read().get(scene, {}).get(key)

    def items(self, scene):
        """{key: datablock} for every datablock of the scene, from one read of the whole table: for an apply that
        touches many, where one walk costs less than a lookup by name each."""
        return self._read().get(scene, {})

    def put(self, scene, key, item):
        """The apply made or renamed this datablock."""
        self._fresh().setdefault(scene, {})[key] = self._table.name_of(item)

    def drop(self, scene, key):
        """The apply deleted the datablock holding key."""
        self._fresh().get(scene, {}).pop(key, None)

    def begin(self):
        """An apply starts: checked against the .blend once; from here it changes the index as it changes the .blend
        (put, drop)."""
        self._fresh()
        self._applying = True

    def settle(self):
        """The apply is done: what the index holds is what the .blend holds, count included."""
        self._applying = False
        if self._names is not None:
            self._count = self._table.count()

    def _fresh(self):
        if self._names is None or (not self._applying and self._table.count() != self._count):
            self._read()
        return self._names

    def _read(self):
        """Reads the whole table; returns {scene: {key: datablock}} of this read (valid until bpy.data changes)."""
        found, preferred = {}, set()
        for scene, key, item, named_by_us in self._table.scan():
            by_key = found.setdefault(scene, {})
            if key not in by_key or (named_by_us and (scene, key) not in preferred):
                by_key[key] = item
            if named_by_us:
                preferred.add((scene, key))
        name_of = self._table.name_of
        self._names = {scene: {key: name_of(item) for key, item in by_key.items()} for scene, by_key in found.items()}
        self._count = self._table.count()
        self.scans += 1
        return found
