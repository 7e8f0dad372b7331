package dev.livelink.federation;

import dev.livelink.runtime.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Versions waiting to go out to NATS, oldest first, in memory and on disk ({@code federation/outbox/<seq>.msg}, the
 * message's JSON). A version is written here before the publish that made it is answered, and removed once
 * JetStream acknowledged it: one published while NATS is away, or when the hub stops before it went out, goes at
 * the next chance. Thread-safe.
 *
 * <p>The write is not fsync'd on the publish's path: the version itself is, in the store, and a second fsync there
 * cost ~5-10 ms per edit. A hub that crashes keeps the file (it is in the page cache); a power cut can lose it only
 * while it is being sent, since entries that have to wait (NATS away, others ahead of them) are fsync'd by the
 * sending thread ({@link #secure}). JetStream's own file store, by default, syncs every two minutes.
 */
final class Outbox {
  /** One waiting version: its file, and the message. */
  record Item(Path file, VersionMessage message) {}

  private final Path dir;
  private final ArrayDeque<Item> items = new ArrayDeque<>();
  /** Files written and not yet fsync'd. */
  private final Set<Path> unsynced = new LinkedHashSet<>();
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
      for (Path f : found) {
        String name = f.getFileName().toString();
        next = Math.max(next, Long.parseLong(name.substring(0, name.length() - 4)) + 1);
        try {
          items.add(new Item(f, VersionMessage.decode(Files.readAllBytes(f))));
          unsynced.add(f); // a hub that crashed left it in the page cache, perhaps not on disk yet
        } catch (IOException | FederationException e) {
          System.err.println("livelink: outbox file " + f + " is unreadable, dropped: " + e.getMessage());
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException | NumberFormatException e) {
      throw new FederationException("cannot read the outbox " + dir + ": " + e.getMessage(), e);
    }
  }

  /** On the publishing request's thread: written (not fsync'd, see the class comment) and queued. */
  void add(VersionMessage m) {
    byte[] json = m.json();
    synchronized (this) {
      Path f = dir.resolve(String.format("%019d.msg", next++));
      try {
        Path tmp = Files.createTempFile(dir, AtomicFiles.TEMP_PREFIX, "");
        try {
          Files.write(tmp, json);
          Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
          Files.deleteIfExists(tmp);
        }
      } catch (IOException e) {
        throw new FederationException("cannot write to the outbox " + dir + ": " + e.getMessage(), e);
      }
      items.add(new Item(f, m));
      unsynced.add(f);
    }
  }

  /** The oldest waiting version, or null. */
  synchronized Item peek() {
    return items.peek();
  }

  /** The version went out (or can never go): forgotten. */
  void remove(Item item) {
    synchronized (this) {
      items.remove(item);
      unsynced.remove(item.file());
    }
    try {
      Files.deleteIfExists(item.file());
    } catch (IOException e) {
      System.err.println("livelink: could not delete outbox file " + item.file() + ": " + e.getMessage());
    }
  }

  synchronized int size() {
    return items.size();
  }

  /** Makes the waiting entries durable, except {@code sending} (null: all); on the sending thread. */
  void secure(Item sending) {
    List<Path> todo;
    synchronized (this) {
      todo = new ArrayList<>(unsynced);
      if (sending != null) {
        todo.remove(sending.file());
      }
      if (todo.isEmpty()) {
        return;
      }
      unsynced.removeAll(todo);
    }
    try {
      for (Path f : todo) {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
          ch.force(true);
        } catch (NoSuchFileException e) {
          // Sent and removed meanwhile.
        }
      }
      AtomicFiles.syncDirectory(dir);
    } catch (IOException e) {
      System.err.println("livelink: could not sync the outbox " + dir + ": " + e.getMessage());
    }
  }
}
