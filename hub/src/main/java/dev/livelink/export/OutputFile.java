package dev.livelink.export;

/**
 * One file of an export: a name relative to the folder it goes in, and its bytes. Writers list data files first and
 * the main file last, so a caller that writes them in order (each to a temp name, then renamed) never lets a watcher
 * of the folder open a main file whose data is not there yet.
 */
public record OutputFile(String name, byte[] bytes) {}
