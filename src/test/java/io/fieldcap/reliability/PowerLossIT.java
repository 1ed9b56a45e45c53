package io.fieldcap.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.LossyMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power cuts, simulated with a filesystem that forgets what was not made durable ({@code
 * scripts/lossyfs.py}, FUSE): the agent's spool, the server's data folder, or both live on such a
 * mount; at random moments the processes are killed and the mount forgets every unsynced write and
 * every name its folder did not sync (half of the cuts also keep a random part of the unsynced
 * writes, as torn writes do); then they start again on what survived. The ground truth is kept
 * outside the lossy mounts: the input folder of distinct frames, and the witness files in which the
 * agent notes every frame whose durable put returned and the server every ack it sent
 * ({@code -Dfieldcap.witness}).
 *
 * <p>Checked at every cut: both databases open and pass SQLite's integrity check, the spool's
 * accounting identity holds, and every frame the server acked is still on it, intact. At the end:
 * every frame the agent accepted is on the server under its id with its SHA-256, and no image is
 * stored twice. CI runs a bounded number of cycles; {@code scripts/torture.sh power 1000} more.
 */
class PowerLossIT {
  private static final int CYCLES = Integer.getInteger("torture.cycles", 12);
  private static final int FRAMES = Integer.getInteger("torture.frames", 120);
  private static final long SEED = Long.getLong("torture.seed", System.nanoTime());
  private static final Duration DRAIN = Duration.ofSeconds(Math.max(120, CYCLES * 3L));

  @TempDir Path tmp;

  private final Random random = new Random(SEED);

  /** The promises the processes made, read from their witness files. */
  private static final class Witnesses {
    final Path agent;
    final Path server;

    Witnesses(Path dir) {
      agent = dir.resolve("witness-agent.log");
      server = dir.resolve("witness-server.log");
    }

    static Map<String, String> env(Path file) {
      return Map.of("JAVA_TOOL_OPTIONS", "-Dfieldcap.witness=" + file);
    }

    /**
     * Frames the agent accepted, each as "FRAME SHA256", in order; a re-key (the server held other
     * bytes under the id) renames the latest frame put under the old id. A list, not a map: an id
     * reused after a cut (with other bytes) is a second promise, not a replacement of the first.
     */
    List<String[]> puts() throws Exception {
      List<String[]> out = new ArrayList<>();
      if (Files.exists(agent)) {
        for (String line : Files.readAllLines(agent)) {
          String[] w = line.split(" ");
          if (w[0].equals("put")) {
            out.add(new String[] {w[1], w[2]});
          } else if (w[0].equals("rekey")) {
            for (int i = out.size() - 1; i >= 0; i--) {
              if (out.get(i)[0].equals(w[1])) {
                out.get(i)[0] = w[2];
                break;
              }
            }
          }
        }
      }
      return out;
    }

    /** Frames the server acked as stored or duplicate, each as "FRAME SHA256". */
    List<String[]> acks() throws Exception {
      List<String[]> out = new ArrayList<>();
      if (Files.exists(server)) {
        for (String line : Files.readAllLines(server)) {
          String[] w = line.split(" ");
          if (w[0].equals("ack") && w[1].equals(Rig.DEVICE)) {
            out.add(new String[] {w[2], w[3]});
          }
        }
      }
      return out;
    }
  }

  /** The promises broken: frames promised (id and SHA-256) that the server does not hold intact under that id. */
  private static List<String> broken(List<String[]> promised, Map<String, String> intact) {
    return promised.stream().filter(p -> !p[1].equals(intact.get(p[0])))
        .map(p -> p[0] + " " + p[1] + " (server: " + intact.get(p[0]) + ")").distinct().toList();
  }

  /** The folder's frames spread over the cuts (about 4 s apart with the restarts), so that cuts land mid-transfer to the end. */
  private static double streamingFps(int cuts) {
    return Math.max(0.2, Math.min(10, FRAMES / (cuts * 4.0)));
  }

  private static void requireFuse() {
    String why = LossyMount.unavailable();
    assumeTrue(why == null, () -> "power-loss tests skipped: " + why);
  }

  /** After a server cut: every frame it acked is still there, intact, and its database is fine. */
  private static void assertAckedKept(Rig rig, Witnesses w, String when) throws Exception {
    int[] corrupt = {0};
    Map<String, String> intact = rig.intactFrames(corrupt);
    assertThat(corrupt[0]).as("frames whose image is missing or damaged %s\n%s", when, rig.logs()).isZero();
    assertThat(broken(w.acks(), intact)).as("acked frames gone %s (seed %d)", when, SEED).isEmpty();
  }

