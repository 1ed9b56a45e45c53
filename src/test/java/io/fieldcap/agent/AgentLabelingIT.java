package io.fieldcap.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.config.ConfigLoader;
import io.fieldcap.json.Json;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.spool.PendingFrame;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The agent pre-labels real frames with each model layout, and the labels are in the spool with the frame. */
class AgentLabelingIT {
  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({
      "yolov8-detect.onnx, person|car",
      "yolov8-seg.onnx, person|car",
      "yolov5-detect.onnx, person|car",
      "yolo-e2e.onnx, person|car",
      "yolo-cls.onnx, bicycle"})
  void everyFrameInTheSpoolCarriesTheModelsLabels(String model, String classes) throws Exception {
    Agent agent = new Agent(ConfigLoader.load(null, List.of("device.id=labeler", "source.uri=file://" + TestMedia.vtestMp4(10),
        "source.fps=1", "source.realtime=false", "spool.dir=" + tmp.resolve("spool"),
        "model.path=src/test/resources/models/" + model, "model.threads=1")), InstantSource.system());
    agent.start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (agent.spool().stats().pending() < 10) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(100);
      }
      List<PendingFrame> frames = agent.spool().takePending(100);
      assertThat(frames).hasSize(10);
      for (PendingFrame f : frames) {
        LabelSet l = Json.MAPPER.readValue(f.labels(), LabelSet.class);
        assertThat(l.model()).isEqualTo(model);
        assertThat(l.version()).as("the weights' SHA-256, first 12 hex digits")
            .isEqualTo(io.fieldcap.model.Sha256.hex(java.nio.file.Files.readAllBytes(
                java.nio.file.Path.of("src/test/resources/models/" + model))).substring(0, 12));
        assertThat(l.detections()).extracting(Detection::label).containsExactly(classes.split("\\|"));
        if (model.contains("seg")) {
          assertThat(l.detections().get(0).polygon()).isNotEmpty();
        }
      }
    } finally {
      agent.stop();
    }
  }

  /**
   * Tracking on real footage (issue 30): BlazeFace on Megamind.avi at 5 fps (its first 50 frames) with {@code tracking.enabled}: the
   * faces' detections carry track ids, a face followed from frame to frame keeps its id, and the
   * device's status counts the tracks.
   */
  @org.junit.jupiter.api.Test
  void facesOnRealFootageCarryTheIdsOfTheirTracks() throws Exception {
    Agent agent = new Agent(ConfigLoader.load(null, List.of("device.id=tracker", "source.uri=file://"
        + TestMedia.samples().resolve("Megamind.avi"), "source.fps=5", "source.realtime=false", "spool.dir=" + tmp.resolve("spool"),
        "model.path=models/face_detection_front_128x128_barracuda.onnx", "model.confidence=0.3", "model.threads=1",
        "quality.duplicates=false", "quality.blur-min=0", "tracking.enabled=true")), InstantSource.system());
    agent.start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (agent.spool().stats().pending() < 50) { // Megamind.avi is 57 frames at 5 fps
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(100);
      }
      List<PendingFrame> frames = agent.spool().takePending(50);
      int faces = 0;
      int tracked = 0;
      java.util.Set<Long> ids = new java.util.TreeSet<>();
      int kept = 0;
      int followed = 0;
      Long previous = null;
      for (PendingFrame f : frames) {
        LabelSet l = Json.MAPPER.readValue(f.labels(), LabelSet.class);
        Detection best = l.detections().stream().filter(d -> d.score() >= 0.5).max(java.util.Comparator.comparingDouble(
            Detection::score)).orElse(null);
        for (Detection d : l.detections()) {
          if (d.score() >= 0.5) {
            faces++;
            tracked += d.trackId() != null ? 1 : 0;
            if (d.trackId() != null) {
              ids.add(d.trackId());
            }
          }
        }
        if (best != null && best.trackId() != null && previous != null) {
          followed++;
          kept += best.trackId().equals(previous) ? 1 : 0;
        }
        previous = best == null ? null : best.trackId();
      }
      System.out.println("tracking on Megamind: " + faces + " confident faces in 50 frames, " + tracked + " with a track id, "
          + ids.size() + " tracks, the best face kept its track " + kept + " of " + followed + " times; status " + agent.about());
      assertThat(faces).as("BlazeFace finds the face in most frames").isGreaterThan(25);
      assertThat(tracked).as("all but a track's first frame and a flicker no track took carry an id")
          .isGreaterThanOrEqualTo(faces * 9 / 10);
      assertThat(ids.size()).as("faces followed, not a new id per frame").isLessThan(faces / 4);
      assertThat(kept).as("the main face keeps its track from frame to frame").isGreaterThanOrEqualTo(followed * 8 / 10);
      @SuppressWarnings("unchecked")
      java.util.Map<String, Object> tracks = (java.util.Map<String, Object>) agent.about().get("tracks");
      assertThat(((Number) tracks.get("started")).longValue()).isGreaterThanOrEqualTo(ids.size());
    } finally {
      agent.stop();
    }
  }

  /** Runs an agent over Megamind.avi at 5 fps with BlazeFace and tracking until the footage ends, then stops it. */
  private io.fieldcap.spool.SpoolStats runOverMegamind(Path spool, String... more) throws Exception {
    List<String> settings = new java.util.ArrayList<>(List.of("device.id=tracker", "source.uri=file://"
        + TestMedia.samples().resolve("Megamind.avi"), "source.fps=5", "source.realtime=false", "spool.dir=" + spool,
        "model.path=models/face_detection_front_128x128_barracuda.onnx", "model.confidence=0.3", "model.threads=1",
        "quality.duplicates=false", "quality.blur-min=0", "tracking.enabled=true"));
    settings.addAll(List.of(more));
    Agent agent = new Agent(ConfigLoader.load(null, settings), InstantSource.system());
    agent.start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (!"ended".equals(agent.health().get("capture"))) {
        assertThat(System.nanoTime()).as("the footage is read to its end").isLessThan(deadline);
        Thread.sleep(100);
      }
    } finally {
      agent.stop(); // drains the pipeline: what was read is stored, counted as rejected, or held as a best shot and kept now
    }
    return io.fieldcap.spool.Spool.readStats(spool, Long.MAX_VALUE);
  }

  /**
   * best-shot on real footage (issue 30): the same frames as keep-all, one frame per face track kept, the rest
   * counted under rejectedBy.tracked, and every frame read accounted for.
   */
  @org.junit.jupiter.api.Test
  void bestShotKeepsAFrameOrTwoPerFaceWhereKeepAllKeepsEveryFrame() throws Exception {
    var all = runOverMegamind(tmp.resolve("all"));
    var best = runOverMegamind(tmp.resolve("best"), "capture.rules.faces.type=best-shot", "capture.rules.faces.min-score=0.5");
    long readAll = all.pending() + all.rejected();
    long readBest = best.pending() + best.rejected();
    System.out.println("best-shot on Megamind: keep-all kept " + all.pending() + " frames (" + all.bytes() + " bytes), best-shot "
        + best.pending() + " frames (" + best.bytes() + " bytes), rejectedBy " + best.rejectedBy());
    assertThat(readBest).as("every frame read is kept or counted, as with keep-all").isEqualTo(readAll);
    assertThat(all.pending()).isGreaterThan(40);
    assertThat(best.pending()).as("a face track or two: a frame each").isBetween(1L, 6L);
    assertThat(best.rejectedBy()).containsKey("tracked");
    assertThat(best.rejectedBy().get("tracked")).isGreaterThan(all.pending() / 2);
    try (io.fieldcap.spool.Spool s = io.fieldcap.spool.Spool.open(tmp.resolve("best"), Long.MAX_VALUE, 0,
        io.fieldcap.config.SpoolConfig.WhenFull.EVICT_OLDEST, InstantSource.system())) {
      java.util.Set<Long> tracks = new java.util.HashSet<>();
      for (PendingFrame f : s.takePending(10)) {
        assertThat(f.reason()).isEqualTo("faces");
        LabelSet l = Json.MAPPER.readValue(f.labels(), LabelSet.class);
        List<Long> ids = l.detections().stream().filter(d -> d.score() >= 0.5).map(Detection::trackId)
            .filter(java.util.Objects::nonNull).toList();
        assertThat(ids).as("a kept frame shows a followed face").isNotEmpty();
        assertThat(tracks.addAll(ids)).as("no track kept twice").isTrue();
      }
    }
  }
}
