package io.fieldcap.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeviceThrottleTest {
  @Test
  void givenADeviceOverItsBudget_thenItsExtraMessagesAreDroppedUntilTheBudgetRefillsAndOthersAreNotAffected() {
    AtomicLong now = new AtomicLong();
    DeviceThrottle t = new DeviceThrottle(100, 1_000_000, now::get);
    int admitted = 0;
    for (int i = 0; i < 1000; i++) {
      admitted += t.admit("flood", 100) ? 1 : 0;
    }
    assertThat(admitted).as("one second's worth of messages").isEqualTo(100);
    assertThat(t.admit("calm", 100)).isTrue();
    now.addAndGet(500_000_000L); // half a second later: half the budget back
    admitted = 0;
    for (int i = 0; i < 1000; i++) {
      admitted += t.admit("flood", 100) ? 1 : 0;
    }
    assertThat(admitted).isEqualTo(50);
    now.addAndGet(1_000_000_000L);
    assertThat(t.admit("flood", 600_000)).isTrue();
    assertThat(t.admit("flood", 600_000)).as("over the byte budget").isFalse();
    assertThat(t.dropped()).isEqualTo(900 + 950 + 1);
  }

  @Test
  void givenAMessageLargerThanASecondsBytes_thenItStillPassesWhenTheBucketIsFull() {
    DeviceThrottle t = new DeviceThrottle(0, 1000, new AtomicLong()::get);
    assertThat(t.admit("d", 5000)).isTrue();
    assertThat(t.admit("d", 10)).isFalse();
  }
}
