"""The add-on's pure logic: delta -> plan, units and axes, the main-thread receiver over a Host; the scene a send
builds and the main-thread sender over a SendHost. No bpy, no network: tests run it in plain Python."""
