package io.fieldcap.faults;

/**
 * A slow disk, for tests: with the system property {@code fieldcap.slow-fsync=MS}, every fsync the
 * spool makes of an image or a folder first waits that many milliseconds, as on a worn SD card; with
 * {@code hold}, it waits until the property is changed or cleared (a test holds a write in its fsync
 * for as long as it needs). Read at each call, so a test can switch it on and off; without the
 * property it is a property lookup.
 */
public final class SlowDisk {
  private SlowDisk() {}

  /** Waits the configured time, if any, before an fsync. */
  public static void beforeFsync() {
    String ms = System.getProperty("fieldcap.slow-fsync");
    if (ms == null) {
      return;
    }
    try {
      if (ms.equals("hold")) {
        while ("hold".equals(System.getProperty("fieldcap.slow-fsync"))) {
          Thread.sleep(5);
        }
        return;
      }
      Thread.sleep(Long.parseLong(ms));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
