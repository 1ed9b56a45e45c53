package io.fieldcap.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldcap.config.ConfigLoader;
import io.fieldcap.config.SourceConfig;
import io.fieldcap.model.Frame;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each ffmpeg-fed source kind against real ffmpeg, a real RTSP server and real footage. */
class FfmpegSourceIT {
  @TempDir Path tmp;

  private SourceConfig source(String uri, String... sets) throws Exception {
    List<String> all = new ArrayList<>(List.of("device.id=it", "source.uri=" + uri, "spool.dir=" + tmp.resolve("s")));
    all.addAll(List.of(sets));
    return ConfigLoader.load(null, all).source();
  }

  private static List<Image> read(FrameSource src, int max) throws Exception {
    List<Image> out = new ArrayList<>();
    Image img;
    while (out.size() < max && (img = src.next()) != null) {
      out.add(img);
    }
    return out;
  }

  @Test
  void givenAnMp4File_thenFramesComeAtTheConfiguredRateOfClipTimeAndTheSourceEnds() throws Exception {
    Path clip = TestMedia.vtestMp4(10);
    try (FfmpegSource src = new FfmpegSource(source("file://" + clip, "source.fps=3", "source.realtime=false"))) {
      src.open();
      List<Image> frames = read(src, 1000);
      // 10 s of clip at 3 frames per second of clip time
      assertThat(frames).hasSizeBetween(29, 31);
      assertThat(frames.get(0).width()).isEqualTo(768);
      assertThat(frames.get(0).height()).isEqualTo(576);
      assertThat(frames.get(0).bgr()).hasSize(768 * 576 * 3);
      assertThat(src.next()).as("end of file").isNull();
    }
  }

  @Test
  void givenAVideoWithCorruptFrames_thenTheGoodFramesStillComeAndTheSourceEndsNormally() throws Exception {
    // Debian ships this clip with damaged packets on purpose (OpenCV's own robustness sample).
    Path buggy = TestMedia.samples().resolve("Megamind_bugy.avi");
    try (FfmpegSource src = new FfmpegSource(source("file://" + buggy, "source.fps=5", "source.realtime=false"))) {
      src.open();
      List<Image> frames = read(src, 1000);
      assertThat(frames).hasSizeGreaterThan(20);
      assertThat(frames).allSatisfy(f -> assertThat(f.bgr()).hasSize(720 * 528 * 3));
      assertThat(src.next()).isNull();
    }
  }

  @Test
  void givenAFileThatIsNotAVideo_thenOpeningFailsForGoodWithFfmpegsReason() throws Exception {
    Path bogus = Files.writeString(tmp.resolve("notes.mp4"), "meeting notes, not a video");
    try (FfmpegSource src = new FfmpegSource(source("file://" + bogus))) {
      assertThatThrownBy(src::open).isInstanceOfSatisfying(SourceException.class, e -> {
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("is it a video file?").contains("Invalid data found");
      });
    }
  }

