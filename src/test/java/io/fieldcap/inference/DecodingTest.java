package io.fieldcap.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each YOLO layout through real ONNX Runtime, with models made by scripts/make-test-models.py: their
 * outputs are constants, so the boxes, classes and scores that must come out are known. A 640x480
 * frame is letterboxed into 320x320 (scale 0.5, 40 px of padding top and bottom), so a box at
 * model pixels (80, 80)-(120, 160) is (160, 80) 80x160 in the frame.
 */
class DecodingTest {
  @TempDir Path tmp;

  static Path model(String name) {
    return Path.of("src/test/resources/models", name);
  }

  static OnnxDetector open(String name, ModelFamily family, Path labels) throws ModelException {
    return OnnxDetector.open(new OnnxDetector.Options(model(name), labels, family, 0.25f, 0.45f, "cpu", 1));
  }

  private static LabelSet run(OnnxDetector d) throws ModelException {
    return d.detect(640, 480, new byte[640 * 480 * 3]);
  }

  private static final Detection PERSON = new Detection("person", 0.9, new Box(160, 80, 80, 160));

  @Test
  void yoloV8LayoutIsDetectedDecodedAndSuppressedPerClass() throws Exception {
    try (OnnxDetector d = open("yolov8-detect.onnx", null, null)) {
      assertThat(d.info().family()).isEqualTo(ModelFamily.YOLOV8);
      assertThat(d.info().names()).containsExactly("person", "bicycle", "car");
      assertThat(d.info().inputWidth()).isEqualTo(320);
      List<Detection> got = run(d).detections();
      assertThat(got).hasSize(2); // the near-duplicate person is suppressed, the 0.10 bicycle is under 0.25
      assertThat(got.get(0).label()).isEqualTo("person");
      assertThat(got.get(0).score()).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-6));
      assertThat(got.get(0).box()).isEqualTo(PERSON.box());
      assertThat(got.get(1).label()).isEqualTo("car");
      assertThat(got.get(1).box()).isEqualTo(new Box(440, 290, 120, 60));
      assertThat(got.get(1).score()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @Test
  void segmentationExportsGiveBoxesAndTheOutlineOfEachInstanceMask() throws Exception {
    try (OnnxDetector d = open("yolov8-seg.onnx", null, null)) {
      assertThat(d.info().family()).isEqualTo(ModelFamily.YOLO_SEG);
      assertThat(d.info().names()).containsExactly("person", "bicycle", "car");
      List<Detection> got = run(d).detections();
      assertThat(got).extracting(Detection::label).containsExactly("person", "car");
      assertThat(got.get(0).box()).isEqualTo(PERSON.box());
      // the person's mask is its box: the outline's extent is the box, within the prototypes' 8 px (stride 4 x scale 2)
      assertBounds(got.get(0).polygon(), 160, 80, 240, 240);
      assertBounds(got.get(1).polygon(), 440, 288, 560, 352);
    }
  }

  private static void assertBounds(List<Double> polygon, double x1, double y1, double x2, double y2) {
    assertThat(polygon).isNotNull().hasSizeGreaterThanOrEqualTo(8);
    double minX = Double.MAX_VALUE, minY = Double.MAX_VALUE, maxX = 0, maxY = 0;
    for (int i = 0; i < polygon.size(); i += 2) {
      minX = Math.min(minX, polygon.get(i));
      maxX = Math.max(maxX, polygon.get(i));
      minY = Math.min(minY, polygon.get(i + 1));
      maxY = Math.max(maxY, polygon.get(i + 1));
    }
    org.assertj.core.data.Offset<Double> px = org.assertj.core.data.Offset.offset(8.0);
    assertThat(minX).isCloseTo(x1, px);
    assertThat(minY).isCloseTo(y1, px);
    assertThat(maxX).isCloseTo(x2, px);
    assertThat(maxY).isCloseTo(y2, px);
  }

  @Test
  void yoloV5ScoresAreObjectnessTimesClass() throws Exception {
    try (OnnxDetector d = open("yolov5-detect.onnx", null, null)) {
      assertThat(d.info().family()).isEqualTo(ModelFamily.YOLOV5);
      List<Detection> got = run(d).detections();
      assertThat(got).extracting(Detection::label).containsExactly("person", "car");
      assertThat(got.get(0).score()).isCloseTo(0.81, org.assertj.core.data.Offset.offset(1e-6));
      assertThat(got.get(0).box()).isEqualTo(PERSON.box());
      assertThat(got.get(1).score()).isCloseTo(0.40, org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @Test
  void endToEndExportsAreTakenAsTheyComeAboveTheThreshold() throws Exception {
    try (OnnxDetector d = open("yolo-e2e.onnx", null, null)) {
      assertThat(d.info().family()).isEqualTo(ModelFamily.YOLO_E2E);
      List<Detection> got = run(d).detections();
      assertThat(got).extracting(Detection::label).containsExactly("person", "car");
      assertThat(got.get(0).box()).isEqualTo(PERSON.box());
      assertThat(got.get(1).box()).isEqualTo(new Box(440, 290, 120, 60));
    }
  }

  @Test
  void classifiersGiveAWholeFrameLabel() throws Exception {
    try (OnnxDetector d = open("yolo-cls.onnx", null, null)) {
      assertThat(d.info().family()).isEqualTo(ModelFamily.CLASSIFY);
      assertThat(run(d).detections()).containsExactly(new Detection("bicycle", 0.699999988079071, null));
    }
  }

  @Test
  void aLabelsFileReplacesTheMetadataNamesAndMustMatchTheClassCount() throws Exception {
    Path labels = Files.writeString(tmp.resolve("labels.txt"), "walker\ncyclist\nvehicle\n");
    try (OnnxDetector d = open("yolov8-detect.onnx", null, labels)) {
      assertThat(run(d).detections()).extracting(Detection::label).containsExactly("walker", "vehicle");
    }
    Path wrong = Files.writeString(tmp.resolve("wrong.txt"), "a\nb\n");
    assertThatThrownBy(() -> open("yolov8-detect.onnx", null, wrong)).isInstanceOf(ModelException.class)
        .hasMessage("labels file " + wrong + " has 2 names but model " + model("yolov8-detect.onnx") + " has 3 classes");
  }

  @Test
  void badModelFilesGetClearErrors() throws Exception {
    assertThatThrownBy(() -> OnnxDetector.open(new OnnxDetector.Options(tmp.resolve("none.onnx"), null, null, 0.25f,
        0.45f, "cpu", 1))).hasMessage("model file " + tmp.resolve("none.onnx") + " not found");
    Path text = Files.writeString(tmp.resolve("notes.onnx"), "not a model");
    assertThatThrownBy(() -> OnnxDetector.open(new OnnxDetector.Options(text, null, null, 0.25f, 0.45f, "cpu", 1)))
        .hasMessageStartingWith("model file " + text + " is not a usable ONNX model");
    byte[] real = Files.readAllBytes(model("yolov8-detect.onnx"));
    Path cut = Files.write(tmp.resolve("cut.onnx"), java.util.Arrays.copyOf(real, real.length / 2));
    assertThatThrownBy(() -> OnnxDetector.open(new OnnxDetector.Options(cut, null, null, 0.25f, 0.45f, "cpu", 1)))
        .hasMessageStartingWith("model file " + cut + " is not a usable ONNX model");
    assertThatThrownBy(() -> OnnxDetector.open(new OnnxDetector.Options(model("yolo-cls.onnx"), null, null, 0.25f, 0.45f,
        "tpu", 1))).hasMessageContaining("model.provider 'tpu' is not supported");
  }

  @Test
  void aLayoutOfNoKnownFamilyAsksForModelFormat() {
    assertThatThrownBy(() -> open("unknown-layout.onnx", null, null)).isInstanceOf(ModelException.class)
        .hasMessageContaining("output0[1, 2, 3, 4]")
        .hasMessageContaining("which match no known family; set model.format");
  }

  @Test
  void nmsKeepsTheBestOfOverlappingBoxesOfOneClassOnly() {
    Candidate a = new Candidate(0, 0, 10, 10, 0.9f, 0);
    Candidate b = new Candidate(1, 1, 11, 11, 0.8f, 0);
    Candidate c = new Candidate(1, 1, 11, 11, 0.7f, 1);
    assertThat(Decoders.nms(List.of(b, c, a), 0.45f)).containsExactly(a, c);
    assertThat(Decoders.probabilities(new float[] {0f, 0f})).containsExactly(0.5f, 0.5f);
  }

  @Test
  void ultralyticsNamesAreReadFromTheirPythonDictLiteral() {
    assertThat(ClassNames.fromMetadata("{0: 'person', 1: \"traffic light\", 2: 'o\\'clock'}"))
        .containsExactly("person", "traffic light", "o'clock");
  }
}
