package io.fieldcap.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteRateTest {
  @Test
  void givenACap_thenSendingThreeSecondsWorthTakesAtLeastTwo() throws Exception {
    ByteRate r = new ByteRate(50_000);
    long t0 = System.nanoTime();
    for (int i = 0; i < 15; i++) {
      r.acquire(10_000); // 150 KB at 50 KB/s: one second's worth at once, the rest paced
    }
    assertThat((System.nanoTime() - t0) / 1e9).isGreaterThanOrEqualTo(1.95);
  }

  @Test
  void givenNoCap_thenNothingWaits() throws Exception {
    ByteRate r = new ByteRate(0);
    long t0 = System.nanoTime();
    for (int i = 0; i < 1000; i++) {
      r.acquire(1 << 20);
    }
    assertThat((System.nanoTime() - t0) / 1e9).isLessThan(0.5);
  }
}
