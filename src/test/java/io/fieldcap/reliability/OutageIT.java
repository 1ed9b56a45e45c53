package io.fieldcap.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Long broker outages with a live camera, a tiny quota, and a spool with planted damage: what an
 * unattended device meets in the field. Each test appends its row to target/reliability/results.jsonl.
 */
class OutageIT {
  private static final long CAP = 100_000;

  @TempDir Path tmp;

  /** Frames on the server for the rig's device: capture time, server receive time, bytes. */
  private record Received(Instant capturedAt, Instant receivedAt, long bytes) {}

  private static List<Received> received(Rig rig) throws Exception {
    List<Received> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + rig.data.resolve("fieldcap.db"));
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT captured_at, received_at, bytes FROM frames WHERE device = '" + Rig.DEVICE
            + "' ORDER BY received_at")) {
      while (r.next()) {
        out.add(new Received(Instant.parse(r.getString(1)), Instant.parse(r.getString(2)), r.getLong(3)));
      }
    }
    return out;
  }

  @Test
  void givenTheBrokerDownForALongStretch_thenTheBacklogDrainsUnderTheCapWhileLiveFramesGetThrough() throws Exception {
    try (Rig rig = new Rig(tmp, 1)) {
      rig.agentSet("source.uri=file://" + TestMedia.vtestMp4(120), "source.fps=1", "source.realtime=true",
          "spool.jpeg-quality=50", "mqtt.max-bytes-per-second=" + CAP, "mqtt.drain=fair", "mqtt.window=4");
      rig.startServer();
      rig.broker.kill();
      rig.startAgent();
      // a camera capturing with nowhere to send: a backlog of more than 10 frames (15 s at 1 fps, more when the
      // agent's start is slowed by a busy machine: waited for, not slept for)
      rig.awaitTrue(() -> {
        try {
          return rig.spoolStats().getOrDefault("pending", 0L) > 10;
        } catch (Exception e) {
          return false;
        }
      }, Duration.ofSeconds(60), "a backlog while the broker is down");
      Map<String, Long> during = rig.spoolStats();
      assertThat(during.getOrDefault("pending", 0L)).as("backlog while the broker is down").isGreaterThan(10);
      Instant back = Instant.now();
      rig.broker.start();
      // live frames (captured after the broker came back) reach the server before the backlog is gone
      rig.awaitTrue(() -> {
        try {
          return received(rig).stream().anyMatch(f -> f.capturedAt().isAfter(back.plusSeconds(1)));
        } catch (Exception e) {
          return false;
        }
      }, Duration.ofSeconds(60), "a live frame on the server");
      List<Received> firstLive = received(rig);
      long backlogDone = firstLive.stream().filter(f -> f.capturedAt().isBefore(back)).count();
      assertThat(backlogDone).as("backlog frames on the server when the first live one arrived (fair drain)")
          .isLessThan(during.get("pending"));
      long backlog = during.get("pending");
      rig.awaitTrue(() -> {
        try {
          return received(rig).stream().filter(f -> f.capturedAt().isBefore(back)).count() >= backlog;
        } catch (Exception e) {
          return false;
        }
      }, Duration.ofSeconds(120), "the backlog to drain while capture goes on");
      drainWithoutCapture(rig);
      Map<String, Long> end = rig.spoolStats();
      List<Received> all = received(rig);
      long acked = end.getOrDefault("acked", 0L);
      // rate: bytes received over the drain never beat the cap plus the one second of burst it allows
      Instant first = all.stream().map(Received::receivedAt).filter(t -> t.isAfter(back)).min(Instant::compareTo).orElseThrow();
      Instant last = all.get(all.size() - 1).receivedAt();
      long bytes = all.stream().filter(f -> !f.receivedAt().isBefore(first)).mapToLong(Received::bytes).sum();
      double seconds = Duration.between(first, last).toMillis() / 1000.0;
      assertThat(bytes).as("bytes over %.1f s", seconds).isLessThanOrEqualTo((long) (CAP * (seconds + 1.5)));
      Rig.Tally t = rig.tally((int) (end.get("captured") - end.getOrDefault("dropped", 0L)));
      assertThat(end.getOrDefault("evicted", 0L)).isZero();
      assertThat(acked).as("acked counter matches the server").isEqualTo(t.stored());
      Rig.record("broker unreachable 15 s while capturing, then a capped fair drain", 1, t,
          "scripts/torture.sh outage");
      Rig.assertPerfect(t, rig.logs());
    }
  }

  @Test
  void givenATinyQuotaAndNoBroker_thenTheSpoolStaysWithinItEvictsByPolicyAndKeepsCapturing() throws Exception {
    long quota = 1 << 20;
    try (Rig rig = new Rig(tmp, 1)) {
      rig.agentSet("source.uri=file://" + TestMedia.vtestMp4(120), "source.fps=5", "source.realtime=true",
          "spool.max-bytes=1MiB", "spool.jpeg-quality=95");
      rig.startServer();
      rig.broker.kill();
      rig.startAgent();
      long maxSeen = 0;
      long firstFrameNanos = 0; // when the spool first counted a frame: the source's pace is measured from there
      long capturedAtFirstEviction = -1;
      for (int i = 0; i < 24; i++) {
        Thread.sleep(500);
        maxSeen = Math.max(maxSeen, spoolBytes(rig.spool));
        Map<String, Long> now = rig.spoolStats();
        long captured = now.getOrDefault("captured", 0L);
        if (firstFrameNanos == 0 && captured > 0) {
          firstFrameNanos = System.nanoTime();
        }
        if (capturedAtFirstEviction < 0 && now.getOrDefault("evicted", 0L) > 0) {
          capturedAtFirstEviction = captured;
        }
      }
      Map<String, Long> s = rig.spoolStats();
      // frames the 5 fps source has delivered since the spool counted its first one: not the wall time since the
      // agent was started, which on a busy machine includes a slow JVM start
      double due = 5 * (System.nanoTime() - firstFrameNanos) / 1e9;
      assertThat(maxSeen).as("largest spool seen").isLessThanOrEqualTo(quota);
      assertThat(s.getOrDefault("evicted", 0L)).as("evicted, counted").isPositive();
      assertThat(s.get("captured")).as("still capturing after the quota began to evict").isGreaterThan(capturedAtFirstEviction);
      assertThat(s.get("captured")).as("captured at the source's pace: %.0f frames due since the first", due)
          .isGreaterThanOrEqualTo((long) (due / 2));
      rig.broker.start();
      rig.awaitTrue(() -> rig.serverFrames() > 0, Duration.ofSeconds(30), "frames to flow again");
      Map<String, Long> end = rig.spoolStats();
      drainWithoutCapture(rig);
      Map<String, Long> fin = rig.spoolStats();
      long accepted = fin.get("captured") - fin.getOrDefault("dropped", 0L) - fin.getOrDefault("evicted", 0L);
      Rig.Tally t = rig.tally((int) accepted);
      assertThat(fin.get("acked")).isEqualTo(t.stored());
      Rig.record("1 MiB quota, broker down 12 s (evicted by policy: " + end.getOrDefault("evicted", 0L) + ")", 1, t,
          "scripts/torture.sh outage");
      Rig.assertPerfect(t, rig.logs());
    }
  }

  /** Stops the agent, then runs it on an empty folder until its spool is empty: every accepted frame sent. */
  private void drainWithoutCapture(Rig rig) throws Exception {
    rig.stopAgent();
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    rig.agentSet("source.uri=dir://" + empty);
    rig.startAgent();
    rig.awaitTrue(() -> waiting(rig) == 0, Duration.ofSeconds(90), "an empty spool");
    rig.stopAgent();
  }

  /** Frames pending or in flight in the rig's spool; -1 when it cannot be read just now. */
  private static long waiting(Rig rig) {
    Map<String, Long> s = rig.spoolStats();
    return s.containsKey("unreadable") ? -1 : s.getOrDefault("pending", 0L) + s.getOrDefault("inflight", 0L);
  }

  private static long spoolBytes(Path spool) throws Exception {
    try (Stream<Path> s = Files.walk(spool.resolve("frames"))) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
      return 0; // a file deleted while walking
    }
  }
}
