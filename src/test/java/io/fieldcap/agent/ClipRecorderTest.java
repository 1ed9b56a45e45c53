package io.fieldcap.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.config.ClipsConfig;
import io.fieldcap.config.JpegEncoderKind;
import io.fieldcap.image.JpegEncoder;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.ClipLabels;
import io.fieldcap.model.Detection;
import io.fieldcap.model.Frame;
import io.fieldcap.model.LabelSet;
import io.fieldcap.spool.SpoolEntry;
import io.fieldcap.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Event clips from frames to an MP4 in the spool, with Debian's ffmpeg: what goes in, in which order, and what ffprobe reads. */
class ClipRecorderTest {
  @TempDir Path tmp;
  private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");

  private static Frame frame(long seq, double seconds) {
    byte[] bgr = new byte[64 * 48 * 3];
    for (int i = 0; i < bgr.length; i += 3) {
      bgr[i + 1] = (byte) (seq * 7 + i / 300); // every frame a little different
    }
    return new Frame(seq, T0.plusMillis(Math.round(seconds * 1000)), 64, 48, bgr, null);
  }

  @Test
  void aTriggerWritesTheSecondsBeforeItAndAfterItAsOneMp4WithItsLabelsFrameByFrame() throws Exception {
    List<SpoolEntry> stored = new ArrayList<>();
    AtomicLong seq = new AtomicLong(1000);
    ClipsConfig config = new ClipsConfig(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(60), 64 << 20, 5);
    ClipRecorder r = new ClipRecorder(config, JpegEncoder.open(JpegEncoderKind.AUTO), 85, new ClipEncoder("ffmpeg"),
        tmp.resolve("scratch"), stored::add, seq::incrementAndGet, Map.of("site", "gate"));
    // 10 fps from the source: every other frame goes into the clip (5 fps); a car from 5 s, the trigger at 5 s
    for (int i = 0; i < 100; i++) {
      double t = i / 10.0;
      LabelSet labels = new LabelSet("m.onnx", t >= 5 && t < 6
          ? List.of(new Detection("car", 0.9, new Box(10 + i, 10, 20, 10)).withTrack(7)) : List.of());
      r.offer(frame(i, t), labels, i == 50 ? "cars" : null, 4);
    }
    r.close(Duration.ofSeconds(60));
    assertThat(stored).hasSize(1);
    SpoolEntry clip = stored.get(0);
    ClipLabels labels = Json.MAPPER.readValue(clip.labels(), ClipLabels.class);
    assertThat(labels.fps()).isEqualTo(5.0);
    // 2 s before the trigger at 5 fps (3.0 to 4.8 s: 10 frames, the oldest at exactly 2 s kept), the trigger, 1 s after it
    assertThat(labels.trigger()).isEqualTo(10);
    assertThat(labels.frames()).hasSize(16);
    assertThat(labels.frames().get(0).capturedAt()).isEqualTo(T0.plusMillis(3000));
    assertThat(labels.frames().get(10).seq()).isEqualTo(50);
    assertThat(labels.frames().get(10).labels().detections()).singleElement().extracting(Detection::trackId).isEqualTo(7L);
    assertThat(labels.frames().get(15).capturedAt()).isEqualTo(T0.plusMillis(6000));
    assertThat(clip.reason()).isEqualTo("cars");
    assertThat(clip.priority()).isEqualTo(4);
    assertThat(clip.seq()).isEqualTo(1001);
    assertThat(clip.capturedAt()).isEqualTo(T0.plusMillis(3000));
    assertThat(Json.MAPPER.readTree(clip.meta()).at("/clip/frames").asInt()).isEqualTo(16);
    assertThat(Json.MAPPER.readTree(clip.meta()).at("/tags/site").asText()).isEqualTo("gate");
    Path mp4 = Files.write(tmp.resolve("clip.mp4"), clip.jpeg());
    ChildProcess probe = ChildProcess.start(List.of("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
        "-show_entries", "stream=codec_name,nb_read_frames,width,height,avg_frame_rate", "-of", "csv=p=0", mp4.toString()));
    assertThat(probe.waitFor(Duration.ofSeconds(60))).as(probe::output).isZero();
    assertThat(probe.output().strip()).isEqualTo("h264,64,48,5/1,16");
    assertThat(r.status()).containsEntry("written", 1L).containsEntry("failed", 0L);
  }

  @Test
  void aClipThatCannotBeEncodedIsCountedAndTheRecorderGoesOn() throws Exception {
    List<SpoolEntry> stored = new ArrayList<>();
    ClipRecorder r = new ClipRecorder(new ClipsConfig(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5),
        64 << 20, 5), JpegEncoder.open(JpegEncoderKind.AUTO), 85, new ClipEncoder(tmp.resolve("no-such-ffmpeg").toString()),
        tmp.resolve("scratch"), stored::add, () -> 1, Map.of());
    for (int i = 0; i < 20; i++) {
      r.offer(frame(i, i / 5.0), null, i == 5 ? "any" : null, 0);
    }
    r.close(Duration.ofSeconds(30));
    assertThat(stored).isEmpty();
    assertThat(r.status()).containsEntry("written", 0L).containsEntry("failed", 1L);
  }
}
