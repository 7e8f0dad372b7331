# Builds the "ten times the document" FreeCAD documents: an assembly of N parts in nested App::Parts, most of them
# identical fasteners (App::Link to a few originals), one part in five unique, in the spirit of
# shared/bench/make_models.py. Deterministic: the same N gives the same document (but for FreeCAD's dates and UUIDs).
# Run: MODELS_DIR=/tmp/big BIG_SIZES=410,1000,2000,4000 freecadcmd bench/make_big_model.py
# Out: $MODELS_DIR/big<N>.FCStd and big<N>.json (what the document holds, and the triangles FreeCAD's 3D view will
# make of it at its default Deviation 0.2 % and angular deflection 28.65 deg, which is what the Mod sends).
#
# Structure, for every N (parts = objects Blender shows with a mesh):
#   Assembly (App::Part)
#     Library (App::Part): the 12 fastener originals (4 bolts, 4 nuts, 4 washers), visible, so that the Mod meshes
#       them from the 3D view as it does the others
#     Module<m> (App::Part, 400 parts) > Unit<m>_<u> (App::Part, 80) > Sub<m>_<u>_<s> (App::Part, 20)
#       in each Sub: 4 unique parts (gear, plate, shaft, flange: Part::Feature, each a mesh of its own) and
#       16 fasteners (App::Link to an original, placed around them)
#   Sub0_0_0 also holds Box (Part::Box), the part the benchmark edits.
# Leaves are 4 App::Parts deep. 4000 parts: 2.27 M triangles shown; the Mod sends one mesh per original and per
# unique part (811 meshes, 0.5 M triangles).
import json
import math
import os

import FreeCAD as App
import MeshPart
import Part

V = App.Vector
OUT = os.environ.get("MODELS_DIR", "/tmp/big")
SIZES = [int(s) for s in os.environ.get("BIG_SIZES", "410,1000,2000,4000").split(",") if s.strip()]
SUB, UNIT, MODULE = 20, 4, 5  # parts per Sub; Subs per Unit; Units per Module
UNIQUE_EVERY = 5  # one part in five is unique
# FreeCAD 0.20's view triangulation (ViewProviderPartExt): deflection = bounding box sides / 300 * Deviation.
VIEW_DEVIATION, VIEW_ANGLE = 0.2, math.radians(28.65)

# ---- shapes --------------------------------------------------------------------------------------------------------


def bolt(d, length, grooves):
    """A hex bolt whose shaft carries ring grooves, standing in for a modelled thread (revolved profile)."""
    profile = [V(0, 0, 0), V(d / 2, 0, 0)]
    step = length / (2 * grooves)
    for k in range(grooves):
        profile += [V(d / 2 * 0.85, 0, (2 * k + 1) * step), V(d / 2, 0, (2 * k + 2) * step)]
    profile += [V(0, 0, length), V(0, 0, 0)]
    shaft = Part.Face(Part.makePolygon(profile)).revolve(V(0, 0, 0), V(0, 0, 1), 360)
    head = hexagon(d * 0.9).extrude(V(0, 0, d * 0.65))
    head.translate(V(0, 0, length))
    return shaft.fuse(head).removeSplitter()


def nut(d):
    body = hexagon(d * 0.9).extrude(V(0, 0, d * 0.8))
    return body.cut(Part.makeCylinder(d / 2, d * 0.8))


def washer(d):
    return Part.makeCylinder(d, d * 0.2).cut(Part.makeCylinder(d * 0.55, d * 0.2))


def hexagon(r):
    pts = [V(r * math.cos(math.pi / 3 * i), r * math.sin(math.pi / 3 * i), 0) for i in range(7)]
    return Part.Face(Part.makePolygon(pts))


def gear(r, teeth, thickness):
    pts = []
    for i in range(teeth):
        a, da = 2 * math.pi * i / teeth, 2 * math.pi / teeth
        for f, rr in ((0, r), (0.15, r * 1.12), (0.45, r * 1.12), (0.6, r)):
            pts.append(V(rr * math.cos(a + f * da), rr * math.sin(a + f * da), 0))
    pts.append(pts[0])
    body = Part.Face(Part.makePolygon(pts)).extrude(V(0, 0, thickness))
    return body.cut(Part.makeCylinder(r * 0.3, thickness))


def plate(length, width, thickness, holes):
    body = Part.makeBox(length, width, thickness)
    cut = None
    for k in range(holes):
        c = Part.makeCylinder(width * 0.12, thickness, V(length * (k + 0.5) / holes, width * (0.3 + 0.4 * (k % 2)), 0))
        cut = c if cut is None else cut.fuse(c)
    return body.cut(cut)


def shaft(r, length, steps):
    profile, z = [V(0, 0, 0)], 0.0
    for k in range(steps):
        rr = r * (1.0 - 0.08 * (k % 4))
        profile += [V(rr, 0, z), V(rr, 0, z + length / steps)]
        z += length / steps
    profile += [V(0, 0, z), V(0, 0, 0)]
    return Part.Face(Part.makePolygon(profile)).revolve(V(0, 0, 0), V(0, 0, 1), 360)


def flange(r, thickness, bolts):
    body = Part.makeCylinder(r, thickness).fuse(Part.makeCylinder(r * 0.45, thickness * 3))
    cut = Part.makeCylinder(r * 0.25, thickness * 3)
    for k in range(bolts):
        a = 2 * math.pi * k / bolts
        cut = cut.fuse(Part.makeCylinder(r * 0.08, thickness, V(r * 0.75 * math.cos(a), r * 0.75 * math.sin(a), 0)))
    return body.cut(cut).removeSplitter()


