package io.fieldcap.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldcap.store.StoredFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SplitsTest {
  private static StoredFrame frame(String device, Instant at) {
    return new StoredFrame(device, "f", 0, at, "sha", 1, 4, 4, null, null, null, at);
  }

  private static List<StoredFrame> frames(int devices, int hours, Instant start) {
    List<StoredFrame> out = new ArrayList<>();
    for (int d = 0; d < devices; d++) {
      for (int s = 0; s < hours * 3600; s += 30) {
        out.add(frame("cam-" + d, start.plusSeconds(s)));
      }
    }
    return out;
  }

  @Test
  void givenTheSameSeed_thenTheSameAssignmentAndFramesAddedLaterLeaveEarlierOnesAlone() {
    Splits s = Splits.parse("train=0.8,val=0.1,test=0.1", 7, Duration.ofMinutes(10));
    Instant t0 = Instant.parse("2026-11-29T00:00:00Z");
    List<StoredFrame> first = frames(5, 48, t0);
    Map<StoredFrame, String> before = new HashMap<>();
    first.forEach(f -> before.put(f, s.of(f)));
    Splits again = Splits.parse("train=0.8,val=0.1,test=0.1", 7, Duration.ofMinutes(10));
    frames(8, 72, t0).forEach(again::of); // more devices and days arrive
    first.forEach(f -> assertThat(again.of(f)).isEqualTo(before.get(f)));
    Splits other = Splits.parse("train=0.8,val=0.1,test=0.1", 8, Duration.ofMinutes(10));
    assertThat(first.stream().filter(f -> !other.of(f).equals(before.get(f))).count()).as("another seed, another draw")
        .isPositive();
  }

  @Test
  void givenGroups_thenNoGroupStraddlesTwoSplitsAndTheFractionsAreRoughlyKept() {
    Splits s = Splits.parse("train=0.7,val=0.2,test=0.1", 1, Duration.ofMinutes(10));
    List<StoredFrame> all = frames(6, 96, Instant.parse("2026-11-29T00:00:00Z"));
    Map<String, String> groupSplit = new HashMap<>();
    Map<String, Integer> count = new HashMap<>();
    for (StoredFrame f : all) {
      String split = s.of(f);
      String previous = groupSplit.putIfAbsent(s.group(f), split);
      assertThat(previous == null || previous.equals(split)).as("group " + s.group(f)).isTrue();
      count.merge(split, 1, Integer::sum);
    }
    assertThat(groupSplit).hasSize(6 * 96 * 6); // 10-minute windows
    assertThat(count.get("train") / (double) all.size()).isBetween(0.65, 0.75);
    assertThat(count.get("val") / (double) all.size()).isBetween(0.16, 0.24);
    assertThat(count.get("test") / (double) all.size()).isBetween(0.07, 0.13);
  }

  @Test
  void givenBadSpecs_thenTheMessageSaysWhatIsWrong() {
    Duration w = Duration.ofMinutes(10);
    assertThatThrownBy(() -> Splits.parse("train=0.8,val=0.3", 0, w)).hasMessageContaining("add up to 1.1");
    assertThatThrownBy(() -> Splits.parse("train=0.8,holdout=0.2", 0, w)).hasMessageContaining("'holdout=0.2' is not NAME=FRACTION");
    assertThatThrownBy(() -> Splits.parse("train=most", 0, w)).hasMessageContaining("'most' is not a number");
    assertThatThrownBy(() -> Splits.parse("train=1", 0, Duration.ZERO)).hasMessageContaining("--group-window must be positive");
  }
}
