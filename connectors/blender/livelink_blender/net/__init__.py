"""The add-on's network side: the hub session and the fetch worker. No bpy; talks to the main thread only
through the typed messages of logic.messages."""
