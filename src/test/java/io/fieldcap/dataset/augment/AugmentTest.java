package io.fieldcap.dataset.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.fieldcap.dataset.Splits;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.store.Frames;
import io.fieldcap.store.ImageRef;
import io.fieldcap.store.StoredFrame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Augmented labels checked against where the objects really are after the transform: a generated
 * scene with coloured objects at known places is warped, each object found again by its colour, and
 * its box compared with the label the transform gave it.
 */
class AugmentTest {
  @TempDir Path tmp;

  private static final Scalar RED = new Scalar(0, 0, 255);
  private static final Scalar GREEN = new Scalar(0, 255, 0);
  private static final Scalar CYAN = new Scalar(255, 255, 0);

  /** 640x480, dark grey, a red box, a green box and a cyan triangle (with its outline as the label's polygon). */
  private static Mat scene() {
    Mat m = new Mat(480, 640, CvType.CV_8UC3, new Scalar(60, 60, 60));
    Imgproc.rectangle(m, new Point(100, 80), new Point(219, 169), RED, -1);
    Imgproc.rectangle(m, new Point(400, 200), new Point(499, 349), GREEN, -1);
    Imgproc.fillPoly(m, List.of(new MatOfPoint(new Point(250, 300), new Point(350, 300), new Point(300, 420))), CYAN);
    return m;
  }

  private static List<Detection> labels() {
    return List.of(new Detection("red", 1, new Box(100, 80, 120, 90)), new Detection("green", 1, new Box(400, 200, 100, 150)),
        new Detection("cyan", 1, new Box(250, 300, 100, 120), List.of(250.0, 300.0, 350.0, 300.0, 300.0, 420.0)));
  }

  /** The bounding box of the pixels of this colour, or null when there are none. */
  private static Rect find(Mat img, Scalar colour) {
    Mat mask = new Mat();
    Core.inRange(img, new Scalar(colour.val[0] - 60, colour.val[1] - 60, colour.val[2] - 60),
        new Scalar(colour.val[0] + 60, colour.val[1] + 60, colour.val[2] + 60), mask);
    Mat points = new Mat();
    Core.findNonZero(mask, points);
    Rect r = points.empty() ? null : Imgproc.boundingRect(points);
    mask.release();
    points.release();
    return r;
  }

  @Test
  void givenGeometricAugmentation_thenEveryKeptBoxIsWhereItsObjectIsAfterTheTransform() {
    Augment a = new Augment(Augment.Spec.parse("rotate=25,scale=0.8:1.3,crop=0.8,translate=0.1,flip=hv"), 1, 7, 0.4);
    Mat src = scene();
    int checked = 0;
    int dropped = 0;
    for (int k = 1; k <= 30; k++) {
      Augment.Params p = a.draw("cam", "f", k);
      double[] m = Augment.matrix(p, 640, 480);
      Mat out = Augment.pixels(src, p, m, 1);
      List<Detection> moved = a.labels(labels(), m, 640, 480);
      for (Detection d : labels()) {
        Detection got = moved.stream().filter(x -> x.label().equals(d.label())).findFirst().orElse(null);
        Rect seen = find(out, d.label().equals("red") ? RED : d.label().equals("green") ? GREEN : CYAN);
        if (got == null) {
          dropped++;
          continue;
        }
        assertThat(seen).as("copy %d: %s is in the image", k, d.label()).isNotNull();
        Box b = got.box();
        // within 3 px: the tip of a turned corner blends into the background and falls under the colour threshold
        assertThat(b.x()).as("copy %d %s left", k, d.label()).isCloseTo(seen.x, offset(3.0));
        assertThat(b.y()).as("copy %d %s top", k, d.label()).isCloseTo(seen.y, offset(3.0));
        assertThat(b.x() + b.w()).as("copy %d %s right", k, d.label()).isCloseTo(seen.x + seen.width, offset(3.0));
        assertThat(b.y() + b.h()).as("copy %d %s bottom", k, d.label()).isCloseTo(seen.y + seen.height, offset(3.0));
        checked++;
      }
      out.release();
    }
    assertThat(checked + dropped).isEqualTo(90);
    assertThat(checked).as("boxes compared").isGreaterThan(60);
  }

  /** One byte per pixel, 1 where {@code img} has this colour. */
  private static byte[] pixelsOf(Mat img, Scalar colour) {
    Mat mask = new Mat();
    Core.inRange(img, new Scalar(colour.val[0] - 60, colour.val[1] - 60, colour.val[2] - 60),
        new Scalar(colour.val[0] + 60, colour.val[1] + 60, colour.val[2] + 60), mask);
    byte[] bits = new byte[(int) mask.total()];
    mask.get(0, 0, bits);
    mask.release();
    for (int i = 0; i < bits.length; i++) {
      bits[i] = (byte) (bits[i] != 0 ? 1 : 0);
    }
    return bits;
  }

