"""What the Report view says about a send: (text, is_error) lines from a SendResult, and the one line naming the
objects left out. Pure Python."""
from .net.sender import ACK_TIMEOUT_S, NotSent


def describe(result):
    """One line per receiver (applied, or its reason for failing), one per receiver that did not answer; or why
    nothing was sent; or that no Blender is connected and the version waits on the hub."""
    name = result.job.scene.get("name")
    if isinstance(result, NotSent):
        return [("Could not send %s: %s" % (name, result.error), True)]
    if not result.targets:
        return [("No Blender is connected to livelink: %s (v%d) is kept on the hub and will appear in Blender "
                 "when one connects with the Live Link add-on." % (name, result.version), True)]
    lines = []
    for a in result.acks:
        app = "%s %s" % (a.app or "Blender", ".".join(a.app_version.split(".")[:2]))
        document = a.document or "?"
        if a.ok:
            t = a.timings or {}
            lines.append((
                "Sent %d objects to %s (%s): applied in %.0f ms; %d new mesh(es), %.0f KB "
                "(FreeCAD %.0f ms, hub %.0f ms, Blender fetch %.0f + wait %.0f + build %.0f ms)" % (
                    result.job.objects, app, document, result.elapsed_ms, result.uploaded,
                    result.uploaded_bytes / 1024.0, result.job.prepare_ms, result.network_ms,
                    t.get("fetch_ms", 0), t.get("pickup_ms", 0), t.get("build_ms", 0)), False))
        else:
            lines.append(("%s (%s) could not apply %s: %s" % (app, document, name, a.reason or "no reason given"),
                          True))
    lines += [("%s did not answer within %.0f s" % (p, ACK_TIMEOUT_S), True) for p in result.pending]
    return lines


def skipped(failures):
    """One line for every object that could not be meshed: failures are (label, name, reason)."""
    n = len(failures)
    return "skipped %d object%s that could not be meshed: %s" % (
        n, "" if n == 1 else "s", "; ".join("%s (%s): %s" % f for f in failures))
