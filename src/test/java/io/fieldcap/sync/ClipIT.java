package io.fieldcap.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.agent.Agent;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.json.Json;
import io.fieldcap.model.ClipLabels;
import io.fieldcap.model.Detection;
import io.fieldcap.server.Server;
import io.fieldcap.store.Clips;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.Closer;
import io.fieldcap.testing.Mosquitto;
import io.fieldcap.testing.TestMedia;
import io.fieldcap.web.Tokens;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An event clip from camera to browser with the broker down across the trigger (issue 30): BlazeFace on Megamind.avi
 * at 5 fps with tracking, a new-track rule with {@code clip: true} firing on the face's 12th frame; the agent writes
 * the clip (2 s before, 2 s after) into its spool while no broker is there; the broker and the server come up; the
 * clip arrives whole, with the seconds before the trigger, playable by ffprobe and by Chromium in the web app with the
 * face's track drawn over the video.
 */
class ClipIT {
  @TempDir Path tmp;
  private final Closer cleanup = new Closer();

  @AfterEach
  void close() throws Exception {
    cleanup.close();
  }

  @Test
  void aClipRecordedWhileTheBrokerIsDownArrivesWholeAndPlaysWithItsBoxes() throws Exception {
    Mosquitto broker = Mosquitto.plain(tmp.resolve("mosquitto")).start();
    cleanup.add(broker);
    broker.kill(); // down before the agent starts, and across the trigger
    Agent agent = new Agent(ConfigLoader.load(null, List.of("device.id=cam-clip", "source.uri=file://"
        + TestMedia.samples().resolve("Megamind.avi"), "source.fps=5", "source.realtime=true", "spool.dir=" + tmp.resolve("spool"),
        "mqtt.broker=" + broker.uri(), "mqtt.ack-timeout=3s", "model.path=models/face_detection_front_128x128_barracuda.onnx",
        "model.confidence=0.3", "model.threads=1", "quality.duplicates=false", "quality.blur-min=0",
        "capture.rules.face.type=new-track", "capture.rules.face.min-length=12", "capture.rules.face.clip=true",
        "capture.rules.face.priority=20", "clips.pre=2s", "clips.post=2s", "clips.max=10s", "clips.fps=5")),
        InstantSource.system());
    agent.start();
    cleanup.add(agent::stop);
    SyncIT.waitFor(() -> clipsWritten(agent) == 1, Duration.ofSeconds(90), "the agent to write the clip");
    assertThat(agent.spool().stats().pending()).as("the clip (and the trigger frame) wait in the spool").isGreaterThanOrEqualTo(2);

    broker.start();
    Path tokens = tmp.resolve("tokens");
    String viewer = Tokens.add(tokens, "vera", Tokens.Role.VIEWER);
    Server server = new Server(ConfigLoader.loadServer(null, List.of("mqtt.broker=" + broker.uri(), "server.data-dir="
        + tmp.resolve("data"), "server.http.listen=127.0.0.1:0", "server.http.tokens-file=" + tokens)), InstantSource.system());
    server.start();
    cleanup.add(server::stop);
    SyncIT.waitFor(() -> {
      try {
        return !server.store().clips().list("cam-clip", 10).isEmpty();
      } catch (Exception e) {
        return false;
      }
    }, Duration.ofSeconds(90), "the clip on the server");
    Clips.Clip clip = server.store().clips().list("cam-clip", 10).get(0);
    ClipLabels labels = Json.MAPPER.readValue(server.store().clips().labels("cam-clip", clip.clipId()), ClipLabels.class);
    System.out.println("clip on the server: " + clip + ", " + labels.frames().size() + " frames, trigger " + labels.trigger());
    assertThat(clip.frames()).isEqualTo(labels.frames().size());
    assertThat(clip.rule()).isEqualTo("face");
    assertThat(labels.trigger()).as("the seconds before the trigger: 2 s at 5 fps").isBetween(7, 11);
    assertThat(Duration.between(labels.frames().get(0).capturedAt(), labels.frames().get(labels.trigger()).capturedAt()))
        .isBetween(Duration.ofMillis(1500), Duration.ofMillis(2000));
    assertThat(Duration.between(labels.frames().get(labels.trigger()).capturedAt(),
        labels.frames().get(labels.frames().size() - 1).capturedAt())).as("2 s after it (after the last trigger: a second"
        + " face's track may extend it), never past clips.max").isBetween(Duration.ofMillis(1900), Duration.ofSeconds(10));
    List<Detection> atTrigger = labels.frames().get(labels.trigger()).labels().detections();
    assertThat(atTrigger).as("the face that started the clip, with its track").anySatisfy(d -> assertThat(d.trackId()).isNotNull());
    long track = atTrigger.stream().filter(d -> d.trackId() != null).findFirst().orElseThrow().trackId();

    Path video = server.store().clips().video("cam-clip", clip.clipId());
    ChildProcess probe = ChildProcess.start(List.of("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
        "-show_entries", "stream=codec_name,nb_read_frames,width,height", "-of", "csv=p=0", video.toString()));
    assertThat(probe.waitFor(Duration.ofSeconds(60))).as(probe::output).isZero();
    assertThat(probe.output().strip()).isEqualTo("h264,720,528," + clip.frames()); // Megamind.avi is 720x528
    assertThat(agent.spool().stats().acked()).as("the device had the clip acked").isGreaterThanOrEqualTo(1);

    // Label Studio video tasks, written by the command and read by Label Studio's rules: every tracked box of the clip
    Path ls = tmp.resolve("ls");
    ChildProcess export = ChildProcess.fieldcapRun("clips", "export", "--data-dir", tmp.resolve("data").toString(), "--out",
        ls.toString());
    assertThat(export.output()).as(export::output).contains("exported 1 clips");
    ChildProcess read = ChildProcess.start(List.of("/usr/bin/python3", "src/test/resources/readers/read_ls_video.py",
        ls.resolve("tasks.json").toString(), Integer.toString(clip.width()), Integer.toString(clip.height())));
    assertThat(read.waitFor(Duration.ofSeconds(60))).as(read::output).isZero();
    JsonNode regions = Json.MAPPER.readTree(read.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
    int compared = 0;
    for (int i = 0; i < labels.frames().size(); i++) {
      if (labels.frames().get(i).labels() == null) {
        continue;
      }
      for (Detection d : labels.frames().get(i).labels().detections()) {
        if (d.trackId() == null) {
          continue;
        }
        JsonNode box = regions.at("/0~1track-" + d.trackId() + "/frames/" + i);
        assertThat(box.isArray()).as("track %d in frame %d: %s", d.trackId(), i, regions).isTrue();
        assertThat(box.get(0).asDouble()).isCloseTo(d.box().x(), org.assertj.core.data.Offset.offset(0.5));
        assertThat(box.get(3).asDouble()).isCloseTo(d.box().h(), org.assertj.core.data.Offset.offset(0.5));
        compared++;
      }
    }
    assertThat(compared).as("tracked boxes compared").isGreaterThan(clip.frames() / 2);
    assertThat(ls.resolve("videos/cam-clip_" + clip.clipId() + ".mp4")).hasSameBinaryContentAs(video);

    ChildProcess browser = ChildProcess.start(List.of("/usr/bin/python3", "src/test/resources/readers/web_clip.py",
        server.webUrl(), viewer, "cam-clip", clip.clipId(), Integer.toString(labels.trigger()), Double.toString(clip.fps())));
    assertThat(browser.waitFor(Duration.ofSeconds(180))).as(browser::output).isZero();
    JsonNode r = Json.MAPPER.readTree(browser.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
    assertThat(r.at("/video/error").isNull()).as(r.toString()).isTrue();
    assertThat(r.at("/video/duration").asDouble()).isCloseTo(clip.frames() / clip.fps(), org.assertj.core.data.Offset.offset(0.3));
    assertThat(r.at("/video/width").asInt()).isEqualTo(clip.width());
    assertThat(r.get("shown_frame").asInt()).isEqualTo(labels.trigger());
    assertThat(r.get("boxes")).as("the face at the trigger, drawn with its track").anySatisfy(
        b -> assertThat(b.get("track").asText()).isEqualTo(Long.toString(track)));
    assertThat(r.get("caption").asText()).contains("(the trigger)");
    assertThat(r.get("played_to").asInt()).isGreaterThan(labels.trigger());
  }

  private static long clipsWritten(Agent agent) {
    @SuppressWarnings("unchecked")
    Map<String, Object> clips = (Map<String, Object>) agent.about().get("clips");
    return clips == null ? 0 : ((Number) clips.get("written")).longValue();
  }
}
