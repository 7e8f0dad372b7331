"""The add-on's pure logic: delta -> plan, units and axes, the main-thread receiver over a Host. No bpy, no
network: tests run it in plain Python."""
