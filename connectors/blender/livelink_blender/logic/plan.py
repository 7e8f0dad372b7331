"""Delta -> plan lives in the shared client (livelink_client.plan), which the FreeCAD Mod plans with too."""
from ..livelink_client.plan import ALL_FIELDS, Create, Plan, Remove, Update, delta_meshes, make_plan  # noqa: F401
