"""Where a received object keeps who it is: properties in the group "LiveLink", saved in the .FCStd. Pure Python
(objects are read by duck typing).

LiveLinkScene  the scene id                LiveLinkId     the node id ("" on the scene's root App::Part)
LiveLinkName   the object's own Name when it was made: a copy the user made (Ctrl+C/V copies properties) has
               another Name, so it is the user's object, neither updated by the link nor kept from being sent
LiveLinkLabel  the Label the link last gave: when the Label differs, the user renamed it and the link leaves it
LiveLinkNode   the node as last applied (JSON): parent, transform, mesh, materials, for the next delta
LiveLinkVersion  on the root App::Part: the scene version the document holds
"""
SCENE, ID, NAME, LABEL, NODE, VERSION = ("LiveLinkScene", "LiveLinkId", "LiveLinkName", "LiveLinkLabel",
                                         "LiveLinkNode", "LiveLinkVersion")
GROUP = "LiveLink"


def received(o):
    """Whether the link made this object (and it is not a user's copy of one): it is never sent back to Blender."""
    return isinstance(getattr(o, SCENE, None), str) and getattr(o, NAME, None) == o.Name


def is_root(o, scene=None):
    """The App::Part that holds a received scene (the one made by the link, not a copy)."""
    return received(o) and getattr(o, ID, None) == "" and (scene is None or getattr(o, SCENE) == scene)