  @Test
  void givenASemanticMask_thenItMovesWithThePixelsAndIsDroppedWhenMostlyOutside() {
    Augment a = new Augment(Augment.Spec.parse("rotate=25,scale=0.8:1.3,crop=0.8,translate=0.1,flip=hv"), 1, 7, 0.4);
    Mat src = scene();
    io.fieldcap.model.Rle triangle = io.fieldcap.model.Rle.fromRowMajor(480, 640, pixelsOf(src, CYAN));
    Detection water = new Detection("water", 0.9, new Box(250, 300, 101, 121), null, triangle);
    int checked = 0;
    for (int k = 1; k <= 20; k++) {
      Augment.Params p = a.draw("cam", "f", k);
      double[] m = Augment.matrix(p, 640, 480);
      Mat out = Augment.pixels(src, p, m, 1);
      List<Detection> moved = a.labels(List.of(water), m, 640, 480);
      byte[] seen = pixelsOf(out, CYAN);
      out.release();
      if (moved.isEmpty()) {
        continue;
      }
      io.fieldcap.model.Rle got = moved.get(0).mask();
      assertThat(got.size()).containsExactly(480, 640);
      // the pixels were warped with bilinear sampling, the mask with nearest: they differ along the edge only
      assertThat(io.fieldcap.model.RleTest.iou(got.toRowMajor(), seen)).as("copy %d", k).isGreaterThan(0.9);
      checked++;
    }
    assertThat(checked).isGreaterThan(10);
    // 330 px right: the triangle (x 580..680) keeps more than half its area inside; 370 px right: 8%, under 0.4
    assertThat(a.labels(List.of(water), new double[] {1, 0, 330, 0, 1, 0}, 640, 480)).isNotEmpty();
    assertThat(a.labels(List.of(water), new double[] {1, 0, 370, 0, 1, 0}, 640, 480)).isEmpty();
  }

  @Test
  void givenMostOfABoxOutside_thenItIsDroppedAndAClippedOutlineKeepsItsVisiblePart() {
    Augment a = new Augment(Augment.Spec.parse("translate=0.1"), 1, 1, 0.4);
    // 200 px right: green (x 600..700) has 40 of its 100 px inside, exactly --min-visible: kept
    double[] m = {1, 0, 200, 0, 1, 0};
    assertThat(a.labels(labels(), m, 640, 480)).extracting(Detection::label).containsExactly("red", "green", "cyan");
    // 380 px right: red 480..600 inside; green gone; the triangle 630..730 has a sliver inside: dropped
    m = new double[] {1, 0, 380, 0, 1, 0};
    assertThat(a.labels(labels(), m, 640, 480)).extracting(Detection::label).containsExactly("red");
    // 320 px right: the triangle 570..670 keeps 82% of its area left of x=640: kept, clipped at the edge
    m = new double[] {1, 0, 320, 0, 1, 0};
    Detection cyan = a.labels(labels(), m, 640, 480).stream().filter(d -> d.label().equals("cyan")).findFirst().orElseThrow();
    assertThat(cyan.box().x() + cyan.box().w()).isEqualTo(640);
    assertThat(cyan.polygon()).allMatch(v -> v <= 640);
  }

  @Test
  void givenPhotometricAugmentation_thenLabelsAreUnchanged() {
    Augment a = new Augment(Augment.Spec.parse("brightness=0.3,contrast=0.3,hue=20,noise=0.05,blur=1"), 1, 3, 0.4);
    Augment.Params p = a.draw("cam", "f", 1);
    double[] m = Augment.matrix(p, 640, 480);
    assertThat(m).containsExactly(1, 0, 0, 0, 1, 0);
    assertThat(a.labels(labels(), m, 640, 480)).isEqualTo(labels());
    Mat out = Augment.pixels(scene(), p, m, 5);
    assertThat(Core.norm(out, scene())).as("the pixels did change").isPositive();
  }

  @Test
  void givenTheSameSeed_thenTheSameFilesAndOnlyTrainingFramesAreCopied() throws Exception {
    Path img = tmp.resolve("scene.jpg");
    Imgcodecs.imwrite(img.toString(), scene());
    Instant t = Instant.parse("2026-11-29T08:00:00Z");
    List<StoredFrame> frames = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      frames.add(new StoredFrame("cam", "2026112" + i, i, t.plus(Duration.ofHours(i)), "sha", 1, 640, 480,
          new LabelSet("m", labels()), Map.of(), ImageRef.file(img), t));
    }
    Frames store = action -> frames.forEach(action);
    Splits splits = Splits.parse("train=0.5,val=0.5", 1, Duration.ofMinutes(10));
    List<List<String>> runs = new ArrayList<>();
    for (String run : List.of("a", "b")) {
      Augment a = new Augment(Augment.Spec.parse("rotate=10,flip=h,brightness=0.2,noise=0.02"), 2, 42, 0.4);
      List<String> seen = new ArrayList<>();
      a.view(store, splits, Files.createDirectories(tmp.resolve(run))).forEach(f -> seen.add(f.frameId() + " "
          + f.sha256() + " " + f.split() + " " + f.labels().detections()));
      seen.add(Files.readString(tmp.resolve(run).resolve("augmentations.jsonl")));
      runs.add(seen);
    }
    assertThat(runs.get(1)).isEqualTo(runs.get(0));
    long train = frames.stream().filter(f -> splits.of(f).equals("train")).count();
    assertThat(train).isBetween(1L, 5L);
    assertThat(runs.get(0)).hasSize(6 + (int) train * 2 + 1);
    assertThat(runs.get(0).stream().filter(s -> s.contains("-aug") && !s.startsWith("{")).toList()).hasSize((int) train * 2)
        .allMatch(s -> s.contains(" train "));
    assertThat(Files.exists(tmp.resolve("a/.augment-tmp"))).as("temporary images removed").isFalse();
  }

  @Test
  void givenBadSpecs_thenTheMessageNamesTheProblem() {
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Augment.Spec.parse("rotate=15,zoom=2")))
        .hasMessageContaining("unknown [zoom]");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Augment.Spec.parse("flip=x")))
        .hasMessageContaining("flip 'x' is not h, v or hv");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Augment.Spec.parse("rotate=500")))
        .hasMessageContaining("rotate=500 is out of range");
  }
}
