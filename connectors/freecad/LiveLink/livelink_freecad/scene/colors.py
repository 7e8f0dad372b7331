"""FreeCAD colours to livelink materials. Pure Python: view objects are read by duck typing, so the unit tests hand
in fakes shaped like each FreeCAD version's.

FreeCAD colours are display (sRGB-encoded) values; livelink materials are linear, so each channel is decoded, and
their alpha is opacity. Where FreeCAD keeps an object's colours depends on its version:

- 0.20: ShapeColor and Transparency (a percentage) for the whole object; DiffuseColor per face, whose 4th value is
  transparency (0 opaque).
- 1.0 and later: ShapeAppearance, a list of App::Material (one, or one per face). RGB from its DiffuseColor,
  transparency from its Transparency (0..1). The 4th value of DiffuseColor and of ShapeColor is not used: measured in
  FreeCAD 1.0.0 it is 0 or 1 whatever the transparency (it follows the last property set), and 1.0.2 and 1.1 made
  the legacy DiffuseColor's 4th value opacity instead of transparency. The material's Transparency means the same in
  all of them and is what the 3D view draws.
"""

DEFAULT_COLOR = (0.8, 0.8, 0.8, 1.0)  # FreeCAD's default grey, opaque: what freecadcmd (no view objects) gets


def srgb_to_linear(c):
    c = min(max(float(c), 0.0), 1.0)
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def material(name, rgba):
    """A livelink material from a FreeCAD colour (sRGB RGB, alpha = opacity)."""
    r, g, b, a = rgba
    return {"name": name, "color": [round(srgb_to_linear(r), 5), round(srgb_to_linear(g), 5),
                                    round(srgb_to_linear(b), 5), round(min(max(a, 0.0), 1.0), 4)],
            "metallic": 0.0, "roughness": 0.5}


def view_colors(view):
    """(colour, face colours) of an object's view object, each RGBA with alpha = opacity. face colours is None, or
    the list FreeCAD keeps per face (its length is checked against the face count by object_materials)."""
    if view is None:
        return DEFAULT_COLOR, None
    appearance = getattr(view, "ShapeAppearance", None)
    if appearance:
        colors = [_rgb(m.DiffuseColor) + (1.0 - float(m.Transparency),) for m in appearance]
        return colors[0], colors if len(colors) > 1 else None
    alpha = 1.0 - float(getattr(view, "Transparency", 0) or 0) / 100.0
    base = _rgb(getattr(view, "ShapeColor", DEFAULT_COLOR)) + (alpha,)
    faces = [_rgb(c) + (min(alpha, 1.0 - (float(c[3]) if len(c) > 3 else 0.0)),)
             for c in getattr(view, "DiffuseColor", None) or ()]
    return base, faces or None


def _rgb(color):
    return tuple(float(x) for x in tuple(color)[:3])


def object_materials(label, color, face_colors, face_count):
    """Materials of one object and, with per-face colours, each face's material slot.

    Returns (materials, slots): slots is None when the whole object has one colour, else one material index per face.
    Face colours count only when there is one per face (FreeCAD's view ignores them otherwise); faces of equal colour
    share a material.
    """
    if not face_colors or len(face_colors) != face_count:
        return [material(label, color)], None
    if len({_key(c) for c in face_colors}) == 1:
        return [material(label, face_colors[0])], None
    mats, slots, index = [], [], {}
    for c in face_colors:
        key = _key(c)
        if key not in index:
            index[key] = len(mats)
            mats.append(material("%s.%d" % (label, len(mats)), c))
        slots.append(index[key])
    return mats, slots


def _key(rgba):
    return tuple(round(x, 4) for x in rgba)
