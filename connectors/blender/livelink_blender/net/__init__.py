"""The add-on's network side: the hub session, the fetch worker and the send worker. No bpy; talks to the main
thread only through the typed messages of logic.messages."""
