package io.fieldcap.select;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.agent.Agent;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.image.Images;
import io.fieldcap.inference.OnnxDetector;
import io.fieldcap.json.Json;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.spool.PendingFrame;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfDouble;
import org.opencv.core.Rect;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Face redaction with the real BlazeFace model on Megamind's faces, and a static mask, proven on the
 * stored JPEGs: the detail inside every face box is gone (the Laplacian variance falls by more than
 * ten times), the face model no longer finds the faces, and the masked region is black.
 */
class PrivacyIT {
  private static final Path FACE_MODEL = Path.of("models/face_detection_front_128x128_barracuda.onnx");

  /** Laplacian variance of a smooth region after JPEG encoding at quality 95 (block edges). */
  private static final double JPEG_NOISE = 5;

  @TempDir Path tmp;

  private static double lapVar(Mat bgr, Rect r) {
    Mat grey = new Mat();
    Imgproc.cvtColor(bgr.submat(r), grey, Imgproc.COLOR_BGR2GRAY);
    Mat lap = new Mat();
    Imgproc.Laplacian(grey, lap, CvType.CV_64F);
    MatOfDouble mean = new MatOfDouble();
    MatOfDouble std = new MatOfDouble();
    Core.meanStdDev(lap, mean, std);
    return std.get(0, 0)[0] * std.get(0, 0)[0];
  }

  private static List<Detection> faces(OnnxDetector d, Mat m) throws Exception {
    return d.detect(m.cols(), m.rows(), Images.toBgr(m)).detections().stream().filter(f -> f.score() >= 0.5).toList();
  }

