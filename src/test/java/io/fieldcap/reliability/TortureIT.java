package io.fieldcap.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.faults.CrashPoint;
import io.fieldcap.testing.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The torture harness: processes killed with SIGKILL at random moments, the broker restarted with
 * its persistence off, and a crash between every two steps of the durable write order; afterwards
 * the server must hold every frame the agent accepted, once, intact. CI runs a bounded form; more
 * cycles: {@code scripts/torture.sh} (system properties {@code torture.cycles}, {@code torture.frames},
 * {@code torture.seed}). Each test appends its row of the table in docs/reliability.md to
 * target/reliability/results.jsonl.
 */
class TortureIT {
  private static final int CYCLES = Integer.getInteger("torture.cycles", 20);
  private static final int FRAMES = Integer.getInteger("torture.frames", 150);
  private static final long SEED = Long.getLong("torture.seed", System.nanoTime());
  private static final Duration DRAIN = Duration.ofSeconds(Math.max(120, CYCLES * 3L));

  @TempDir Path tmp;

  private final Random random = new Random(SEED);

  private static String command(String test) {
    return "scripts/torture.sh " + test;
  }

  @Test
  void agentKilledAtRandomMomentsDuringCaptureAndSync() throws Exception {
    try (Rig rig = new Rig(tmp, FRAMES)) {
      // capture spread over about half the cycles, so kills land during capture and during sync alone
      rig.agentSet("source.fps=" + Math.max(1, FRAMES / (CYCLES * 0.75)));
      rig.startServer();
      int kills = 0;
      for (int i = 0; i < CYCLES; i++) {
        ChildProcess agent = rig.startAgent();
        Thread.sleep(500 + random.nextInt(3000)); // from JVM start-up, through capture and sync
        assertThat(agent.alive()).as("agent died on its own (seed %d)\n%s", SEED, rig.logs()).isTrue();
        rig.assertAccounted("while running, cycle " + i);
        rig.killAgent();
        rig.assertAccounted("after a kill, cycle " + i);
        kills++;
      }
      rig.startAgent();
      rig.awaitDrained(rig.inputFrames(), DRAIN);
      Rig.Tally t = rig.tally();
      Rig.record("agent SIGKILL at random moments (capture and sync)", kills, t, command("agent"));
      Rig.assertPerfect(t, "seed " + SEED + "\n" + rig.logs());
    }
  }

  @Test
  void serverKilledMidTransfer() throws Exception {
    disruptWhileStreaming("server SIGKILL mid-transfer", Math.max(3, CYCLES / 4), Rig::killServer, Rig::startServer,
        "server");
  }

  @Test
  void serverKilledMidTransferWithPostgresAndAnObjectStore() throws Exception {
    disruptWhileStreaming("server SIGKILL mid-transfer, metadata in PostgreSQL, images in S3 (S3Proxy)",
        Math.max(3, CYCLES / 4), Rig::killServer, Rig::startServer, "server-scaled", true);
  }

  @Test
  void postgresKilledAndRestartedDuringSync() throws Exception {
    disruptWhileStreaming("PostgreSQL crashed (immediate shutdown) and restarted mid-transfer, server running", Math.max(2, CYCLES / 6),
        Rig::killPostgres, Rig::restartPostgres, "postgres", true);
  }

  @Test
  void brokerRestartedWithPersistenceOffDuringSync() throws Exception {
    // SIGKILL with persistence off: every session, subscription and queued message is gone
    disruptWhileStreaming("Mosquitto SIGKILL and restart, persistence off", Math.max(2, CYCLES / 6),
        rig -> rig.broker.kill(), rig -> rig.broker.start(), "broker");
  }

  private interface Step {
    void run(Rig rig) throws Exception;
  }

  /** The agent streams a folder at 10 fps while {@code stop} and {@code restart} hit another part, {@code cycles} times. */
  private void disruptWhileStreaming(String fault, int cycles, Step stop, Step restart, String test) throws Exception {
    disruptWhileStreaming(fault, cycles, stop, restart, test, false);
  }

  private void disruptWhileStreaming(String fault, int cycles, Step stop, Step restart, String test, boolean scaled)
      throws Exception {
    try (Rig rig = new Rig(tmp, FRAMES)) {
      if (scaled) {
        rig.useObjectStore();
        rig.usePostgres(); // the scaled-out back end: both together
      }
      rig.agentSet("source.fps=10");
      rig.startServer();
      rig.startAgent();
      for (int i = 0; i < cycles; i++) {
        Thread.sleep(1500 + random.nextInt(2500));
        stop.run(rig);
        rig.assertAccounted("cycle " + i);
        Thread.sleep(random.nextInt(2000));
        restart.run(rig);
      }
      rig.awaitDrained(rig.inputFrames(), DRAIN);
      rig.assertAccounted("drained");
      Rig.Tally t = rig.tally();
      Rig.record(fault, cycles, t, command(test));
      Rig.assertPerfect(t, "seed " + SEED + "\n" + rig.logs());
    }
  }

  /**
   * Power cut simulated at each step of the write order: the process halts (no hooks, no flushes)
   * between two steps, on a random frame; then runs again normally. Unsynced data survives a halt
   * (the kernel still has it), so this proves the order and the recovery, not the fsyncs themselves
   * (see docs/reliability.md).
   */
  @Test
  void crashBetweenEveryStepOfTheWriteOrder() throws Exception {
    String[] agentPoints = {"spool.written", "spool.synced", "spool.renamed", "spool.durable", "spool.committed",
        "spool.ack-committed"};
    String[] serverPoints = {"store.durable", "store.committed"};
    int trials = 0;
    try (Rig rig = new Rig(tmp, 40)) {
      rig.agentSet("source.fps=20");
      rig.startServer();
      for (String point : agentPoints) {
        int at = 2 + random.nextInt(6);
        ChildProcess agent = rig.startAgent(crashAt(point, at));
        assertThat(agent.waitFor(Duration.ofSeconds(60))).as("agent halts at %s:%d\n%s", point, at, agent.output())
            .isEqualTo(CrashPoint.EXIT_CODE);
        trials++;
      }
      rig.startAgent();
      for (String point : serverPoints) {
        rig.killServer();
        int at = 2 + random.nextInt(4);
        ChildProcess server = rig.startServer(crashAt(point, at));
        assertThat(server.waitFor(Duration.ofSeconds(90))).as("server halts at %s:%d\n%s", point, at, rig.logs())
            .isEqualTo(CrashPoint.EXIT_CODE);
        trials++;
      }
      rig.startServer();
      rig.awaitDrained(rig.inputFrames(), DRAIN);
      Rig.Tally t = rig.tally();
      Rig.record("halt between each two steps of the write order (8 points, agent and server)", trials, t,
          command("crashpoints"));
      Rig.assertPerfect(t, "seed " + SEED + "\n" + rig.logs());
    }
  }

  private static Map<String, String> crashAt(String point, int at) {
    return Map.of("JAVA_TOOL_OPTIONS", "-Dfieldcap.crash-at=" + point + ":" + at);
  }
}
