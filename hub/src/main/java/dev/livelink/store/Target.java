package dev.livelink.store;

/** A targeted peer as it was when the version was published, so a restarted peer can be recognised. */
public record Target(String peer, String app, String document) {}
