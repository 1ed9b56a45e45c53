package io.fieldcap.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.config.SpoolConfig.WhenFull;
import io.fieldcap.model.Fix;
import io.fieldcap.model.Frame;
import io.fieldcap.spool.Spool;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureSinkTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  @TempDir
  Path dir;

  private static Frame frame(long seq) {
    return new Frame(seq, T0.plusSeconds(seq), 4, 4, new byte[48], null);
  }

  @Test
  void aLiveSourceNeverWaitsAFullQueueDropsTheNewestFrameAndCountsIt() throws Exception {
    try (Spool spool = Spool.open(dir, Long.MAX_VALUE, 0, WhenFull.REJECT_NEW, InstantSource.system())) {
      BlockingQueue<Frame> q = new ArrayBlockingQueue<>(1);
      Fix here = new Fix(47.5, 8.25, 400, T0);
      CaptureSink sink = new CaptureSink(q, true, () -> here, spool);
      sink.accept(frame(1));
      sink.accept(frame(2)); // returns at once: the queue is full
      spool.flush();
      assertThat(spool.stats().dropped()).isEqualTo(1);
      Frame queued = q.take();
      assertThat(queued.seq()).as("the older frame stays, the newest is dropped").isEqualTo(1);
      assertThat(queued.position()).as("stamped with where the device was when it was taken").isEqualTo(here);
    }
  }

  @Test
  void aFolderWaitsForRoomAndLosesNothing() throws Exception {
    try (Spool spool = Spool.open(dir, Long.MAX_VALUE, 0, WhenFull.REJECT_NEW, InstantSource.system())) {
      BlockingQueue<Frame> q = new ArrayBlockingQueue<>(1);
      CaptureSink sink = new CaptureSink(q, false, () -> null, spool);
      sink.accept(frame(1));
      Thread producer = new Thread(() -> sink.accept(frame(2)));
      producer.start();
      while (producer.getState() != Thread.State.WAITING) {
        assertThat(producer.isAlive()).as("the second frame waits for room").isTrue();
        Thread.sleep(1);
      }
      assertThat(q.take().seq()).isEqualTo(1);
      producer.join();
      assertThat(q.take().seq()).isEqualTo(2);
      spool.flush();
      assertThat(spool.stats().dropped()).isZero();
    }
  }
}
