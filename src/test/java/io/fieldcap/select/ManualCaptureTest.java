package io.fieldcap.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManualCaptureTest {
  @TempDir Path tmp;

  @Test
  void givenAFloodOfRequests_thenAtMostTenWaitAndTheRestAreRefusedUntilTheRateAllows() throws Exception {
    AtomicLong now = new AtomicLong(1);
    ManualCapture m = new ManualCapture(now::get);
    int accepted = 0;
    for (int i = 0; i < 1000; i++) {
      accepted += m.request("t" + i) ? 1 : 0;
    }
    assertThat(accepted).isEqualTo(ManualCapture.MAX_WAITING);
    assertThat(m.refused()).isEqualTo(990);
    assertThat(m.take()).isEqualTo("manual:t0");
    assertThat(m.request("late")).as("a place is free, but no token yet").isFalse();
    now.addAndGet(1_000_000_000L);
    assertThat(m.request("x".repeat(500))).as("one a second").isTrue();
    for (int i = 0; i < 9; i++) {
      m.take();
    }
    assertThat(m.take()).as("tags are cut to 64 characters").isEqualTo("manual:" + "x".repeat(64));
    assertThat(m.take()).isNull();
  }

  @Test
  void givenManyRequestFiles_thenAPollReadsABoundedNumberAndOversizedFilesAreDropped() throws Exception {
    Path req = Files.createDirectories(tmp.resolve("requests"));
    for (int i = 0; i < 150; i++) {
      ManualCapture.writeRequest(req, "tag" + i);
    }
    Files.write(req.resolve("huge.json"), new byte[100_000]);
    ManualCapture m = new ManualCapture(new AtomicLong()::get);
    m.poll(req);
    m.poll(req);
    try (var left = Files.list(req)) {
      assertThat(left.count()).as("two polls of at most 100 files each emptied the folder").isZero();
    }
    assertThat(m.refused()).isEqualTo(140);
  }
}
