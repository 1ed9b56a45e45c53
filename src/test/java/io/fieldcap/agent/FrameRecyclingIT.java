package io.fieldcap.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.config.ConfigLoader;
import io.fieldcap.image.JpegEncoder;
import io.fieldcap.image.OpenCv;
import io.fieldcap.spool.PendingFrame;
import io.fieldcap.testing.TestMedia;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * The pixel arrays the pipeline hands back to the source are reused only once their frame is stored:
 * over a clip whose every frame differs (ffmpeg's test pattern with its frame counter), read faster than
 * the model labels it so that the queues stay full, every stored JPEG holds exactly the pixels of its own
 * source frame through the agent's encoder and no other's, while the source reads most frames into arrays
 * handed back.
 */
class FrameRecyclingIT {
  private static final int W = 320;
  private static final int H = 240;
  private static final int FRAMES = 60;

  @TempDir Path tmp;

  @Test
  void everyStoredFrameIsItsOwnSourceFrameWhileArraysAreReused() throws Exception {
    Path video = tmp.resolve("pattern.mkv");
    TestMedia.run(List.of("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=" + W + "x" + H + ":rate=10",
        "-frames:v", String.valueOf(FRAMES), "-c:v", "ffv1", video.toString()));
    List<byte[]> source = decode(video);
    assertThat(source).hasSize(FRAMES);

    var config = ConfigLoader.load(null, List.of("device.id=recycler", "source.uri=file://" + video,
        "source.fps=10", "source.realtime=false", "spool.dir=" + tmp.resolve("spool"),
        "model.path=src/test/resources/models/yolov8-seg.onnx", "model.threads=1",
        "quality.duplicates=false", "quality.blur-min=0"));
    Agent agent = new Agent(config, InstantSource.system());
    agent.start();
    List<PendingFrame> stored;
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (agent.spool().stats().pending() < FRAMES) {
        assertThat(System.nanoTime()).as("all %d frames stored", FRAMES).isLessThan(deadline);
        Thread.sleep(100);
      }
      stored = new ArrayList<>(agent.spool().takePending(FRAMES + 10));
      System.out.println("frame arrays: " + agent.frameBuffers().allocated() + " made, "
          + agent.frameBuffers().reused() + " reused for " + FRAMES + " frames");
      assertThat(agent.frameBuffers().reused()).as("arrays handed back and read into again")
          .isGreaterThanOrEqualTo(FRAMES / 2);
      assertThat(agent.frameBuffers().allocated()).as("no more arrays than frames in flight at once")
          .isLessThanOrEqualTo(20);
    } finally {
      agent.stop();
    }
    assertThat(stored).hasSize(FRAMES);
    stored.sort(Comparator.comparingLong(PendingFrame::seq));
    // the source frames through the agent's own encoder: the same pixels give the same JPEG's pixels
    List<byte[]> expected = new ArrayList<>();
    try (JpegEncoder encoder = JpegEncoder.open(config.spool().jpegEncoder())) {
      for (byte[] f : source) {
        expected.add(pixels(encoder.encode(W, H, f, config.spool().jpegQuality())));
      }
    }
    for (int i = 0; i < FRAMES; i++) {
      byte[] px = pixels(Files.readAllBytes(stored.get(i).file()));
      for (int j = 0; j < FRAMES; j++) {
        if (j == i) {
          assertThat(px).as("stored frame %d is source frame %d", i, i).isEqualTo(expected.get(j));
        } else {
          assertThat(px).as("stored frame %d is not source frame %d", i, j).isNotEqualTo(expected.get(j));
        }
      }
    }
  }

  private static byte[] pixels(byte[] jpeg) {
    OpenCv.load();
    Mat m = Imgcodecs.imdecode(new MatOfByte(jpeg), Imgcodecs.IMREAD_COLOR);
    byte[] px = new byte[W * H * 3];
    m.get(0, 0, px);
    m.release();
    return px;
  }

  private static List<byte[]> decode(Path video) throws Exception {
    Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-i", video.toString(), "-f", "rawvideo", "-pix_fmt", "bgr24",
        "-").redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<byte[]> frames = new ArrayList<>();
    try (InputStream in = p.getInputStream()) {
      while (true) {
        byte[] f = in.readNBytes(W * H * 3);
        if (f.length < W * H * 3) {
          break;
        }
        frames.add(f);
      }
    }
    assertThat(p.waitFor()).isZero();
    return frames;
  }
}
