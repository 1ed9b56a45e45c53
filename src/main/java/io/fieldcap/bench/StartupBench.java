package io.fieldcap.bench;

import io.fieldcap.agent.Agent;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.config.FieldcapConfig;
import io.fieldcap.config.SpoolConfig;
import io.fieldcap.image.Images;
import io.fieldcap.spool.Backlogs;
import io.fieldcap.spool.Spool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Time from starting the agent to its first newly captured frame being stored, with a spool that
 * already holds a large backlog, against the same start with an empty spool, in one run. The
 * backlog is synthesized (real files and rows, without per-frame fsync); the new frame comes from a
 * folder holding one real image.
 */
public final class StartupBench {
  private StartupBench() {}

  public static Map<String, Object> run(int frames, Path work) throws Exception {
    Path input = Files.createDirectories(work.resolve("input"));
    byte[] jpeg = Images.encodeJpeg(64, 48, new byte[64 * 48 * 3], 90);
    byte[] noise = new byte[320 * 240 * 3]; // sharp and mid-grey, so the quality filters keep it
    new Random(1).nextBytes(noise);
    Files.write(input.resolve("new.jpg"), Images.encodeJpeg(320, 240, noise, 90));
    long t0 = System.nanoTime();
    try (Spool backlog = Spool.open(work.resolve("backlog"), Long.MAX_VALUE, 0, SpoolConfig.WhenFull.REJECT_NEW,
        InstantSource.system())) {
      Backlogs.synthesize(backlog, work.resolve("backlog"), frames, jpeg, 64, 48, Instant.parse("2026-01-01T00:00:00Z"));
    }
    double buildSeconds = (System.nanoTime() - t0) / 1e9;
    dropCaches();
    double[] empty = startToFirstFrame(work.resolve("empty"), input);
    double[] full = startToFirstFrame(work.resolve("backlog"), input);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("backlogFrames", frames);
    out.put("backlogBuildSeconds", Math.round(buildSeconds * 10) / 10.0);
    out.put("emptyStartMs", Math.round(empty[0]));
    out.put("emptyFirstFrameMs", Math.round(empty[1]));
    out.put("backlogStartMs", Math.round(full[0]));
    out.put("backlogFirstFrameMs", Math.round(full[1]));
    return out;
  }

  /** Best effort: ask the kernel to drop clean page cache, so the second start is not favoured (needs root). */
  private static void dropCaches() {
    try {
      Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "1");
    } catch (Exception e) {
      // not root: the caches stay warm for both starts
    }
  }

  /** [ms until start() returned, ms until the first new frame was stored]. */
  private static double[] startToFirstFrame(Path spool, Path input) throws Exception {
    FieldcapConfig c = ConfigLoader.load(null, List.of("device.id=bench", "source.uri=dir://" + input,
        "spool.dir=" + spool, "spool.max-bytes=100GiB", "spool.min-free-bytes=0", "agent.summary-interval=1h"));
    long t0 = System.nanoTime();
    Agent agent = new Agent(c, InstantSource.system());
    agent.start();
    long t1 = System.nanoTime();
    try {
      long deadline = t0 + 60_000_000_000L;
      while (agent.stageNanos()[4] == 0) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the agent stored no new frame within 60 s");
        }
        Thread.sleep(1);
      }
      long t2 = System.nanoTime();
      return new double[] {(t1 - t0) / 1e6, (t2 - t0) / 1e6};
    } finally {
      agent.stop();
    }
  }
}