  @Test
  void givenAnUnreachableStream_thenOpeningFailsRetryablyWithTheReason() throws Exception {
    int port = TestMedia.freePort();
    try (FfmpegSource src = new FfmpegSource(source("http://127.0.0.1:" + port + "/cam.mjpg"))) {
      assertThatThrownBy(src::open).isInstanceOfSatisfying(SourceException.class, e -> {
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).containsIgnoringCase("refused");
      });
    }
  }

  private static ChildProcess mjpegServer(Path clip, int port) throws Exception {
    ChildProcess server = ChildProcess.start(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
        "-stream_loop", "-1", "-i", clip.toString(), "-an", "-c:v", "mjpeg", "-q:v", "5", "-f", "mpjpeg",
        "-listen", "1", "http://127.0.0.1:" + port + "/cam.mjpg"));
    Thread.sleep(500);
    return server;
  }

  @Test
  void givenAnHttpMjpegStreamThatDropsAndComesBack_thenCaptureReconnectsAndCarriesOn() throws Exception {
    Path clip = TestMedia.vtestMp4(10);
    int port = TestMedia.freePort();
    List<Frame> frames = new CopyOnWriteArrayList<>();
    FrameSink sink = new FrameSink() {
      @Override
      public void accept(Frame f) {
        frames.add(f);
      }

      @Override
      public void skipped(String origin, String reason) {}
    };
    ChildProcess server = mjpegServer(clip, port);
    FfmpegSource src = new FfmpegSource(source("http://127.0.0.1:" + port + "/cam.mjpg", "source.fps=5"));
    CaptureLoop loop = new CaptureLoop(src, sink, new AtomicLong()::getAndIncrement, InstantSource.system(),
        Duration.ofSeconds(1));
    loop.start();
    try {
      waitFor(() -> frames.size() >= 5, Duration.ofSeconds(20));
      assertThat(frames.get(0).width()).isEqualTo(768);
      server.close(); // the camera goes away
      waitFor(() -> loop.state() == CaptureLoop.State.RECONNECTING, Duration.ofSeconds(20));
      int before = frames.size();
      server = mjpegServer(clip, port); // and comes back
      waitFor(() -> frames.size() >= before + 5, Duration.ofSeconds(30));
      assertThat(loop.state()).isEqualTo(CaptureLoop.State.STREAMING);
      assertThat(frames).extracting(Frame::seq).doesNotHaveDuplicates().isSorted();
    } finally {
      loop.stop(Duration.ofSeconds(5));
      server.close();
    }
  }

  @Test
  void givenAnHttpMjpegStreamWithoutTimestamps_thenItIsSampledAtTheConfiguredRateByArrival() throws Exception {
    Path clip = TestMedia.vtestMp4(10); // served in real time at its 10 fps, as MJPEG over HTTP (no timestamps)
    int port = TestMedia.freePort();
    ChildProcess server = mjpegServer(clip, port);
    try (FfmpegSource src = new FfmpegSource(source("http://127.0.0.1:" + port + "/cam.mjpg", "source.fps=2"))) {
      src.open();
      assertThat(src.next()).isNotNull();
      long start = System.nanoTime();
      int frames = 0;
      while (System.nanoTime() - start < 10_000_000_000L) {
        assertThat(src.next()).isNotNull();
        frames++;
      }
      assertThat(frames).as("frames in 10 s at source.fps 2 from a 10 fps stream").isBetween(18, 22);
    } finally {
      server.close();
    }
  }

  @Test
  void givenAnRtspStreamFromARealRtspServer_thenFramesComeAtTheConfiguredRate() throws Exception {
    Path clip = TestMedia.vtestMp4(10);
    int port = TestMedia.freePort();
    try (ChildProcess server = ChildProcess.start(List.of("/usr/bin/python3", "scripts/rtsp-server.py",
        "--port", Integer.toString(port), "--mount", "/cam", clip.toString()))) {
      assertThat(server.waitForLine(l -> l.startsWith("READY"), Duration.ofSeconds(20))).as(server::output).isTrue();
      try (FfmpegSource src = new FfmpegSource(source("rtsp://127.0.0.1:" + port + "/cam", "source.fps=4"))) {
        src.open();
        // ffmpeg hands over the frames it buffered while probing the stream at once; the median gap
        // between arrivals shows the cap: about 250 ms at 4 fps, where the uncapped stream gives 100 ms.
        List<Long> arrivals = new ArrayList<>();
        Image first = null;
        for (int i = 0; i < 24; i++) {
          Image img = src.next();
          assertThat(img).isNotNull();
          first = first == null ? img : first;
          arrivals.add(System.nanoTime());
        }
        assertThat(first.width()).isEqualTo(768);
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < arrivals.size(); i++) {
          gaps.add((arrivals.get(i) - arrivals.get(i - 1)) / 1_000_000);
        }
        java.util.Collections.sort(gaps);
        assertThat(gaps.get(gaps.size() / 2)).as("median gap in ms, %s", gaps).isBetween(180L, 400L);
      }
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier cond, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!cond.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met within %s", timeout).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
