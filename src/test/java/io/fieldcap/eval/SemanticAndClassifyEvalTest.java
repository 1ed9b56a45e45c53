package io.fieldcap.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Rle;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The semantic and classification figures on cases worked by hand. */
class SemanticAndClassifyEvalTest {
  private static Detection mask(String label, int... runs) {
    return new Detection(label, 1.0, new Box(0, 0, 2, 2), null, Rle.of(2, 2, runs, runs.length));
  }

  @Test
  void semanticFiguresAreTheConfusionOfPixels() {
    SemanticEval e = new SemanticEval(List.of("road", "sky", "water"));
    // 2x2, column by column: the labels say road on pixels 0-1, sky on 2-3; the model says road on 0-2, sky on 3
    e.add(new LabelSet("gt", List.of(mask("road", 0, 2, 2), mask("sky", 2, 2))),
        new LabelSet("m", List.of(mask("road", 0, 3, 1), mask("sky", 3, 1))), 2, 2);
    // a frame labelled only on pixel 0 (road), where the model says water: the other pixels are not counted
    e.add(new LabelSet("gt", List.of(mask("road", 0, 1, 3))), new LabelSet("m", List.of(mask("water", 0, 4))), 2, 2);
    Map<String, Object> f = e.figures();
    // road: 2 right, 1 wrong (water); sky: 1 right, 1 predicted road; water: predicted once, never labelled
    double road = 2.0 / (3 + 3 - 2);
    double sky = 1.0 / (2 + 1 - 1);
    double water = 0.0 / (0 + 1 - 0);
    assertThat((Double) f.get("mIoU")).isCloseTo((road + sky + water) / 3, offset(1e-6));
    assertThat((Double) f.get("pixelAccuracy")).isCloseTo(3.0 / 5, offset(1e-6));
    assertThat((Double) f.get("fwIoU")).isCloseTo(3.0 / 5 * road + 2.0 / 5 * sky, offset(1e-6));
    assertThat(((Map<?, ?>) ((Map<?, ?>) f.get("perClass")).get("road")).get("pixels")).isEqualTo(3L);
  }

  @Test
  void classificationIsTopOneAndTopFiveWithPrecisionAndRecall() {
    ClassifyEval e = new ClassifyEval(List.of("cat", "dog", "fox"));
    e.add(new LabelSet("gt", List.of(new Detection("cat", 1.0, null))),
        new LabelSet("m", List.of(new Detection("dog", 0.1, null), new Detection("cat", 0.9, null))));
    e.add(new LabelSet("gt", List.of(new Detection("dog", 1.0, null))),
        new LabelSet("m", List.of(new Detection("cat", 0.6, null), new Detection("dog", 0.5, null))));
    e.add(new LabelSet("gt", List.of(new Detection("fox", 1.0, null))), new LabelSet("m", List.of()));
    e.add(new LabelSet("gt", List.of(new Detection("car", 1.0, new Box(1, 1, 2, 2)))), null); // no whole-frame label: not counted
    Map<String, Object> f = e.figures();
    assertThat(f.get("frames")).isEqualTo(3L);
    assertThat((Double) f.get("top1")).isCloseTo(1.0 / 3, offset(1e-6));
    assertThat((Double) f.get("top5")).isCloseTo(2.0 / 3, offset(1e-6));
    Map<?, ?> per = (Map<?, ?>) f.get("perClass");
    assertThat(((Map<?, ?>) per.get("cat")).get("precision")).isEqualTo(0.5);
    assertThat(((Map<?, ?>) per.get("cat")).get("recall")).isEqualTo(1.0);
    assertThat(((Map<?, ?>) per.get("dog")).get("precision")).isEqualTo(-1.0);
    assertThat(((Map<?, ?>) per.get("dog")).get("recall")).isEqualTo(0.0);
    assertThat(((long[][]) f.get("confusion"))[2][3]).as("fox: no answer").isEqualTo(1);
  }
}
