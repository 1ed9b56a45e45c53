package io.fieldcap.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldcap.capture.CaptureLoop;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.spool.SpoolStats;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent under a slow disk and under failures injected into its stages. */
class RobustnessIT {
  @TempDir Path tmp;

  static void assertAccounted(SpoolStats s) {
    assertThat(s.captured()).as("captured = pending + inFlight + acked + evicted + dropped + rejected + failed in " + s)
        .isEqualTo(s.pending() + s.inFlight() + s.acked() + s.evicted() + s.dropped() + s.rejected() + s.failed());
  }

  @Test
  void givenFsyncsThatTake200ms_thenALive10FpsSourceIsStillReadAt10FpsAndWhatTheWriterCannotTakeIsDroppedAndCounted()
      throws Exception {
    System.setProperty("fieldcap.slow-fsync", "200");
    Agent agent = new Agent(ConfigLoader.load(null, List.of("device.id=slow-disk", "source.uri=file://" + TestMedia.vtestMp4(10),
        "source.fps=10", "source.realtime=true", "spool.dir=" + tmp.resolve("spool"), "quality.duplicates=false")),
        InstantSource.system());
    List<SpoolStats> readings = new ArrayList<>();
    try {
      agent.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      while (agent.captureState() != CaptureLoop.State.ENDED) {
        assertThat(System.nanoTime()).as("the 10 s clip read to its end").isLessThan(deadline);
        readings.add(agent.spool().stats());
        Thread.sleep(100);
      }
      long p99 = agent.captureHandOverNanos(0.99);
      SpoolStats s = agent.spool().stats();
      System.out.printf("RobustnessIT: 200 ms fsyncs, 10 fps live clip: captured %d, stored %d, dropped %d, rejected %s;"
          + " capture hand-over p99 %.2f ms, max %.2f ms%n", s.captured(), s.pending(), s.dropped(), s.rejectedBy(),
          p99 / 1e6, agent.captureHandOverNanos(1.0) / 1e6);
      // blocked behind the writer, the capture thread would wait a 200 ms fsync per frame; it hands over and goes on
      // (about 5 ms at p99 on a quiet 2-core machine; a quarter of an fsync leaves room for a busy one)
      assertThat(p99).as("the capture thread's wait per frame at p99").isLessThan(50_000_000L);
      assertThat(s.dropped()).as("frames the slow writer could not take").isPositive();
      // about a third of the frames one commit at a time; about half with group commits (16 files' fsyncs share one folder fsync)
      assertThat(s.pending()).as("the writer still stored some, not all").isPositive().isLessThan(s.captured());
    } finally {
      System.clearProperty("fieldcap.slow-fsync");
      agent.stop();
    }
    SpoolStats end = io.fieldcap.spool.Spool.readStats(tmp.resolve("spool"), 1L << 31);
    assertThat(end.captured()).as("every frame of 10 s at 10 fps was read and accounted for").isBetween(98L, 102L);
    assertAccounted(end);
    for (SpoolStats r : readings) {
      assertAccounted(r);
    }
    assertThat(readings).as("readings while it ran (each waits for the writer's lock)").hasSizeGreaterThan(10);
  }

  private static JsonNode stats(Path spool) throws Exception {
    ChildProcess p = ChildProcess.fieldcapRun("spool", "stats", "--json", "--set", "device.id=x", "--set", "source.uri=0",
        "--set", "spool.dir=" + spool);
    assertThat(p.exitCode()).as(p.output()).isZero();
    return new ObjectMapper().readTree(p.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
  }

  private Path folderOf(int n) throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    String[] names = {"fruits.jpg", "baboon.jpg", "lena.jpg", "HappyFish.jpg", "building.jpg", "home.jpg", "apple.jpg",
        "butterfly.jpg", "board.jpg", "aero1.jpg", "Blender_Suzanne1.jpg", "left01.jpg"};
    int copied = 0;
    for (String name : names) {
      Path f = TestMedia.samples().resolve(name);
      if (Files.isRegularFile(f) && copied < n) {
        Files.copy(f, in.resolve(name));
        copied++;
      }
    }
    assertThat(copied).isEqualTo(n);
    return in;
  }

  @Test
  void givenAFailureInjectedIntoEachStage_thenThatFrameIsCountedAsAnErrorAndTheAgentGoesOn() throws Exception {
    Path in = folderOf(8);
    for (String stage : new String[] {"stage.prepare", "stage.label", "stage.write"}) {
      Path spool = tmp.resolve("spool-" + stage);
      try (ChildProcess agent = ChildProcess.fieldcapWithJvm(List.of("-Dfieldcap.crash-at=" + stage + ":3:throw"), Map.of(),
          "agent", "--set", "device.id=faulty", "--set", "source.uri=dir://" + in, "--set", "spool.dir=" + spool,
          "--set", "quality.duplicates=false", "--set", "quality.blur-min=0", "--set", "quality.dark-below=0", "--set", "quality.bright-above=255")) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(spool.resolve("spool.db")) || stats(spool).get("captured").asLong() < 8) {
          assertThat(System.nanoTime()).as(agent::output).isLessThan(deadline);
          Thread.sleep(300);
        }
        JsonNode s = stats(spool);
        assertThat(s.get("rejectedBy").get("error").asLong()).as(stage + ": " + s).isEqualTo(1);
        assertThat(s.get("pending").asLong()).as(stage + ": " + s).isEqualTo(7);
        assertThat(agent.output()).contains("a frame failed and was dropped", "injected fault at " + stage);
        assertThat(agent.alive()).isTrue();
        agent.terminate();
        assertThat(agent.waitFor(Duration.ofSeconds(10))).as(agent::output).isZero();
      }
    }
  }

  @Test
  void givenAStageThatDies_thenTheAgentStopsWithExitCodeOneAndSaysWhich() throws Exception {
    Path in = folderOf(4);
    try (ChildProcess agent = ChildProcess.fieldcapWithJvm(List.of("-Dfieldcap.crash-at=stage.write:2:die"), Map.of(),
        "agent", "--set", "device.id=dying", "--set", "source.uri=dir://" + in, "--set", "spool.dir=" + tmp.resolve("spool"),
        "--set", "quality.duplicates=false", "--set", "quality.blur-min=0", "--set", "quality.dark-below=0", "--set", "quality.bright-above=255")) {
      assertThat(agent.waitFor(Duration.ofSeconds(30))).as(agent::output).isEqualTo(1);
      assertThat(agent.output()).contains("the spool-writer stage died", "injected death at stage.write",
          "stopping the agent with exit code 1");
    }
  }
}
