package io.fieldcap.select;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.config.QualityConfig;
import io.fieldcap.image.Images;
import io.fieldcap.image.OpenCv;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

class QualityTest {
  static {
    OpenCv.load();
  }

  private static final Path DATA = TestMedia.samples();
  private final QualityGate gate = new QualityGate(QualityConfig.defaults());

  @TempDir Path tmp;

  private static FrameQuality measure(Mat m) {
    return FrameQuality.measure(m.cols(), m.rows(), Images.toBgr(m));
  }

  private static Mat blurred(Mat m, double sigma) {
    Mat out = new Mat();
    Imgproc.GaussianBlur(m, out, new Size(0, 0), sigma);
    return out;
  }

  private Mat megamindFrame(String at) throws Exception {
    Path png = tmp.resolve("mm-" + at + ".png");
    TestMedia.run(List.of("ffmpeg", "-loglevel", "error", "-y", "-ss", at, "-i", DATA.resolve("Megamind.avi").toString(),
        "-frames:v", "1", png.toString()));
    return Imgcodecs.imread(png.toString());
  }

  @Test
  void sharpPhotosAndADimRestaurantPassWhileStronglyBlurredOnesAreRejectedAsBlur() throws Exception {
    Mat dim = megamindFrame("5");
    FrameQuality q = measure(dim);
    assertThat(q.brightness()).as("Megamind's restaurant is dark").isLessThan(50);
    assertThat(gate.verdict(q)).as("in focus, dim, low texture: kept (sharpness %.4f)", q.sharpness()).isNull();
    for (String still : List.of("fruits.jpg", "building.jpg", "baboon.jpg", "HappyFish.jpg")) {
      Mat m = Imgcodecs.imread(DATA.resolve(still).toString());
      assertThat(gate.verdict(measure(m))).as(still).isNull();
      assertThat(gate.verdict(measure(blurred(m, 4)))).as(still + " blurred, sigma 4").isEqualTo(QualityGate.BLUR);
    }
    assertThat(gate.verdict(measure(blurred(dim, 4)))).as("the restaurant blurred").isEqualTo(QualityGate.BLUR);
  }

  @Test
  void blackAndWashedOutFramesAreRejectedAsExposure() {
    byte[] black = new byte[64 * 48 * 3];
    byte[] white = new byte[64 * 48 * 3];
    java.util.Arrays.fill(white, (byte) 255);
    assertThat(gate.verdict(FrameQuality.measure(64, 48, black))).isEqualTo(QualityGate.EXPOSURE);
    assertThat(gate.verdict(FrameQuality.measure(64, 48, white))).isEqualTo(QualityGate.EXPOSURE);
    QualityGate off = new QualityGate(new QualityConfig(0, 0, 255, true, 5, Duration.ofMinutes(1)));
    assertThat(off.verdict(FrameQuality.measure(64, 48, black))).as("filters off").isNull();
  }

  @Test
  void aReencodedCopyHashesWithinOneBitAndDifferentPhotosFarApart() {
    Mat fruits = Imgcodecs.imread(DATA.resolve("fruits.jpg").toString());
    MatOfByte jpeg = new MatOfByte();
    Imgcodecs.imencode(".jpg", fruits, jpeg, new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, 60));
    Mat copy = Imgcodecs.imdecode(jpeg, Imgcodecs.IMREAD_COLOR);
    assertThat(FrameQuality.distance(measure(fruits).hash(), measure(copy).hash())).isLessThanOrEqualTo(1);
    Mat baboon = Imgcodecs.imread(DATA.resolve("baboon.jpg").toString());
    assertThat(FrameQuality.distance(measure(fruits).hash(), measure(baboon).hash())).isGreaterThan(60);
  }

  /** What the spool writer does: check, and remember the frame when it is kept. */
  private static boolean dup(DuplicateFilter f, long[] hash, Map<String, Integer> classes, Instant at) {
    if (f.isDuplicate(hash, classes, at)) {
      return true;
    }
    f.remember(hash, classes, at);
    return false;
  }

  @Test
  void duplicatesAreDroppedUnlessTheirDetectionsDifferOrTheWindowHasPassed() throws Exception {
    long[] hash = measure(Imgcodecs.imread(DATA.resolve("fruits.jpg").toString())).hash();
    long[] other = measure(Imgcodecs.imread(DATA.resolve("baboon.jpg").toString())).hash();
    DuplicateFilter f = new DuplicateFilter(QualityConfig.defaults());
    Instant t = Instant.parse("2026-11-29T10:00:00Z");
    int kept = 0;
    for (int i = 0; i < 20; i++) {
      kept += dup(f, hash, Map.of(), t.plusSeconds(i)) ? 0 : 1;
    }
    assertThat(kept).as("20 copies").isEqualTo(1);
    assertThat(dup(f, other, Map.of(), t.plusSeconds(21))).as("another scene").isFalse();
    assertThat(dup(f, hash, Map.of("person", 1), t.plusSeconds(22))).as("a person appeared").isFalse();
    assertThat(dup(f, hash, Map.of("person", 1), t.plusSeconds(23))).as("the same person again").isTrue();
    assertThat(dup(f, hash, Map.of(), t.plusSeconds(30 + 600))).as("after the 10 min window").isFalse();
    DuplicateFilter off = new DuplicateFilter(new QualityConfig(0.005, 10, 245, false, 5, Duration.ofMinutes(10)));
    assertThat(dup(off, hash, Map.of(), t)).isFalse();
    assertThat(dup(off, hash, Map.of(), t)).as("duplicates: false keeps everything").isFalse();
  }
}
