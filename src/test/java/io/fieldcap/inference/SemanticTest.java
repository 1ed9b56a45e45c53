package io.fieldcap.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fieldcap.image.OpenCv;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.RleTest;
import io.fieldcap.testing.TestMedia;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * A semantic segmentation model with a known class map (scripts/make-test-models.py: logits at a
 * quarter of a 128x128 input; in output pixels water is x 4..11, y 4..11 and road y 20..31, x 16..31)
 * on real stills of two shapes, in both resize modes. The expected region of each class is worked
 * out here from the geometry of the resize (a rectangle in the model's input mapped onto the
 * frame), and each mask, decoded by the test's own COCO RLE decoder, must match it with IoU >= 0.99.
 */
class SemanticTest {
  static final int IN = 128;
  static final int OUT = 32;
  static final double[] WATER = {4, 4, 12, 12}; // x0, y0, x1, y1 in output pixels (end exclusive)
  static final double[] ROAD = {16, 20, 32, 32};

  @BeforeAll
  static void opencv() {
    OpenCv.load();
  }

  private static LabelSet run(String image, String resize) throws Exception {
    Mat m = Imgcodecs.imread(TestMedia.samples().resolve(image).toString());
    byte[] bgr = new byte[(int) (m.total() * 3)];
    m.get(0, 0, bgr);
    try (OnnxDetector d = OnnxDetector.open(new OnnxDetector.Options(DecodingTest.model("semantic.onnx"), null, List.of(),
        null, 0.25f, 0.45f, "cpu", 1, resize, null, 0, 0.5f, 0, 0, 0))) {
      assertThat(d.info().family()).isEqualTo(ModelFamily.SEMANTIC);
      assertThat(d.info().names()).containsExactly("background", "road", "water");
      return d.detect(m.cols(), m.rows(), bgr);
    }
  }

  /** The frame pixels whose centres fall inside {@code r} (output pixels) once mapped through the resize. */
  private static byte[] expected(double[] r, int w, int h, boolean stretch) {
    double sx;
    double sy;
    double px = 0;
    double py = 0;
    if (stretch) {
      sx = (double) IN / w;
      sy = (double) IN / h;
    } else {
      double s = Math.min((double) IN / w, (double) IN / h);
      sx = s;
      sy = s;
      px = Math.round((IN - Math.round(w * s)) / 2.0 - 0.1);
      py = Math.round((IN - Math.round(h * s)) / 2.0 - 0.1);
    }
    double k = (double) IN / OUT;
    byte[] out = new byte[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double mx = ((x + 0.5) * sx + px) / k;
        double my = ((y + 0.5) * sy + py) / k;
        if (mx >= r[0] && mx < r[2] && my >= r[1] && my < r[3]) {
          out[y * w + x] = 1;
        }
      }
    }
    return out;
  }

  private static void check(String image, int w, int h, String resize) throws Exception {
    LabelSet l = run(image, resize);
    Map<String, Detection> by = l.detections().stream().collect(Collectors.toMap(Detection::label, Function.identity()));
    assertThat(by).containsOnlyKeys("background", "road", "water");
    boolean stretch = resize.equals("stretch");
    for (String c : new String[] {"water", "road"}) {
      Detection d = by.get(c);
      assertThat(d.mask().size()).containsExactly(h, w);
      byte[] got = RleTest.decodeCoco(h, w, d.mask().counts());
      byte[] want = expected(c.equals("water") ? WATER : ROAD, w, h, stretch);
      assertThat(io.fieldcap.model.RleTest.iou(got, want)).as(c + " on " + image + ", " + resize).isGreaterThanOrEqualTo(0.99);
      assertThat(d.box().x()).isCloseTo(bounds(want, w, h)[0], within(1.0));
      assertThat(d.box().y()).isCloseTo(bounds(want, w, h)[1], within(1.0));
    }
    // every pixel has exactly one class
    long total = l.detections().stream().mapToLong(d -> d.mask().area()).sum();
    assertThat(total).isEqualTo((long) w * h);
    // softmax of logits 5 against 2 and 0: the road's pixels are certain, about 0.94
    assertThat(by.get("road").score()).isCloseTo(Math.exp(5) / (Math.exp(5) + Math.exp(2) + 1), within(0.002));
  }

  private static double[] bounds(byte[] m, int w, int h) {
    int minX = w;
    int minY = h;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (m[y * w + x] != 0) {
          minX = Math.min(minX, x);
          minY = Math.min(minY, y);
        }
      }
    }
    return new double[] {minX, minY};
  }

  @Test
  void classMapsComeBackOntoWideAndTallFramesInBothResizeModes() throws Exception {
    check("HappyFish.jpg", 259, 194, "stretch");
    check("HappyFish.jpg", 259, 194, "letterbox");
    check("building.jpg", 868, 600, "stretch");
    check("building.jpg", 868, 600, "letterbox");
  }

  @Test
  void specksUnderMinAreaAreDroppedAndTheRestKept() throws Exception {
    Mat m = Imgcodecs.imread(TestMedia.samples().resolve("HappyFish.jpg").toString());
    byte[] bgr = new byte[(int) (m.total() * 3)];
    m.get(0, 0, bgr);
    // water covers about 65 x 49 pixels of this frame when stretched: 4000 drops it, 1000 keeps it
    for (int minArea : new int[] {1000, 4000}) {
      try (OnnxDetector d = OnnxDetector.open(new OnnxDetector.Options(DecodingTest.model("semantic.onnx"), null,
          List.of(), null, 0.25f, 0.45f, "cpu", 1, "stretch", null, minArea, 0.5f, 0, 0, 0))) {
        LabelSet l = d.detect(m.cols(), m.rows(), bgr);
        assertThat(l.detections().stream().map(Detection::label).toList()).as("min-area " + minArea)
            .isEqualTo(minArea == 1000 ? java.util.List.of("background", "road", "water") : java.util.List.of("background", "road"));
        assertThat(d.meanMargin()).isBetween(0.0, 1.0);
      }
    }
  }
}
