package dev.livelink.federation;

import dev.livelink.runtime.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Versions waiting to go out to NATS, on disk ({@code federation/outbox/<seq>.msg}, each fsync'd), oldest first.
 * A version is written here before the publish that made it is answered, and removed once JetStream acknowledged
 * it: a version published while NATS is away, or when the hub stops before it went out, goes at the next chance.
 * Thread-safe.
 */
final class Outbox {
  /** One waiting message: its file, and its bytes. */
  record Item(Path file, byte[] data) {}

  private final Path dir;
  private final ArrayDeque<Path> files = new ArrayDeque<>();
  private long next;

  Outbox(Path dir) {
    this.dir = dir;
    try {
      AtomicFiles.createDirectories(dir);
      List<Path> found = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.msg")) {
        ds.forEach(found::add);
      }
      Collections.sort(found); // zero-padded sequence numbers: name order is send order
      files.addAll(found);
      if (!found.isEmpty()) {
        String last = found.get(found.size() - 1).getFileName().toString();
        next = Long.parseLong(last.substring(0, last.length() - 4)) + 1;
      }
    } catch (IOException | NumberFormatException e) {
      throw new FederationException("cannot read the outbox " + dir + ": " + e.getMessage(), e);
    }
  }

  synchronized void add(byte[] message) {
    Path f = dir.resolve(String.format("%019d.msg", next++));
    try {
      AtomicFiles.write(f, message, true);
    } catch (IOException e) {
      throw new FederationException("cannot write to the outbox " + dir + ": " + e.getMessage(), e);
    }
    files.add(f);
  }

  /** The oldest waiting message, or null. */
  synchronized Item peek() {
    while (!files.isEmpty()) {
      Path f = files.peek();
      try {
        return new Item(f, Files.readAllBytes(f));
      } catch (IOException e) {
        System.err.println("livelink: outbox file " + f + " is unreadable, dropped: " + e.getMessage());
        files.poll();
      }
    }
    return null;
  }

  /** The message went out (or can never go): forgotten. */
  synchronized void remove(Item item) {
    files.remove(item.file());
    try {
      Files.deleteIfExists(item.file());
    } catch (IOException e) {
      System.err.println("livelink: could not delete outbox file " + item.file() + ": " + e.getMessage());
    }
  }

  synchronized int size() {
    return files.size();
  }
}