  @Test
  void givenFacesAndAMask_thenTheStoredJpegsKeepNoRecognisableFaceAndTheMaskIsBlack() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    TestMedia.run(List.of("ffmpeg", "-loglevel", "error", "-y", "-i", TestMedia.samples().resolve("Megamind.avi").toString(),
        "-vf", "fps=1", "-frames:v", "10", in.resolve("%02d.png").toString()));
    Agent agent = new Agent(ConfigLoader.load(null, List.of("device.id=private", "source.uri=dir://" + in,
        "source.fps=50", "spool.dir=" + tmp.resolve("spool"), "spool.jpeg-quality=95", "quality.duplicates=false",
        "privacy.faces=blur", "privacy.face-model=" + FACE_MODEL, "privacy.label-faces=true",
        "privacy.masks=0,0 0.25,0 0.25,0.2 0,0.2")), InstantSource.system());
    agent.start();
    List<PendingFrame> stored;
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (agent.spool().stats().pending() + agent.spool().stats().rejected() < 10) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(100);
      }
      stored = agent.spool().takePending(100);
    } finally {
      agent.stop();
    }
    int facesChecked = 0;
    try (OnnxDetector blazeFace = OnnxDetector.open(new OnnxDetector.Options(FACE_MODEL, null, null, 0.5f, 0.3f, "cpu", 1))) {
      List<Path> originals;
      try (var s = Files.list(in)) {
        originals = s.sorted().toList();
      }
      for (PendingFrame f : stored) {
        Mat after = Images.decode(Files.readAllBytes(f.file()));
        LabelSet labels = f.labels() == null ? null : Json.MAPPER.readValue(f.labels(), LabelSet.class);
        // the stored frame's source: the original closest to it (they differ only in the faces and the mask)
        Mat before = null;
        double best = Double.MAX_VALUE;
        for (Path o : originals) {
          Mat m = Imgcodecs.imread(o.toString());
          double d = Core.norm(m, after, Core.NORM_L1);
          if (d < best) {
            best = d;
            before = m;
          }
        }
        List<Detection> found = faces(blazeFace, before);
        // compare like with like: the original through the same JPEG encoding, whose block edges alone add detail
        Mat beforeJpeg = Images.decode(Images.encodeJpeg(before.cols(), before.rows(), Images.toBgr(before), 95));
        if (found.isEmpty()) {
          continue;
        }
        assertThat(labels).as("face boxes recorded in the pre-labels").isNotNull();
        assertThat(labels.detections()).extracting(Detection::label).contains("face");
        for (Detection face : found) {
          int x0 = Math.max(0, (int) face.box().x());
          int y0 = Math.max(0, (int) face.box().y());
          int x1 = Math.min(after.cols(), (int) (face.box().x() + face.box().w()));
          int y1 = Math.min(after.rows(), (int) (face.box().y() + face.box().h()));
          Rect r = new Rect(x0, y0, x1 - x0, y1 - y0);
          double was = lapVar(beforeJpeg, r);
          double is = lapVar(after, r);
          System.out.printf("face %s score %.2f: Laplacian variance %.2f -> %.2f%n", r, face.score(), was, is);
          // ten times less detail; a face already out of focus (a background guest) ends at the JPEG's own noise
          assertThat(is).as("detail left in the face at %s (was %.1f)", r, was).isLessThan(Math.max(was / 10, JPEG_NOISE));
          if (was >= 10 * JPEG_NOISE) {
            facesChecked++;
          }
        }
        assertThat(faces(blazeFace, after)).as("faces found in the stored JPEG").isEmpty();
        Mat corner = after.submat(new Rect(0, 0, after.cols() / 4 - 2, after.rows() / 5 - 2));
        assertThat(Core.mean(corner).val[0]).as("the masked corner").isLessThan(4);
      }
    }
    assertThat(facesChecked).as("sharp faces checked across Megamind's frames").isGreaterThanOrEqualTo(3);
  }

  private static final Path DETECT_MODEL = Path.of("src/test/resources/models/yolov8-detect.onnx");

  /** One photo through the agent with the test model (it always finds a person) and privacy.classes; the stored JPEG and the person's box. */
  private Object[] storeWithClassRedaction(String... privacy) throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in-" + String.join("-", privacy).hashCode()));
    Files.copy(TestMedia.samples().resolve("baboon.jpg"), in.resolve("baboon.jpg"));
    List<String> sets = new ArrayList<>(List.of("device.id=classes", "source.uri=dir://" + in, "spool.dir=" + in.resolveSibling(
        in.getFileName() + "-spool"), "spool.jpeg-quality=95", "quality.duplicates=false", "model.path=" + DETECT_MODEL,
        "privacy.classes=person"));
    sets.addAll(List.of(privacy));
    Agent agent = new Agent(ConfigLoader.load(null, sets), InstantSource.system());
    agent.start();
    PendingFrame stored;
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (agent.spool().stats().pending() < 1) {
        assertThat(System.nanoTime()).as("stats " + agent.spool().stats()).isLessThan(deadline);
        Thread.sleep(50);
      }
      stored = agent.spool().takePending(1).get(0);
    } finally {
      agent.stop();
    }
    Mat before = Imgcodecs.imread(TestMedia.samples().resolve("baboon.jpg").toString());
    Detection person;
    try (OnnxDetector d = OnnxDetector.open(new OnnxDetector.Options(DETECT_MODEL, null, null, 0.25f, 0.45f, "cpu", 1))) {
      person = d.detect(before.cols(), before.rows(), Images.toBgr(before)).detections().stream()
          .filter(x -> x.label().equals("person")).findFirst().orElseThrow();
    }
    assertThat(Json.MAPPER.readValue(stored.labels(), LabelSet.class).detections()).extracting(Detection::label).contains("person");
    var b = person.box();
    Rect r = new Rect((int) Math.ceil(b.x()), (int) Math.ceil(b.y()), (int) b.w() - 1, (int) b.h() - 1);
    // the region the redactor works on: the box widened by a sixth of its size on every side
    int x0 = (int) Math.max(0, Math.floor(b.x() - b.w() / 6));
    int y0 = (int) Math.max(0, Math.floor(b.y() - b.h() / 6));
    Rect widened = new Rect(x0, y0, (int) Math.min(before.cols(), Math.ceil(b.x() + b.w() + b.w() / 6)) - x0,
        (int) Math.min(before.rows(), Math.ceil(b.y() + b.h() + b.h() / 6)) - y0);
    Mat beforeJpeg = Images.decode(Images.encodeJpeg(before.cols(), before.rows(), Images.toBgr(before), 95));
    return new Object[] {beforeJpeg, Images.decode(Files.readAllBytes(stored.file())), r, widened};
  }

  /** Mean absolute difference between a region and its own 8x pixelation: near 0 for a pixelated region. */
  private static double offBlocks(Mat m, Rect r) {
    Mat roi = m.submat(r).clone();
    Mat small = new Mat();
    Imgproc.resize(roi, small, new org.opencv.core.Size(Math.max(1, r.width / 8), Math.max(1, r.height / 8)), 0, 0,
        Imgproc.INTER_AREA);
    Mat back = new Mat();
    Imgproc.resize(small, back, roi.size(), 0, 0, Imgproc.INTER_NEAREST);
    Mat diff = new Mat();
    Core.absdiff(roi, back, diff);
    return Core.mean(diff).val[0];
  }

  @Test
  void givenAClassToRedact_thenItsBoxIsBlurredInTheStoredJpegAndTheRestOfTheFrameIsNot() throws Exception {
    Object[] o = storeWithClassRedaction();
    Mat before = (Mat) o[0];
    Mat after = (Mat) o[1];
    Rect person = (Rect) o[2];
    double was = lapVar(before, person);
    double is = lapVar(after, person);
    System.out.printf("class 'person' at %s: Laplacian variance %.1f -> %.1f%n", person, was, is);
    assertThat(is).as("detail left in the person's box (was %.1f)", was).isLessThan(was / 10);
    Rect elsewhere = new Rect(400, 400, 100, 100); // far from the box and its widened margin
    assertThat(lapVar(after, elsewhere)).as("the rest of the frame keeps its detail")
        .isCloseTo(lapVar(before, elsewhere), org.assertj.core.data.Percentage.withPercentage(20));
  }

  @Test
  void givenAClassToPixelate_thenItsBoxIsMadeOfBlocksInTheStoredJpeg() throws Exception {
    Object[] o = storeWithClassRedaction("privacy.faces=pixelate", "privacy.face-model=" + FACE_MODEL);
    Mat before = (Mat) o[0];
    Mat after = (Mat) o[1];
    Rect person = (Rect) o[3];
    double was = offBlocks(before, person);
    double is = offBlocks(after, person);
    System.out.printf("class 'person' at %s pixelated: difference from its own blocks %.1f -> %.1f%n", person, was, is);
    assertThat(is).as("the box is blocks now (was %.1f off its blocks)", was).isLessThan(was / 4);
    Rect elsewhere = new Rect(400, 400, 100, 100);
    assertThat(offBlocks(after, elsewhere)).as("the rest is not pixelated").isGreaterThan(offBlocks(before, elsewhere) / 2);
  }
}
