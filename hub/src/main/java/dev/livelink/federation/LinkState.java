package dev.livelink.federation;

import java.time.Duration;

/** What the workers of a {@link NatsLink} wait on and report to. */
interface LinkState {
  /** The open space, waiting until there is one; null once the link closed. */
  Space awaitSpace() throws InterruptedException;

  /** Waits for a change of the link's state, or {@code d}, before trying again. */
  void pause(Duration d) throws InterruptedException;

  /** Records (for the status) and logs a problem. */
  void problem(String message);
}
