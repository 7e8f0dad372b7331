"""Reads a FreeCAD document: which objects are sent, as which nodes (placement, parent, colours), and which
objects are meshed. GUI thread only (FreeCAD objects are not thread-safe). FreeCAD objects are read by duck typing
(isDerivedFrom, Shape, Group, getLinkedObject, ...), so the unit tests hand in fakes shaped like each version's."""
import dataclasses

from .. import fc
from ..receive.identity import received
from . import colors, groups, incremental, meshing
from .model import Item, MeshSource, safe_id

IDENTITY = (1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0)

# Reference geometry: drawn in FreeCAD's 3D view to construct with, never part of the model, so never sent and never
# reported. Decided by type (isDerivedFrom; a name a version lacks is simply not matched), not by label.
REFERENCE_TYPES = (
    "App::Origin",  # the origin of every App::Part, Body and Assembly
    "App::OriginFeature",  # its axes and planes (0.20, 1.0); since 1.0 an App::Plane's Shape has a face
    "App::LocalCoordinateSystem",  # 1.1: what App::Origin and coordinate systems derive from
    "App::DatumElement",  # 1.1: App::Plane, App::Line, App::Point
    "Part::Datum",  # PartDesign datum planes, lines, points and coordinate systems
    "Sketcher::SketchObject",
)
LINK_DEPTH = 32  # links inside linked App::Parts, followed this deep at most


class FreeCADDocuments:
    """The documents the Controller sends, as FreeCAD holds them. Unit tests give the Controller a fake instead."""

    def active(self):
        return fc.active_document()

    def is_open(self, doc):
        return fc.is_open(doc)

    def deviation(self):
        """Tessellation tolerance in percent of the size, as FreeCAD's own 'Deviation'. 0 (the default) sends the
        triangulation FreeCAD already made for its 3D view: nothing is meshed twice and Blender shows what FreeCAD
        shows. A positive value meshes anew at that deviation."""
        return fc.params().GetFloat("Deviation", 0.0)

    def __init__(self):
        self.tracker = incremental.Tracker(collect_objects, colors.view_colors)

    def collect(self, doc):
        """As collect(doc), redoing only the objects the observers saw change since the last collect."""
        return self.tracker.collect(doc)

    def collect_steps(self, doc):
        """collect as a generator that yields where the GUI may take a turn (scene/incremental.py)."""
        return self.tracker.collect_steps(doc)

    def mesh(self, source, deviation):
        return meshing.mesh(source, deviation)


def collect(doc):
    """(items, sources): the nodes to send, and a MeshSource for every object whose mesh a node uses (once per
    object, however many links show it). Containers come as they are; the Controller leaves out empty ones.

    What arrived from Blender (receive/identity.received: the meshes and App::Parts the link made) is never sent
    back: Blender holds it already, and would get it twice. An object of the user's inside such an App::Part is
    sent, placed as FreeCAD shows it, under the nearest container that is sent."""
    c = _Collector(doc)
    items = []
    for o in doc.Objects:
        items += c.object(o).items
    return items, tuple(c.sources.values())


def collect_objects(doc, objects, shared=None):
    """One Collected per object, in that order: what collect would give for each, with what each read
    (scene/incremental.py redoes an object when one of those changes). shared: a dict for the calls of one collect
    made in chunks, which then read each object once, as one collect does."""
    c = shared.get("collector") if shared is not None else None
    if c is None:
        c = _Collector(doc)
        if shared is not None:
            shared["collector"] = c
    return [c.object(o) for o in objects]


@dataclasses.dataclass(frozen=True)
class Collected:
    """What one object of the document gives: its nodes, the MeshSources they use, and the keys (id()) of the
    objects read to make them. reads: any change of these can change the nodes (the object itself, a link's
    chain and target, a linked container's contents, received App::Parts above it). ancestors: the containers
    above it, whose visibility and membership decide whether it is sent and under which node, but whose
    placement does not change its nodes (placements are relative to the parent)."""
    obj: object
    items: tuple
    sources: tuple
    reads: frozenset
    ancestors: tuple
    views: tuple = ()  # (object, its view, the colours read from it) of each object whose colours were read


