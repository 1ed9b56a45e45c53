package io.fieldcap.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeviceLanesTest {
  @Test
  void givenADeviceWhoseWorkIsStuck_thenOtherDevicesWorkGoesOnInOrder() throws Exception {
    try (DeviceLanes lanes = new DeviceLanes(2, 100, 1000)) {
      CountDownLatch release = new CountDownLatch(1);
      lanes.submit("slow", () -> {
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      List<Integer> done = new CopyOnWriteArrayList<>();
      CountDownLatch all = new CountDownLatch(50);
      for (int i = 0; i < 50; i++) {
        int n = i;
        lanes.submit("fast", () -> {
          done.add(n);
          all.countDown();
        });
      }
      assertThat(all.await(5, TimeUnit.SECONDS)).as("fast device's work done while slow is stuck").isTrue();
      assertThat(done).as("in arrival order").isSorted().hasSize(50);
      release.countDown();
    }
  }

  @Test
  void whenADevicesLaneRunsDry_thenItIsToldOnItsLaneAfterAllItsWorkAndNeverDuringIt() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean busy = new java.util.concurrent.atomic.AtomicBoolean();
    CountDownLatch told = new CountDownLatch(1);
    try (DeviceLanes lanes = new DeviceLanes(2, 100, 1000, device -> {
      events.add((busy.get() ? "overlap " : "idle ") + device);
      told.countDown();
    })) {
      for (int i = 0; i < 40; i++) { // more than a lane runs in one turn
        int n = i;
        lanes.submit("cam", () -> {
          busy.set(true);
          events.add("task " + n);
          busy.set(false);
        });
      }
      assertThat(told.await(5, TimeUnit.SECONDS)).isTrue();
      Thread.sleep(100);
    }
    assertThat(events).doesNotContain("overlap cam").contains("idle cam");
    assertThat(events.lastIndexOf("idle cam")).as("the last word comes after the last task").isGreaterThan(events.indexOf("task 39"));
  }

  @Test
  void givenADeviceWithTooMuchWaiting_thenItsExtraMessagesAreDroppedAndCountedNotOthers() throws Exception {
    try (DeviceLanes lanes = new DeviceLanes(1, 3, 1000)) {
      CountDownLatch release = new CountDownLatch(1);
      lanes.submit("flood", () -> {
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      Thread.sleep(100); // the first task is running; three more may wait
      int accepted = 0;
      for (int i = 0; i < 10; i++) {
        accepted += lanes.submit("flood", () -> {}) ? 1 : 0;
      }
      assertThat(accepted).isEqualTo(3);
      assertThat(lanes.dropped()).isEqualTo(7);
      assertThat(lanes.submit("calm", () -> {})).isTrue();
      release.countDown();
    }
  }
}
