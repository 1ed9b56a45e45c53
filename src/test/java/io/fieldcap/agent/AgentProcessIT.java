package io.fieldcap.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldcap.image.Images;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;

/** The packaged jar as a user runs it: real ffmpeg, real footage, SIGTERM, spool stats from outside. */
class AgentProcessIT {
  @TempDir Path tmp;

  private String[] config(String uri, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("--set", "device.id=it-cam", "--set", "source.uri=" + uri,
        "--set", "spool.dir=" + tmp.resolve("spool"), "--set", "agent.summary-interval=2s"));
    for (String m : more) {
      args.add("--set");
      args.add(m);
    }
    return args.toArray(String[]::new);
  }

  private static String[] cat(String[] a, String... b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }

  private JsonNode stats(String[] cfg) throws Exception {
    ChildProcess p = ChildProcess.fieldcapRun(cat(new String[] {"spool", "stats", "--json"}, cfg));
    assertThat(p.exitCode()).as(p.output()).isZero();
    String json = p.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
    return new ObjectMapper().readTree(json);
  }

  private List<Path> spooledImages() throws Exception {
    try (Stream<Path> s = Files.walk(tmp.resolve("spool/frames"))) {
      return s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
    }
  }

  @Test
  void givenAnMp4_whenTheAgentRunsWithNoBroker_thenTheSpoolFillsAtTheRateAndSigtermStopsItCleanly() throws Exception {
    String[] cfg = config("file://" + TestMedia.vtestMp4(20), "source.fps=4");
    try (ChildProcess agent = ChildProcess.fieldcap(cat(new String[] {"agent"}, cfg))) {
      assertThat(agent.waitForLine(l -> l.contains("streaming 768x576"), Duration.ofSeconds(30))).as(agent::output).isTrue();
      Thread.sleep(5000);
      JsonNode live = stats(cfg);
      assertThat(live.get("captured").asLong()).as("stats while the agent runs").isPositive();
      long t0 = System.nanoTime();
      agent.terminate();
      assertThat(agent.waitFor(Duration.ofSeconds(10))).as(agent::output).isZero();
      assertThat((System.nanoTime() - t0) / 1e9).as("stops within 5 s").isLessThan(5.0);
      assertThat(agent.output()).contains("agent it-cam stopped").doesNotContain("Exception");
    }
    JsonNode s = stats(cfg);
    long captured = s.get("captured").asLong();
    // about 5-6 s of a real-time clip at 4 fps
    assertThat(captured).isBetween(15L, 35L);
    // every frame accounted for: kept, dropped by the writer falling behind, or rejected by a filter
    long rejected = s.get("rejected").asLong();
    assertThat(s.get("pending").asLong() + s.get("dropped").asLong() + rejected).isEqualTo(captured);
    assertThat(s.get("evicted").asLong()).isZero();
    assertThat(rejected).as("only near-duplicates: vtest is sharp and well exposed")
        .isEqualTo(s.get("rejectedBy").path("duplicate").asLong());
    assertThat(s.get("pending").asLong()).as("people walking: most frames are new").isGreaterThan(captured / 2);
    List<Path> images = spooledImages();
    assertThat(images).hasSize((int) s.get("pending").asLong());
    Mat first = Images.decode(Files.readAllBytes(images.get(0)));
    assertThat(first.cols()).isEqualTo(768);
    assertThat(first.rows()).isEqualTo(576);
    assertThat(s.get("bytes").asLong()).isEqualTo(images.stream().mapToLong(p -> p.toFile().length()).sum());
  }

  @Test
  void givenAFolder_thenEachFileIsSpooledOnceEvenAcrossARestart() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("incoming"));
    for (String name : List.of("baboon.jpg", "fruits.jpg", "home.jpg")) {
      Files.copy(TestMedia.samples().resolve(name), in.resolve(name));
    }
    Files.writeString(in.resolve("broken.jpg"), "not an image");
    String[] cfg = config("dir://" + in, "source.fps=20");
    runUntil(cfg, 3);
    Files.copy(TestMedia.samples().resolve("building.jpg"), in.resolve("late.jpg"));
    runUntil(cfg, 4);
    JsonNode s = stats(cfg);
    assertThat(s.get("pending").asLong()).isEqualTo(4);
    assertThat(s.get("captured").asLong()).isEqualTo(5);
    assertThat(s.get("rejectedBy").get("not-an-image").asLong()).isEqualTo(1);
    assertThat(spooledImages()).hasSize(4);
  }

  private void runUntil(String[] cfg, long pending) throws Exception {
    try (ChildProcess agent = ChildProcess.fieldcap(cat(new String[] {"agent"}, cfg))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!Files.exists(tmp.resolve("spool/spool.db")) || stats(cfg).get("pending").asLong() < pending) {
        assertThat(System.nanoTime()).as(agent::output).isLessThan(deadline);
        Thread.sleep(300);
      }
      Thread.sleep(1500); // a second look: nothing more arrives
      agent.terminate();
      assertThat(agent.waitFor(Duration.ofSeconds(10))).as(agent::output).isZero();
    }
  }

  @Test
  void givenAnUnreachableStream_thenTheAgentKeepsRunningRetryingAndStopsOnSigterm() throws Exception {
    String[] cfg = config("rtsp://127.0.0.1:" + TestMedia.freePort() + "/cam", "source.reconnect-max-delay=1s");
    try (ChildProcess agent = ChildProcess.fieldcap(cat(new String[] {"agent"}, cfg))) {
      assertThat(agent.waitForLine(l -> l.contains("retrying in"), Duration.ofSeconds(30))).as(agent::output).isTrue();
      Thread.sleep(3000);
      assertThat(agent.alive()).isTrue();
      // one line per state change, not one per attempt
      assertThat(agent.output().lines().filter(l -> l.contains("retrying in")).count()).isEqualTo(1);
      agent.terminate();
      assertThat(agent.waitFor(Duration.ofSeconds(10))).as(agent::output).isZero();
    }
  }
}
