"""Which FreeCAD objects hold others, and how what they hold is placed and shown: App::Parts and groups, BIM's
plain groups, link groups and link arrays. Read by duck typing, as scene/document.py reads objects."""


def is_container(o):
    # App::Part includes Assembly::AssemblyObject (1.0); DocumentObjectGroup includes its JointGroup.
    return (o.isDerivedFrom("App::Part") or o.isDerivedFrom("App::DocumentObjectGroup") or plain_group(o)
            or holds_elements(o))


def holds_elements(o):
    """An App::LinkGroup (Std_LinkMakeGroup) or a link array: what it shows are its ElementList's objects, placed
    relative to it, each shown as it says rather than by the object's own Visibility."""
    return o.isDerivedFrom("App::LinkGroup") or is_link_array(o)


def is_link_array(o):
    """An App::Link with ElementCount: its elements (App::LinkElement objects of the document, in its ElementList)
    are the instances, placed relative to it; the link itself is the empty above them (it links to nothing
    FreeCAD shows on its own)."""
    return o.isDerivedFrom("App::Link") and (getattr(o, "ElementCount", 0) or 0) > 0


def placement_list(o):
    """The element placements of a Draft array made with links (a link extension, no element objects), or None."""
    has = getattr(o, "hasExtension", None)
    if has is None or not has("App::LinkBaseExtension") or getattr(o, "ElementList", None):
        return None
    return getattr(o, "PlacementList", None) or None


def shown(o):
    """Whether o itself shows. An element of a link group or array is hidden as an object (the group shows it) and
    shown or not as the group's VisibilityList says."""
    holder = next((p for p in o.InList if holds_elements(p) and o in (getattr(p, "ElementList", None) or ())), None)
    if holder is not None:
        return element_shown(holder, list(holder.ElementList).index(o))
    return bool(o.Visibility)


def element_shown(holder, i):
    """Whether element i of a link group or array shows, as its VisibilityList says (shown when the list is short)."""
    flags = list(getattr(holder, "VisibilityList", ()) or ())
    return i >= len(flags) or bool(flags[i])


def members(p):
    """What a container holds: its Group, or a link group's or array's elements."""
    return getattr(p, "Group", None) or getattr(p, "ElementList", None) or []


def plain_group(o):
    """A placed object that groups others which FreeCAD shows on their own: BIM's BuildingPart (a level, a
    building) and Site. A BuildingPart's Shape is the compound of its members, which its view does not show:
    sent, it showed the building twice in Blender (and its tessellation took half of the BIM example's send).
    Not a Body nor an App::Part (their group places its members: GeoFeatureGroupExtension), nor a Draft Layer (not
    placed: an App::FeaturePython, whose members belong to their own containers)."""
    has = getattr(o, "hasExtension", None)
    return (has is not None and o.isDerivedFrom("App::GeoFeature") and has("App::GroupExtension")
            and not has("App::GeoFeatureGroupExtension"))


def is_link(o):
    return o.isDerivedFrom("App::Link") or o.isDerivedFrom("App::LinkElement")
