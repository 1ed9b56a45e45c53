package io.fieldcap.select;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.agent.Agent;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.image.Images;
import io.fieldcap.inference.OnnxDetector;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.protocol.Codec;
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
        LabelSet labels = f.labels() == null ? null : Codec.JSON.readValue(f.labels(), LabelSet.class);
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
}
