package io.fieldcap.select;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldcap.image.OpenCv;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/** The default quality filters, through the packaged agent, judged by what reaches the spool. */
class SelectionIT {
  static {
    OpenCv.load();
  }

  @TempDir Path tmp;

  @Test
  void givenCopiesABlurredPhotoABlackFrameAndDimFootage_thenOnlyTheWorthyOnesAreSpooled() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Path photo = TestMedia.samples().resolve("fruits.jpg");
    for (int i = 0; i < 20; i++) {
      Files.copy(photo, in.resolve(String.format("a-copy-%02d.jpg", i)));
    }
    Mat building = Imgcodecs.imread(TestMedia.samples().resolve("building.jpg").toString());
    Mat blurred = new Mat();
    Imgproc.GaussianBlur(building, blurred, new Size(0, 0), 5);
    Imgcodecs.imwrite(in.resolve("b-blurred.png").toString(), blurred);
    Imgcodecs.imwrite(in.resolve("c-black.png").toString(), Mat.zeros(480, 640, building.type()));
    // three moments of the dark restaurant: dim and low in texture, in focus
    for (String at : List.of("2", "6", "10")) { // the clip is 11 s long
      TestMedia.run(List.of("ffmpeg", "-loglevel", "error", "-y", "-ss", at, "-i",
          TestMedia.samples().resolve("Megamind.avi").toString(), "-frames:v", "1", in.resolve("d-dim-" + at + ".png").toString()));
    }
    String[] cfg = {"--set", "device.id=select-cam", "--set", "source.uri=dir://" + in, "--set", "source.fps=20",
        "--set", "spool.dir=" + tmp.resolve("spool")};
    try (ChildProcess agent = ChildProcess.fieldcap(concat(new String[] {"agent"}, cfg))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      JsonNode s = stats(cfg);
      while (s == null || s.get("captured").asLong() < 25) {
        assertThat(System.nanoTime()).as(agent::output).isLessThan(deadline);
        Thread.sleep(300);
        s = stats(cfg);
      }
      Thread.sleep(1500); // the counters are flushed every second
      agent.terminate();
      assertThat(agent.waitFor(Duration.ofSeconds(10))).as(agent::output).isZero();
    }
    JsonNode s = stats(cfg);
    assertThat(s.get("captured").asLong()).isEqualTo(25);
    assertThat(s.get("pending").asLong()).as("one of the copies and the three dim frames").isEqualTo(4);
    assertThat(s.get("rejectedBy").get("duplicate").asLong()).isEqualTo(19);
    assertThat(s.get("rejectedBy").get("blur").asLong()).isEqualTo(1);
    assertThat(s.get("rejectedBy").get("exposure").asLong()).isEqualTo(1);
    assertThat(s.get("rejected").asLong()).isEqualTo(21);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static JsonNode stats(String[] cfg) throws Exception {
    ChildProcess p = ChildProcess.fieldcapRun(concat(new String[] {"spool", "stats", "--json"}, cfg));
    String json = p.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
    return p.exitCode() == 0 && json != null ? new ObjectMapper().readTree(json) : null;
  }
}
