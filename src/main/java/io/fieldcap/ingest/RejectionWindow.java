package io.fieldcap.ingest;

/** Per device: rejections answered this second, and when the last log line was written. */
final class RejectionWindow {
  record Verdict(boolean answer, boolean log, long suppressed) {}

  private long secondStart;
  private int answered;
  private long lastLog;
  private long suppressed;

  synchronized Verdict admit(long now) {
    if (now - secondStart >= 1_000_000_000L) {
      secondStart = now;
      answered = 0;
    }
    boolean answer = answered++ < Ingest.REJECTIONS_PER_SECOND;
    boolean logIt = lastLog == 0 || now - lastLog >= 10_000_000_000L;
    long s = suppressed;
    if (logIt) {
      lastLog = now;
      suppressed = 0;
    } else {
      suppressed++;
    }
    return new Verdict(answer, logIt, logIt ? s : 0);
  }
}
