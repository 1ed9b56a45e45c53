package io.fieldcap.capture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrameBuffersTest {
  @Test
  void anArrayGivenBackIsTakenAgainAndCounted() {
    FrameBuffers b = new FrameBuffers(2);
    byte[] first = b.take(12);
    assertThat(b.take(12)).isNotSameAs(first);
    b.give(first);
    assertThat(b.free()).isEqualTo(1);
    assertThat(b.take(12)).isSameAs(first);
    assertThat(b.allocated()).isEqualTo(2);
    assertThat(b.reused()).isEqualTo(1);
  }

  @Test
  void arraysOfAnotherSizeAreDroppedWhenTheSourceSizeChanges() {
    FrameBuffers b = new FrameBuffers(4);
    b.give(new byte[12]);
    b.give(new byte[12]);
    byte[] bigger = b.take(27);
    assertThat(bigger).hasSize(27);
    assertThat(b.free()).as("the old size is gone").isZero();
    assertThat(b.reused()).isZero();
  }

  @Test
  void moreThanItKeepsIsLeftToTheCollectorAndNoneKeepsNothing() {
    FrameBuffers b = new FrameBuffers(1);
    b.give(new byte[3]);
    b.give(new byte[3]);
    b.give(null);
    assertThat(b.free()).isEqualTo(1);
    FrameBuffers.NONE.give(new byte[3]);
    assertThat(FrameBuffers.NONE.free()).isZero();
    assertThat(FrameBuffers.NONE.take(3)).hasSize(3);
  }
}
