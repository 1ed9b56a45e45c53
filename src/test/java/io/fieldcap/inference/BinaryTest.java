package io.fieldcap.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fieldcap.image.OpenCv;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.RleTest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Binary segmentation (model.format: binary) with models whose input size is dynamic
 * (scripts/make-test-models.py: red minus blue, times 4, as probabilities or as logits): a red
 * rectangle on grey must come back as one mask of the configured class, at the input size asked for.
 */
class BinaryTest {
  private static final int W = 200;
  private static final int H = 100;
  private static final int[] RED = {40, 20, 120, 60}; // x0, y0, x1, y1, end exclusive

  @BeforeAll
  static void opencv() {
    OpenCv.load();
  }

  /** Grey with a pure red rectangle, BGR. */
  private static byte[] frame() {
    byte[] bgr = new byte[W * H * 3];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        boolean red = x >= RED[0] && x < RED[2] && y >= RED[1] && y < RED[3];
        int i = (y * W + x) * 3;
        bgr[i] = (byte) (red ? 0 : 128);
        bgr[i + 1] = (byte) (red ? 0 : 128);
        bgr[i + 2] = (byte) (red ? 255 : 128);
      }
    }
    return bgr;
  }

  private static OnnxDetector open(String model, List<String> classes, float threshold, float unclip, int w, int h)
      throws ModelException {
    return OnnxDetector.open(new OnnxDetector.Options(DecodingTest.model(model), null, classes, null, 0.25f, 0.45f, "cpu",
        1, null, "unit", 0, threshold, unclip, w, h));
  }

  private static LabelSet run(String model, float threshold, float unclip) throws Exception {
    try (OnnxDetector d = open(model, List.of("red"), threshold, unclip, 100, 50)) {
      assertThat(d.info().family()).isEqualTo(ModelFamily.BINARY);
      assertThat(d.info().inputWidth()).isEqualTo(100);
      assertThat(d.info().inputHeight()).isEqualTo(50);
      return d.detect(W, H, frame());
    }
  }

  private static byte[] mask(Detection d) {
    return RleTest.decodeCoco(H, W, d.mask().counts());
  }

  @Test
  void aProbabilityMapBecomesOneMaskOfTheNamedClassWhereTheProbabilityReachesTheThreshold() throws Exception {
    LabelSet l = run("binary.onnx", 0.7f, 0);
    assertThat(l.detections()).hasSize(1);
    Detection red = l.detections().get(0);
    assertThat(red.label()).isEqualTo("red");
    assertThat(red.score()).isCloseTo(1 / (1 + Math.exp(-4)), within(0.01)); // the rectangle's probability
    byte[] truth = RleTest.rect(W, H, RED[0], RED[1], RED[2], RED[3]);
    assertThat(RleTest.iou(mask(red), truth)).isGreaterThanOrEqualTo(0.95);
    assertThat(red.box().x()).isCloseTo(RED[0], within(2.0));
    assertThat(red.box().w()).isCloseTo(RED[2] - RED[0], within(4.0));
    // |2p - 1|: 0.964 on the rectangle (16 % of the frame), 0 on the grey (p = 0.5)
    assertThat(l.margin()).isCloseTo(0.16 * (2 / (1 + Math.exp(-4)) - 1), within(0.01));
  }

  @Test
  void logitsAreTakenThroughASigmoidSoTheThresholdMeansTheSame() throws Exception {
    Detection probabilities = run("binary.onnx", 0.7f, 0).detections().get(0);
    Detection logits = run("binary-logits.onnx", 0.7f, 0).detections().get(0);
    assertThat(mask(logits)).isEqualTo(mask(probabilities));
    assertThat(logits.score()).isCloseTo(probabilities.score(), within(0.002));
  }

  @Test
  void aThresholdAboveEveryPixelGivesNoMaskAndOneBelowTheGreyGivesTheWholeFrame() throws Exception {
    assertThat(run("binary.onnx", 0.99f, 0).detections()).isEmpty();
    Detection all = run("binary.onnx", 0.4f, 0).detections().get(0);
    assertThat(all.mask().area()).isEqualTo((long) W * H);
  }

  @Test
  void unclipGrowsEachRegionByItsAreaTimesTheRatioOverItsPerimeter() throws Exception {
    byte[] plain = mask(run("binary.onnx", 0.7f, 0).detections().get(0));
    byte[] grown = mask(run("binary.onnx", 0.7f, 1.5f).detections().get(0));
    long plainArea = count(plain);
    long grownArea = count(grown);
    for (int i = 0; i < plain.length; i++) {
      assertThat(grown[i] >= plain[i]).as("pixel %d stays in the mask", i).isTrue();
    }
    // in the 100x50 map the rectangle is 40x20: area 800, perimeter 120, grown by 800 * 1.5 / 120 = 10 map pixels,
    // 20 frame pixels each way (the map is half the frame): 120 x 80 less the rounded corners, about 9,500 pixels
    assertThat(plainArea).isCloseTo(3200L, within(200L));
    assertThat(grownArea).isBetween(9000L, 9700L);
  }

  @Test
  void classesAndInputSizesAreCheckedAgainstTheModel() throws Exception {
    Path model = DecodingTest.model("binary.onnx");
    assertThatThrownBy(() -> open("binary.onnx", List.of("crack", "water"), 0.5f, 0, 64, 64))
        .isInstanceOf(ModelException.class)
        .hasMessage("the class list [crack, water] has 2 names but model " + model
            + " has 1 classes (a binary segmentation map is one class)");
    Path fixed = DecodingTest.model("semantic.onnx");
    assertThatThrownBy(() -> OnnxDetector.open(new OnnxDetector.Options(fixed, null, List.of(), null, 0.25f, 0.45f, "cpu",
        1, null, null, 0, 0.5f, 0, 320, 240))).isInstanceOf(ModelException.class)
        .hasMessage("model " + fixed + " takes a fixed 128x128 input; an input size of 320x240 does not fit it "
            + "(input sizes are for models whose input size is dynamic)");
    try (OnnxDetector d = open("binary.onnx", List.of(), 0.5f, 0, 0, 0)) {
      assertThat(d.info().names()).as("a binary model without names finds 'foreground'").containsExactly("foreground");
      assertThat(d.info().inputWidth()).as("a dynamic input without a size or metadata runs at 640x640").isEqualTo(640);
    }
  }

  private static long count(byte[] m) {
    long n = 0;
    for (byte b : m) {
      n += b;
    }
    return n;
  }
}
