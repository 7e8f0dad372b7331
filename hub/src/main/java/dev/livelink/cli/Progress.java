package dev.livelink.cli;

import java.io.PrintWriter;

/** A one-line progress bar on the error stream, redrawn in place with carriage returns. */
final class Progress {
  private final PrintWriter err;
  private final String label;
  private int lastPercent = -1;

  Progress(PrintWriter err, String label) {
    this.err = err;
    this.label = label;
  }

  void update(long done, long total) {
    int pct = total == 0 ? 100 : (int) (100 * done / total);
    if (pct == lastPercent) {
      return;
    }
    lastPercent = pct;
    int filled = pct / 4;
    err.printf("\r%s [%s%s] %3d%% %d/%d MB", label, "#".repeat(filled), " ".repeat(25 - filled), pct,
        done >> 20, total >> 20);
    err.flush();
  }

  void done() {
    if (lastPercent >= 0) {
      err.println();
    }
  }
}
