package io.fieldcap.update;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WatchTest {
  @Test
  void aModelPassesOnlyWithFramesOfItsOwnAndOfThePreviousModelToCompareWith() {
    Watch.Counts before = new Watch.Counts(50, 100, 0);
    assertThat(Watch.unproven(new Watch.Counts(5, 0, 0), before, 20)).isEqualTo("watched on 5 live frames of the 20 it needs");
    assertThat(Watch.unproven(new Watch.Counts(20, 40, 0), before, 20)).isNull();
    assertThat(Watch.unproven(new Watch.Counts(20, 40, 0), new Watch.Counts(3, 6, 0), 20))
        .isEqualTo("the previous model was watched on 3 live frames, fewer than the 20 to compare with");
    assertThat(Watch.unproven(new Watch.Counts(20, 40, 0), new Watch.Counts(3, 0, 0), 20))
        .as("a previous model that found nothing gives no rate to hold the new one to").isNull();
    assertThat(Watch.unproven(new Watch.Counts(20, 40, 0), null, 20)).as("no previous model").isNull();
    // and the verdict still catches a collapse once both have their frames
    assertThat(Watch.verdict(new Watch.Counts(20, 0, 0), before, 20, 0.1)).startsWith("the detection rate collapsed");
  }
}