# The originals every fastener links to: (name, shape), M6..M12; a fastener is a bolt, its nut and two washers.
SIZES_MM = (6, 8, 10, 12)
ORIGINALS = [("BoltM%d" % d, lambda d=d, g=g: bolt(d, d * 3, g)) for d, g in zip(SIZES_MM, (1, 1, 2, 2))] + \
            [("NutM%d" % d, lambda d=d: nut(d)) for d in SIZES_MM] + \
            [("WasherM%d" % d, lambda d=d: washer(d)) for d in SIZES_MM]
KIND_OF_FASTENER = (0, 1, 2, 2)  # bolt, nut, washer, washer: index into ORIGINALS by fours


def unique_shape(i):
    """The i-th unique part: a kind in turn, its sizes from i so that no two are the same mesh."""
    kind, v = i % 4, i // 4
    if kind == 0:
        return "Gear", gear(20 + (v % 13) * 3, 12 + (v * 7) % 20, 8 + (v % 5) * 2 + v * 0.001)
    if kind == 1:
        return "Plate", plate(120 + (v % 11) * 10, 60 + (v % 7) * 5, 6 + v * 0.001, 2 + v % 5)
    if kind == 2:
        return "Shaft", shaft(10 + (v % 9), 150 + (v % 17) * 10 + v * 0.001, 3 + v % 5)
    return "Flange", flange(40 + (v % 10) * 4, 8 + v * 0.001, 3 + v % 4)


# ---- the document --------------------------------------------------------------------------------------------------


def view_triangles(shape):
    b = shape.BoundBox
    deflection = (b.XLength + b.YLength + b.ZLength) / 300.0 * VIEW_DEVIATION
    return MeshPart.meshFromShape(Shape=shape, LinearDeflection=deflection, AngularDeflection=VIEW_ANGLE,
                                  Relative=False).CountFacets


def container(doc, name, parent, x, y):
    p = doc.addObject("App::Part", name)
    p.Placement.Base = V(x, y, 0)
    if parent is not None:
        parent.addObject(p)
    return p


def build(n):
    """The N-part document; returns (doc, facts)."""
    doc = App.newDocument("big%d" % n)
    asm = container(doc, "Assembly", None, 0, 0)
    library = container(doc, "Library", asm, -2000, 0)
    originals, tris = [], {}
    for k, (name, make) in enumerate(ORIGINALS):
        o = doc.addObject("Part::Feature", name)
        o.Shape = make()
        o.Placement.Base = V(k * 100, 0, 0)
        library.addObject(o)
        originals.append(o)
        tris[name] = view_triangles(o.Shape)
    rest = n - len(ORIGINALS) - 1  # less the originals and the Box
    shown = sum(tris.values())
    unique = links = unique_tris = 0
    subs = {}

    def sub_of(j):
        """The Sub holding the j-th part, made on first use (with its Unit and Module)."""
        s = j // SUB
        if s not in subs:
            u, m = s // UNIT, s // (UNIT * MODULE)
            mod = subs.get(("m", m)) or container(doc, "Module%d" % m, asm, (m % 4) * 4000, (m // 4) * 4000)
            subs[("m", m)] = mod
            unit = subs.get(("u", u)) or container(doc, "Unit%d_%d" % (m, u % MODULE), mod, (u % MODULE) * 700, 0)
            subs[("u", u)] = unit
            subs[s] = container(doc, "Sub%d_%d_%d" % (m, u % MODULE, s % UNIT), unit, 0, (s % UNIT) * 700)
        return subs[s]

    for j in range(rest):
        sub = sub_of(j)
        x, y = (j % SUB % 5) * 120, (j % SUB // 5) * 120
        if j % UNIQUE_EVERY == 0:
            kind, shape = unique_shape(unique)
            o = doc.addObject("Part::Feature", "%s%04d" % (kind, unique))
            o.Shape = shape
            t = view_triangles(shape)
            unique += 1
            unique_tris += t
        else:
            size = (links // 4 + j // SUB) % len(SIZES_MM)
            original = originals[KIND_OF_FASTENER[links % 4] * len(SIZES_MM) + size]
            o = doc.addObject("App::Link", "Fastener%05d" % links)
            o.LinkedObject = original
            t = tris[original.Name]
            links += 1
        o.Placement = App.Placement(V(x, y, 0), App.Rotation(V(0, 0, 1), (j * 37) % 360))
        sub.addObject(o)
        shown += t
    box = doc.addObject("Part::Box", "Box")
    box.Length, box.Width, box.Height = 100, 50, 25
    box.Placement.Base = V(0, -150, 0)
    sub_of(0).addObject(box)
    shown += 12
    doc.recompute()
    sent = sum(tris.values()) + unique_tris + 12
    facts = {"parts": n, "unique": unique + 1, "fastener_links": links, "originals": len(originals),
             "app_parts": sum(1 for o in doc.Objects if o.TypeId == "App::Part"), "objects": len(doc.Objects),
             "triangles_shown": shown, "triangles_meshed": sent, "depth": 4}
    return doc, facts


def main():
    os.makedirs(OUT, exist_ok=True)
    for n in SIZES:
        if n < 50:
            raise SystemExit("make_big_model: a size must be at least 50 parts, not %d" % n)
        doc, facts = build(n)
        path = os.path.join(OUT, "big%d.FCStd" % n)
        doc.saveAs(path)
        App.closeDocument(doc.Name)
        with open(os.path.join(OUT, "big%d.json" % n), "w") as f:
            json.dump(facts, f, indent=1)
        print("wrote", path, json.dumps(facts), flush=True)


main()
