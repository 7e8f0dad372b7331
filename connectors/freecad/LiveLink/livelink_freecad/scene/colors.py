"""FreeCAD colours to livelink materials. Pure Python.

FreeCAD colours are display (sRGB-encoded) values; livelink materials are linear, so each channel is decoded.
FreeCAD 0.20 stores transparency, not opacity: ShapeColor's 4th value and DiffuseColor's 4th value are 0 for
opaque, and the object's Transparency property is a percentage.
"""


def srgb_to_linear(c):
    c = min(max(float(c), 0.0), 1.0)
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def material(name, rgb, alpha):
    return {"name": name, "color": [round(srgb_to_linear(rgb[0]), 5), round(srgb_to_linear(rgb[1]), 5),
                                    round(srgb_to_linear(rgb[2]), 5), round(min(max(alpha, 0.0), 1.0), 4)],
            "metallic": 0.0, "roughness": 0.5}


def object_materials(label, shape_color, transparency_percent, face_colors, face_count):
    """Materials of one object and, with per-face colours, each face's material slot.

    Returns (materials, slots) where slots is None when the whole object has one colour, else a list with one
    material index per face. Faces of equal colour share a material.
    """
    alpha = 1.0 - float(transparency_percent or 0) / 100.0
    base = material(label, shape_color[:3], alpha)
    if not face_colors or len(face_colors) != face_count or len(set(map(tuple, face_colors))) <= 1:
        if face_colors and len(face_colors) == face_count:
            c = face_colors[0]
            return [material(label, c[:3], min(alpha, 1.0 - (c[3] if len(c) > 3 else 0.0)))], None
        return [base], None
    mats, slots, index = [], [], {}
    for c in face_colors:
        key = tuple(round(x, 4) for x in c)
        if key not in index:
            index[key] = len(mats)
            a = min(alpha, 1.0 - (c[3] if len(c) > 3 else 0.0))
            mats.append(material("%s.%d" % (label, len(mats)), c[:3], a))
        slots.append(index[key])
    return mats, slots
