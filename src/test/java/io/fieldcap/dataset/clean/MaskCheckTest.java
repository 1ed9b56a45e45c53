package io.fieldcap.dataset.clean;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Rle;
import io.fieldcap.store.Frames;
import io.fieldcap.store.StoredFrame;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The label check on semantic masks: a mask must be of its image's size, or it says nothing of which pixel is what. */
class MaskCheckTest {
  private static StoredFrame frame(String id, int w, int h, Rle mask) {
    LabelSet labels = new LabelSet("seg.onnx", List.of(new Detection("road", 0.9, new Box(0, 0, 4, 3), null, mask)));
    return new StoredFrame("cam", id, 1, Instant.parse("2026-11-29T10:00:00Z"), "0".repeat(64), 1, w, h, labels, Map.of(),
        null, Instant.parse("2026-11-29T10:00:01Z"), null, 0, null, null);
  }

  @Test
  void givenAMaskOfAnotherSize_thenItIsAProblemNamingBothSizes() throws Exception {
    Rle mask = Rle.of(3, 4, new int[] {3, 2, 3, 1, 3}, 5);
    Frames frames = action -> {
      action.accept(frame("good", 4, 3, mask));
      action.accept(frame("scaled", 8, 6, mask));
    };
    LabelCheck.Result r = new LabelCheck(0, null).run(frames, null);
    assertThat(r.problems()).extracting(LabelCheck.Problem::frame, LabelCheck.Problem::kind)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("cam/scaled", "mask-size"));
    assertThat(r.problems().get(0).reason()).isEqualTo(
        "the mask of 'road' is 4x3 but the image is 8x6: it does not say which pixels are which");
  }
}