def _sent_parent(o, parent_of=None):
    """(the nearest container that is sent, or None; the product of the placements of the received App::Parts in
    between, or None when there are none)."""
    parent_of = parent_of or _parent
    p, above = parent_of(o), None
    while p is not None and received(p):
        m = p.Placement.toMatrix() if getattr(p, "Placement", None) is not None else fc.Matrix()
        above = m if above is None else m.multiply(above)
        p = parent_of(p)
    return p, above


def is_reference(o):
    return any(o.isDerivedFrom(t) for t in REFERENCE_TYPES)


def has_geometry(o):
    """Something to mesh: faces (facets, for a Mesh), and not reference geometry."""
    if is_reference(o):
        return False
    if o.isDerivedFrom("Mesh::Feature"):
        return o.Mesh.CountFacets > 0
    shape = getattr(o, "Shape", None)
    return shape is not None and not shape.isNull() and _faces(shape) > 0


def _faces(shape):
    """How many faces: counted by OpenCASCADE, where Shape.Faces makes a Python object of each (a BIM building's
    compound of 3,595 faces took 60 ms so, twice per object)."""
    count = getattr(shape, "countElement", None)
    return count("Face") if count is not None else len(shape.Faces)


class _Collector:
    """One collect. What depends only on an object (its parent, whether it shows, its faces and colours) is read
    from FreeCAD once per collect and kept here by object: an assembly holds thousands of links to a dozen
    fasteners under 4 levels of App::Parts, and reading them per node made a collect twice as slow (143 ms against
    68 ms for 2,000 parts, bench/big_bench.py's document)."""

    def __init__(self, doc):
        self.doc = doc
        self.sources = {}  # MeshSource name -> MeshSource
        # Keyed by id(): FreeCAD hands out one Python object per document object for its lifetime, and every object
        # here lives through the collect. (A key of Document.Name and Name cost as much as what it saved.)
        self._parents = {}  # id -> its container or None
        self._visible = {}  # id -> shown, its containers too
        self._geometry = {}  # id -> has_geometry
        self._looks = {}  # id -> (materials, slots, id of its view object)
        self._reference = {}  # TypeId -> is_reference: a type's answer is its class's
        self._chains = {}  # id -> the ids of its containers, nearest first
        self._reads = set()  # what the object being collected read (ids), for Collected
        self._used = {}  # and the MeshSources its nodes use

    def object(self, o):
        """The Collected of one object of the document: its nodes when it is sent, none when it is not."""
        k = id(o)
        self._reads, self._used, self._views = {k}, {}, {}
        items, ancestors = (), ()
        if received(o) or self.is_reference(o):
            pass
        elif _inside_body(o):
            # The Body's membership decides; a feature moved out of it is found through the Body's Group change.
            ancestors = (id(o.getParentGeoFeatureGroup()),)
        else:
            ancestors = self.chain(o)
            if self.visible(o):
                items = tuple(self._sent(o))
        return Collected(o, items, tuple(self._used.values()), frozenset(self._reads), ancestors,
                         tuple(self._views.values()))

    def _sent(self, o):
        parent, above = self.sent_parent(o)
        node_id = safe_id(o.Name)
        got = self.node(o, node_id, o.Label, safe_id(parent.Name) if parent is not None else None)
        if above is not None:  # placed in received App::Parts, which are not sent: their placements go on its own
            got = [dataclasses.replace(i, transform=_tuple(above.multiply(fc.Matrix(*i.transform))))
                   if i.id == node_id else i for i in got]
        return got

    def sent_parent(self, o):
        """_sent_parent, with the received App::Parts in between read (their placements are in the nodes)."""
        p = self.parent(o)
        while p is not None and received(p):
            self._reads.add(id(p))
            p = self.parent(p)
        return _sent_parent(o, self.parent)

    def chain(self, o):
        """The ids of o's containers, nearest first."""
        k = id(o)
        c = self._chains.get(k)
        if c is None:
            p = self.parent(o)
            c = self._chains[k] = () if p is None else (id(p),) + self.chain(p)
        return c

    def is_reference(self, o):
        r = self._reference.get(o.TypeId)
        if r is None:
            r = self._reference[o.TypeId] = is_reference(o)
        return r

    def parent(self, o):
        k = id(o)
        if k not in self._parents:
            self._parents[k] = _parent(o)
        return self._parents[k]

    def visible(self, o):
        k = id(o)
        v = self._visible.get(k)
        if v is None:
            shown = groups.shown(o)
            p = self.parent(o) if shown else None
            v = self._visible[k] = shown and (p is None or self.visible(p))
        return v

    def has_geometry(self, o):
        k = id(o)
        if k not in self._geometry:
            self._geometry[k] = has_geometry(o)
        return self._geometry[k]

    def node(self, o, node_id, label, parent_id, depth=0):
        """The nodes of one object: an empty for a container (its children come as objects of their own, or from
        expand for a link's), instances for a link, a mesh node for an object with geometry; else none."""
        if groups.is_container(o):
            if not groups.plain_group(o):
                return [Item(node_id, label, parent_id, _local(o))]
            # A plain group's members are placed on their own (its Placement does not move what FreeCAD shows of
            # them): an empty at the origin; its own shape, when its view shows one (a Site's terrain), under it.
            items = [Item(node_id, label, parent_id, IDENTITY)]
            if self.has_geometry(o) and meshing.shows_faces(o):
                items.append(self.shape(o, node_id + ":shape", label, node_id, _local(o)))
            return items
        if groups.is_link(o):
            return self.link(o, node_id, label, parent_id, depth)
        if self.has_geometry(o):
            elements = self.elements(o, node_id, label) if groups.placement_list(o) else None
            if elements is not None:
                return [Item(node_id, label, parent_id, _local(o))] + elements
            return [self.shape(o, node_id, label, parent_id, _local(o))]
        return []

    def elements(self, o, node_id, label):
        """A Draft array made with links: each element an instance of the base's mesh, placed as FreeCAD places
        it (getSubObject: the element's matrix relative to the array), under an empty that is the array; None when
        an element is not one object with faces (then the array's own shape is sent, as one mesh)."""
        out = []
        for i in range(len(o.PlacementList)):
            if not groups.element_shown(o, i):
                continue
            leaf, matrix = o.getSubObject("%d." % i, 1, fc.Matrix(), False)
            if leaf is None or groups.is_container(leaf) or groups.is_link(leaf) or not self.has_geometry(leaf):
                return None
            self._reads.add(id(leaf))
            out.append(self.shape(leaf, "%s:%d" % (node_id, i), "%s %d" % (label, i), node_id, _tuple(matrix)))
        return out

    def shape(self, o, node_id, label, parent_id, transform):
        """The node of an object with faces (or of a link to one), its materials, and o queued for meshing."""
        k = id(o)
        looks = self._looks.get(k)
        if looks is None:
            faces = 0 if o.isDerivedFrom("Mesh::Feature") else _faces(o.Shape)
            view = getattr(o, "ViewObject", None)
            seen = colors.view_colors(view)
            mats, slots = colors.object_materials(o.Label, *seen, faces)
            # With the view and what it gave: the document observer does not see colours change in the view, so
            # scene/incremental.py compares them before each send.
            looks = self._looks[k] = (tuple(mats), tuple(slots) if slots is not None else None,
                                      (o, view, seen) if view is not None else None)
        if looks[2] is not None:
            self._reads.add(id(looks[2][1]))
            self._views[k] = looks[2]
        name = o.Name if o.Document.Name == self.doc.Name else "%s#%s" % (o.Document.Name, o.Name)
        self._used[name] = self.sources.setdefault(name, MeshSource(name, o, looks[1], o.Label))
        return Item(node_id, label, parent_id, transform, name, looks[0])

    def link(self, link, node_id, label, parent_id, depth):
        """An App::Link is an instance: a node whose mesh (or whole subtree, for a linked App::Part) reuses the
        target's meshes. FreeCAD composes its placement: getLinkedObject follows chains of links and, asked for a
        matrix, gives the link's Placement, then the target's own where LinkTransform is true (measured in 0.20 and
        1.0 against the link's Shape: with LinkTransform false the target's Placement is replaced, not composed)."""
        target, matrix = link.getLinkedObject(True, fc.Matrix(), True)
        self._read_chain(link, target)
        for array in link.InList:  # an array's element links to what the array links to: a change of it counts
            if groups.is_link_array(array):
                self._reads.add(id(array))
        if target is None or target is link or self.is_reference(target) or depth > LINK_DEPTH:
            return []
        transform = _tuple(matrix)
        if groups.is_container(target):
            return [Item(node_id, label, parent_id, transform)] + self.expand(target, node_id, label, depth)
        if self.has_geometry(target):
            return [self.shape(target, node_id, label, parent_id, transform)]
        return []

    def _read_chain(self, link, target):
        """The links from link to target, and target: a change of any of them changes the link's nodes."""
        x = link
        for _ in range(LINK_DEPTH):
            x = getattr(x, "LinkedObject", None)
            if isinstance(x, tuple):  # (object, sub-element names)
                x = x[0] if x else None
            if x is None or x is target:
                break
            self._reads.add(id(x))
        if target is not None:
            self._reads.add(id(target))

    def expand(self, container, node_id, link_label, depth):
        """The visible contents of a linked container, under the link's node, with ids and labels of their own."""
        out = []
        for o in _descendants(container, self._reads):
            p = self.parent(o)
            parent_id = node_id if p is container else node_id + ":" + safe_id(p.Name)
            out += self.node(o, node_id + ":" + safe_id(o.Name), "%s (%s)" % (o.Label, link_label), parent_id,
                             depth + 1)
        return out


