package io.fieldcap.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldcap.protocol.Manifest;
import io.fieldcap.protocol.ProtocolException;
import io.fieldcap.protocol.RejectReason;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TransfersTest {
  private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  private static Manifest manifest(String device, long n, long bytes) {
    return new Manifest(1, "20261129T100000000Z-" + String.format("%012d", n), device, Instant.EPOCH, n, SHA, bytes,
        16384, Manifest.chunkCount(bytes, 16384), "image/jpeg", 4, 4, null, null);
  }

  @Test
  void givenLimits_thenTransfersAreRefusedPerDeviceOverallAndForDiskAndReleasedWhenClosed() throws Exception {
    AtomicLong free = new AtomicLong(10_000_000);
    Transfers t = new Transfers(1000, 2500, 100, free::get);
    t.open(manifest("a", 1, 600), 0);
    assertThatThrownBy(() -> t.open(manifest("a", 2, 600), 0)).isInstanceOfSatisfying(ProtocolException.class, e -> {
      assertThat(e.reason()).isEqualTo(RejectReason.STAGING_FULL);
      assertThat(e.getMessage()).contains("device 'a' already has 600 bytes", "limit of 1000 per device");
      assertThat(e.sha256()).isEqualTo(SHA);
    });
    t.open(manifest("a", 1, 600), 0); // the same manifest again is the same transfer, not a second reservation
    t.open(manifest("b", 3, 1000), 0);
    assertThatThrownBy(() -> t.open(manifest("c", 4, 1000), 0)).hasMessageContaining("over its limit of 2500");
    free.set(900);
    assertThatThrownBy(() -> t.open(manifest("c", 4, 850), 0)).hasMessageContaining("keeps 100 free");
    free.set(10_000_000);
    t.close(new Transfers.Key("a", manifest("a", 1, 600).frameId()));
    assertThat(t.stagedBytes()).isEqualTo(1000);
    t.open(manifest("a", 2, 600), 0);
    assertThat(t.count()).isEqualTo(2);
  }

  @Test
  void givenChunksInAnyOrder_thenCompletionIsSeenOnceAndEachIndexIsLookedUpAtMostOnce() throws Exception {
    Transfers t = new Transfers(1L << 40, 1L << 40, 0, () -> Long.MAX_VALUE);
    Manifest m = manifest("a", 1, 4096L * 16384);
    Transfers.Transfer tr = t.open(m, 0);
    tr.present(java.util.stream.IntStream.range(0, m.chunks()).boxed().toList(), 0);
    AtomicInteger lookups = new AtomicInteger();
    int completions = 0;
    for (int i = m.chunks() - 1; i >= 0; i--) { // backwards: the worst order for a forward scan
      tr.received(i, 1);
      if (tr.complete(k -> {
        lookups.incrementAndGet();
        return false;
      })) {
        completions++;
      }
    }
    assertThat(completions).isEqualTo(1);
    assertThat(lookups.get()).as("one failed look per chunk at most, not a rescan").isLessThanOrEqualTo(m.chunks());
  }

  @Test
  void givenChunksPutByAnotherServer_thenTheyCountTowardsCompletion() throws Exception {
    Transfers t = new Transfers(1L << 40, 1L << 40, 0, () -> Long.MAX_VALUE);
    Manifest m = manifest("a", 1, 3 * 16384);
    Transfers.Transfer tr = t.open(m, 0);
    tr.present(List.of(0, 1, 2), 0);
    tr.received(2, 1);
    assertThat(tr.complete(k -> k == 0)).isFalse();
    assertThat(tr.complete(k -> k <= 1)).isTrue();
    assertThat(t.idleSince(1)).isEmpty();
    assertThat(t.idleSince(2)).hasSize(1);
  }
}
