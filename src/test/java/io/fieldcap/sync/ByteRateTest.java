package io.fieldcap.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The bucket on a clock the test moves: what it waits is computed, not timed. */
class ByteRateTest {
  private long now = 1_000_000_000L;
  private long slept;

  private ByteRate rate(long bytesPerSecond) {
    return new ByteRate(bytesPerSecond, () -> now, nanos -> {
      slept += nanos;
      now += nanos;
    });
  }

  @Test
  void givenACap_thenThreeSecondsWorthSentAtOnceWaitsTwo() throws Exception {
    ByteRate r = rate(50_000);
    for (int i = 0; i < 15; i++) {
      r.acquire(10_000); // 150 KB at 50 KB/s: one second's worth at once (the bucket), the rest paced
    }
    assertThat(slept / 1e9).isCloseTo(2.0, within(1e-6));
  }

  @Test
  void aQuietLinkRefillsTheBucketButNeverBeyondOneSecondsWorth() throws Exception {
    ByteRate r = rate(50_000);
    r.acquire(50_000);
    assertThat(slept).isZero();
    now += 10_000_000_000L; // ten quiet seconds
    r.acquire(50_000);
    assertThat(slept).as("one second's worth was back").isZero();
    r.acquire(25_000);
    assertThat(slept / 1e9).as("but no more than that").isCloseTo(0.5, within(1e-6));
  }

  @Test
  void givenNoCap_thenNothingWaits() throws Exception {
    ByteRate r = rate(0);
    for (int i = 0; i < 1000; i++) {
      r.acquire(1 << 20);
    }
    assertThat(slept).isZero();
  }
}
