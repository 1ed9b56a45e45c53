package io.fieldcap.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelRulesTest {
  private static LabelSet one(Detection d) {
    return new LabelSet("model.onnx", List.of(d));
  }

  @Test
  void labelsEveryFormatCanWritePass() {
    Rle mask = Rle.of(4, 6, new int[] {10, 4, 10}, 3);
    assertThat(LabelRules.problem(new LabelSet("m.onnx", List.of(new Detection("car]]>", 0.5, new Box(1, 1, 2, 2)),
        new Detection("Fußgänger 🚶", 1.0, new Box(0, 0, 6, 4), null, mask)), "abc"), 6, 4)).isNull();
    assertThat(LabelRules.problem(null, 6, 4)).isNull();
    assertThat(LabelRules.tagsProblem(Map.of("tags", Map.of("site", "north gate")))).isNull();
  }

  @Test
  void eachProblemIsNamedWithTheDetectionItIsIn() {
    assertThat(LabelRules.problem(one(new Detection("car\u0007", 0.5, new Box(1, 1, 2, 2))), 6, 4))
        .isEqualTo("labels.detections[0]: class 'car\\u0007' contains a control character (U+0007) at 3");
    assertThat(LabelRules.problem(one(new Detection("", 0.5, new Box(1, 1, 2, 2))), 6, 4)).contains("class is empty");
    assertThat(LabelRules.problem(one(new Detection("x".repeat(200), 0.5, new Box(1, 1, 2, 2))), 6, 4))
        .contains("200 characters, more than 128");
    assertThat(LabelRules.problem(one(new Detection("a\uD800", 0.5, new Box(1, 1, 2, 2))), 6, 4)).contains("broken UTF-16");
    assertThat(LabelRules.problem(one(new Detection("car", 0.5, new Box(Double.POSITIVE_INFINITY, 1, 2, 2))), 6, 4))
        .contains("box of 'car' is not finite");
    Rle huge = new Rle(List.of(60000, 60000), "0");
    assertThat(LabelRules.problem(one(new Detection("road", 0.9, new Box(0, 0, 6, 4), null, huge)), 512, 512))
        .contains("mask of 'road' is 60000x60000 on a frame of 512x512");
    Rle short_ = Rle.of(4, 6, new int[] {10, 4}, 2);
    assertThat(LabelRules.problem(one(new Detection("road", 0.9, new Box(0, 0, 6, 4), null, short_)), 6, 4))
        .contains("runs covering 14 pixels, not the frame's 24");
    assertThat(LabelRules.problem(new LabelSet("m\nx", List.of()), 6, 4)).startsWith("labels.model 'm\\u000Ax'");
    assertThat(LabelRules.tagsProblem(Map.of("tags", Map.of("site", "north\u0000")))).contains("meta.tags: tag site");
  }
}
