package io.fieldcap.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fieldcap.config.SpoolConfig.WhenFull;
import io.fieldcap.model.FrameId;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool writer's fsyncs do not hold the lock that sync's calls need. */
class SpoolLockTest {
  @TempDir
  Path dir;

  private static boolean inSlowFsync(Thread t) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().endsWith("SlowDisk")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void syncTakesAcksAndRequeuesWhileAGroupCommitWaitsOnTheDisk() throws Exception {
    Instant t0 = Instant.parse("2026-12-06T10:00:00Z");
    try (Spool s = Spool.open(dir, Long.MAX_VALUE, 0, WhenFull.REJECT_NEW, InstantSource.system(), () -> Long.MAX_VALUE)) {
      long seq = s.nextSequence();
      s.put(new SpoolEntry(FrameId.of(t0, seq), seq, t0, 4, 3, new byte[] {1, 2, 3}, null, 0, "all", null));
      AtomicReference<Throwable> failed = new AtomicReference<>();
      Thread writer;
      System.setProperty("fieldcap.slow-fsync", "hold"); // the next put waits in its first fsync until released
      try {
        long next = s.nextSequence();
        writer = new Thread(() -> {
          try {
            s.put(new SpoolEntry(FrameId.of(t0.plusSeconds(1), next), next, t0.plusSeconds(1), 4, 3, new byte[] {4, 5, 6},
                null, 0, "all", null));
          } catch (Throwable e) {
            failed.set(e);
          }
        }, "writer");
        writer.start();
        while (!inSlowFsync(writer)) {
          assertThat(writer.isAlive()).as("the put reaches its first fsync").isTrue();
          Thread.sleep(5);
        }
        // the writer is inside an fsync now; every call sync makes must go through without it (a call
        // blocked on the writer's lock would wait for ever: the guard turns that into a failure)
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
          List<PendingFrame> taken = s.takePending(10);
          assertThat(taken).hasSize(1);
          assertThat(s.requeue(taken.get(0).id())).isEqualTo(1);
          taken = s.takePending(10);
          assertThat(s.acked(taken.get(0).id(), false)).isTrue();
          assertThat(s.stats().acked()).isEqualTo(1);
        }, "sync's calls waited on the writer's fsync");
        assertThat(inSlowFsync(writer)).as("all of that happened while the put was still in its fsync").isTrue();
      } finally {
        System.clearProperty("fieldcap.slow-fsync");
      }
      writer.join(); // released: the fsyncs go on, then the commit
      assertThat(failed.get()).isNull();
      assertThat(s.takePending(10)).as("the second frame, committed after its fsyncs").hasSize(1);
    }
  }
}
