package io.fieldcap.select;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.agent.Agent;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.spool.PendingFrame;
import io.fieldcap.spool.SpoolStats;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture rules in the real agent, judged by what reaches the spool: real frames, a real ONNX
 * model (the committed YOLOv8 test export, which finds a person at 0.90 and a car at 0.60 in every
 * frame), rules with priorities and budgets.
 */
class RulesIT {
  @TempDir Path tmp;

  @Test
  void givenRulesWithPrioritiesAndBudgets_thenEachFrameIsKeptByTheRightRuleOrCountedAsRejected() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    TestMedia.run(List.of("ffmpeg", "-loglevel", "error", "-y", "-i", TestMedia.vtestAvi().toString(), "-vf",
        "fps=1,scale=384:288", "-frames:v", "12", in.resolve("%02d.jpg").toString()));
    Agent agent = new Agent(ConfigLoader.load(null, List.of("device.id=rules", "source.uri=dir://" + in,
        "source.fps=50", "spool.dir=" + tmp.resolve("spool"), "model.path=src/test/resources/models/yolov8-detect.onnx",
        "model.threads=1",
        "capture.rules.people.type=detections", "capture.rules.people.classes=person", "capture.rules.people.min-score=0.8",
        "capture.rules.people.priority=5", "capture.rules.people.max-per-day=3",
        "capture.rules.unsure.type=uncertain", "capture.rules.unsure.score-from=0.5", "capture.rules.unsure.score-to=0.7",
        "capture.rules.unsure.priority=3", "capture.rules.unsure.max-per-day=4",
        "capture.rules.baseline.type=interval", "capture.rules.baseline.every=1h",
        "quality.duplicates=false")), InstantSource.system()); // rules alone decide here
    agent.start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (agent.spool().stats().captured() < 12 || agent.spool().stats().pending() + rejected(agent) < 12) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(100);
      }
      List<PendingFrame> kept = agent.spool().takePending(100);
      Map<String, Long> byRule = kept.stream().collect(Collectors.groupingBy(PendingFrame::reason, Collectors.counting()));
      assertThat(byRule).isEqualTo(Map.of("people", 3L, "unsure", 4L, "baseline", 1L));
      assertThat(kept).filteredOn(f -> f.reason().equals("people")).allSatisfy(f -> assertThat(f.priority()).isEqualTo(5));
      assertThat(kept).filteredOn(f -> f.reason().equals("unsure")).allSatisfy(f -> assertThat(f.priority()).isEqualTo(3));
      assertThat(kept.get(0).reason()).as("sent first: the highest priority").isEqualTo("people");
      SpoolStats s = agent.spool().stats();
      assertThat(s.rejectedBy()).isEqualTo(Map.of(Rules.BUDGET, 4L));
    } finally {
      agent.stop();
    }
  }

  @Test
  void givenNoModel_thenMotionWithoutDetectionKeepsSceneChangesAndNotAStillScene() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    for (int i = 0; i < 5; i++) { // a still scene: the same photo five times
      Files.copy(TestMedia.samples().resolve("fruits.jpg"), in.resolve("a-still-" + i + ".jpg"));
    }
    // then five moments of a film, two seconds apart: the scene changes every time
    TestMedia.run(List.of("ffmpeg", "-loglevel", "error", "-y", "-i", TestMedia.samples().resolve("Megamind.avi").toString(),
        "-vf", "fps=0.5", "-frames:v", "5", in.resolve("b-scene-%02d.png").toString()));
    Agent agent = new Agent(ConfigLoader.load(null, List.of("device.id=motion", "source.uri=dir://" + in,
        "source.fps=50", "spool.dir=" + tmp.resolve("spool"), "quality.duplicates=false",
        "capture.rules.misses.type=motion-without-detection", "capture.rules.misses.min-change=20",
        "capture.rules.misses.priority=4")), InstantSource.system());
    agent.start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (agent.spool().stats().pending() + rejected(agent) < 10) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(100);
      }
      List<PendingFrame> kept = agent.spool().takePending(100);
      assertThat(kept).as("the first still frame (a change from nothing) and the five scenes").hasSize(6)
          .allSatisfy(f -> assertThat(f.reason()).isEqualTo("misses"));
      assertThat(agent.spool().stats().rejectedBy()).isEqualTo(Map.of(Rules.NO_RULE, 4L));
    } finally {
      agent.stop();
    }
  }

  private static long rejected(Agent agent) {
    return agent.spool().stats().rejected();
  }
}