  /** The end: every accepted frame on the server under its id, no image twice; the row of the table. */
  private static void finish(Rig rig, Witnesses w, String fault, int cuts, String command) throws Exception {
    rig.awaitSettled(DRAIN);
    rig.assertAccounted("settled");
    int[] corrupt = {0};
    Map<String, String> intact = rig.intactFrames(corrupt);
    List<String[]> puts = w.puts();
    List<String> lostPuts = broken(puts, intact);
    List<String> lostAcks = broken(w.acks(), intact);
    int duplicated = intact.size() - new HashSet<>(intact.values()).size();
    Set<String> lost = new HashSet<>(lostPuts);
    lost.addAll(lostAcks);
    Set<String> promised = new HashSet<>();
    puts.forEach(p -> promised.add(p[0] + " " + p[1]));
    Rig.Tally t = new Rig.Tally(promised.size(), intact.size(), lost.size(), duplicated, corrupt[0]);
    Rig.record(fault, cuts, t, command);
    String logs = "seed " + SEED + "\n" + rig.logs();
    assertThat(lostPuts).as("frames the agent accepted that never reached the server\n%s", logs).isEmpty();
    assertThat(lostAcks).as("frames the server acked that it no longer has\n%s", logs).isEmpty();
    assertThat(duplicated).as("images stored twice\n%s", logs).isZero();
    assertThat(corrupt[0]).as("damaged frames\n%s", logs).isZero();
    assertThat(intact).as("every input frame on the server once").hasSize(rig.inputFrames());
    // the folder's files are stored byte for byte: every image on the server is one of them (a frame killed
    // between its commit and its witness line is stored without being counted as accepted: no promise, no loss)
    Set<String> inputs = new HashSet<>();
    try (var files = Files.list(rig.input)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        inputs.add(io.fieldcap.model.Sha256.hex(Files.readAllBytes(f)));
      }
    }
    assertThat(inputs).as("every image on the server is one of the input files").containsAll(intact.values());
  }

  @Test
  void agentPowerCutAtRandomMomentsDuringCaptureAndSync() throws Exception {
    requireFuse();
    try (LossyMount disk = LossyMount.start(tmp.resolve("agent-disk"));
        Rig rig = new Rig(tmp, FRAMES, disk.mountpoint.resolve("spool"), tmp.resolve("data"))) {
      Witnesses w = new Witnesses(tmp);
      rig.agentSet("source.fps=" + Math.max(1, FRAMES / (CYCLES * 0.75)));
      rig.startServer(Witnesses.env(w.server));
      for (int i = 0; i < CYCLES; i++) {
        ChildProcess agent = rig.startAgent(Witnesses.env(w.agent));
        Thread.sleep(500 + random.nextInt(3000));
        assertThat(agent.alive()).as("agent died on its own (seed %d)\n%s", SEED, rig.logs()).isTrue();
        rig.killAgent();
        JsonNode cut = disk.cut(random.nextBoolean(), random.nextLong());
        rig.assertSpoolOpens("after power cut " + i + " " + cut);
        rig.assertAccounted("after power cut " + i + " " + cut);
      }
      rig.startAgent(Witnesses.env(w.agent));
      finish(rig, w, "power cut of the agent's disk at random moments (capture and sync)", CYCLES, "scripts/torture.sh power-agent");
    }
  }

  @Test
  void serverPowerCutMidTransfer() throws Exception {
    requireFuse();
    int cuts = Math.max(3, CYCLES / 2);
    try (LossyMount disk = LossyMount.start(tmp.resolve("server-disk"));
        Rig rig = new Rig(tmp, FRAMES, tmp.resolve("spool"), disk.mountpoint.resolve("data"))) {
      Witnesses w = new Witnesses(tmp);
      rig.agentSet("source.fps=" + streamingFps(cuts));
      rig.startServer(Witnesses.env(w.server));
      rig.startAgent(Witnesses.env(w.agent));
      for (int i = 0; i < cuts; i++) {
        Thread.sleep(1500 + random.nextInt(2500));
        rig.killServer();
        JsonNode cut = disk.cut(random.nextBoolean(), random.nextLong());
        assertAckedKept(rig, w, "after server power cut " + i + " " + cut);
        Thread.sleep(random.nextInt(1000));
        rig.startServer(Witnesses.env(w.server));
      }
      finish(rig, w, "power cut of the server's disk mid-transfer", cuts, "scripts/torture.sh power-server");
    }
  }

  @Test
  void powerCutOfBothAtOnce() throws Exception {
    requireFuse();
    int cuts = Math.max(3, CYCLES / 2);
    try (LossyMount agentDisk = LossyMount.start(tmp.resolve("agent-disk"));
        LossyMount serverDisk = LossyMount.start(tmp.resolve("server-disk"));
        Rig rig = new Rig(tmp, FRAMES, agentDisk.mountpoint.resolve("spool"), serverDisk.mountpoint.resolve("data"))) {
      Witnesses w = new Witnesses(tmp);
      rig.agentSet("source.fps=" + streamingFps(cuts));
      rig.startServer(Witnesses.env(w.server));
      rig.startAgent(Witnesses.env(w.agent));
      for (int i = 0; i < cuts; i++) {
        Thread.sleep(1500 + random.nextInt(2500));
        rig.killAgent();
        rig.killServer();
        JsonNode a = agentDisk.cut(random.nextBoolean(), random.nextLong());
        JsonNode s = serverDisk.cut(random.nextBoolean(), random.nextLong());
        rig.assertSpoolOpens("after power cut " + i + " " + a);
        rig.assertAccounted("after power cut " + i + " " + a);
        assertAckedKept(rig, w, "after power cut " + i + " " + s);
        rig.startServer(Witnesses.env(w.server));
        rig.startAgent(Witnesses.env(w.agent));
      }
      finish(rig, w, "power cut of both disks at once, mid-transfer", cuts, "scripts/torture.sh power-both");
    }
  }
}
