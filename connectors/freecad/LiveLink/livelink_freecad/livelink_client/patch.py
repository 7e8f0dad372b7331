"""The next version of a scene as what changed since the one this client last published (docs/protocol.md,
"Publishing what changed"): nodes added or replaced, ids removed, header fields that changed. Pure: no HTTP.

Nodes are compared by identity first, then by equality, so a connector that keeps the dicts of unchanged parts
pays one lookup for each; a node dict must therefore not be changed in place once it was sent (build a new one)."""
from dataclasses import dataclass

# The scene's fields besides its nodes that a patch may change; absent from a patch = as in its base.
HEADER = ("name", "source", "units", "up")


@dataclass(frozen=True)
class Sent:
    """What this client published of one scene: the version the hub stored, its header fields, its nodes (the
    caller's own dicts, in order) and each node id's place among them."""
    version: int
    header: tuple
    nodes: tuple
    at: dict


def remember(scene, version, previous=None):
    """The Sent for `scene` stored as `version`. `previous`'s index is reused when the ids are the same, in order."""
    nodes = tuple(scene["nodes"])
    at = previous.at if previous is not None and _same_ids(previous.nodes, nodes) else \
        {n.get("id"): i for i, n in enumerate(nodes)}
    return Sent(version, tuple(scene.get(k) for k in HEADER), nodes, at)


def _same_ids(old, new):
    if len(old) != len(new):
        return False
    for o, n in zip(old, new):
        if o is not n and o.get("id") != n.get("id"):
            return False
    return True


def changes(sent, scene):
    """The body of POST /v1/scenes/{id}/versions that makes `scene` of `sent`, or None when a patch cannot say it
    (a node that changed place, a new node before an old one, a header field dropped) or is not smaller (every
    node changed). The hub appends new nodes after the base's, so only that order is a patch."""
    nodes = scene["nodes"]
    old, at = sent.nodes, sent.at
    upsert = []
    last = -1
    kept = 0
    added = False
    for n in nodes:
        i = at.get(n.get("id"))
        if i is None:
            if n.get("id") is None:
                return None  # the whole publish names the problem
            added = True
            upsert.append(n)
            continue
        if added or i <= last:
            return None
        last = i
        kept += 1
        o = old[i]
        if o is not n and o != n:
            upsert.append(n)
    if len(upsert) >= len(nodes):
        return None
    remove = []
    if kept < len(old):
        ids = {n.get("id") for n in nodes}
        remove = [o.get("id") for o in old if o.get("id") not in ids]
    body = {"base": sent.version, "upsert": upsert, "remove": remove}
    for k, was in zip(HEADER, sent.header):
        now = scene.get(k)
        if now != was:
            if now is None:
                return None  # absent means "as before" in a patch, but the hub's default in a whole publish
            body[k] = now
    return body