def _tuple(m):
    return (m.A11, m.A12, m.A13, m.A14, m.A21, m.A22, m.A23, m.A24,
            m.A31, m.A32, m.A33, m.A34, m.A41, m.A42, m.A43, m.A44)


def _local(o):
    """FreeCAD placements are already relative to the enclosing App::Part (or Link); groups have none. So a node's
    transform relative to its parent node is its own Placement, or identity."""
    p = getattr(o, "Placement", None)
    return _tuple(p.toMatrix()) if p is not None else IDENTITY


def _parent(o):
    """The nearest container that is sent: a group, an App::Part, or nothing. Features inside a Body are not sent
    (the Body carries the result), so they report the Body as their owner and are skipped."""
    for p in o.InList:
        if groups.is_container(p) and o in groups.members(p):
            return p
    return o.getParentGeoFeatureGroup() if hasattr(o, "getParentGeoFeatureGroup") else None


def _inside_body(o):
    geo = o.getParentGeoFeatureGroup() if hasattr(o, "getParentGeoFeatureGroup") else None
    return geo is not None and geo.isDerivedFrom("PartDesign::Body") and geo is not o


def _descendants(container, reads):
    """What a container shows: its visible members that are not reference geometry nor inside a Body, through
    visible sub-containers. Every member looked at goes in reads (ids): showing one that was hidden changes
    what the container shows."""
    out = []
    for c in groups.members(container):
        reads.add(id(c))
        if _inside_body(c) or is_reference(c) or not groups.shown(c):
            continue
        out.append(c)
        if groups.is_container(c):
            out.extend(_descendants(c, reads))
    return out
