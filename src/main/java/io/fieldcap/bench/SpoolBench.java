package io.fieldcap.bench;

import io.fieldcap.config.SpoolConfig.WhenFull;
import io.fieldcap.model.FrameId;
import io.fieldcap.spool.Spool;
import io.fieldcap.spool.SpoolEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Durable spool writes per second: frames of {@code size} bytes stored one {@link Spool#put} at a
 * time against {@link Spool#putAll} group commits of {@code batch}, on the same disk in one run, both
 * in the full write order (file fsync, rename, folder fsync, database commit). The phases alternate
 * (single, group, single, group) so that a disk that speeds up or slows down during the run weighs on
 * both alike; each figure is the better of its two phases.
 */
public final class SpoolBench {
  private SpoolBench() {}

  public static Map<String, Object> run(int frames, int size, int batch, Path work) throws Exception {
    byte[][] images = new byte[8][size];
    Random random = new Random(1);
    for (byte[] image : images) {
      random.nextBytes(image); // incompressible, as JPEG is
    }
    double single = 0;
    double group = 0;
    try (Spool spool = Spool.open(Files.createDirectories(work.resolve("spool")), Long.MAX_VALUE, 0,
        WhenFull.EVICT_OLDEST, InstantSource.system())) {
      store(spool, images, 50, 1); // warm up: JIT, the database's first pages, the day's folder
      for (int round = 0; round < 2; round++) {
        single = Math.max(single, store(spool, images, frames, 1));
        group = Math.max(group, store(spool, images, frames, batch));
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("frames", frames);
    out.put("bytesPerFrame", size);
    out.put("batch", batch);
    out.put("singleFramesPerSecond", Math.round(single));
    out.put("groupFramesPerSecond", Math.round(group));
    out.put("groupMBps", Math.round(group * size / 1e6 * 10) / 10.0);
    out.put("ratio", Math.round(group / single * 100) / 100.0);
    return out;
  }

  /** Stores {@code frames} frames in batches of {@code batch}; frames per second. */
  private static double store(Spool spool, byte[][] images, int frames, int batch) {
    long t0 = System.nanoTime();
    List<SpoolEntry> entries = new ArrayList<>(batch);
    for (int i = 0; i < frames; i++) {
      long seq = spool.nextSequence();
      Instant now = Instant.now();
      entries.add(new SpoolEntry(FrameId.of(now, seq), seq, now, 640, 480, images[i % images.length], null, 0,
          "bench", null));
      if (entries.size() == batch || i == frames - 1) {
        spool.putAll(entries);
        entries.clear();
      }
    }
    return frames / ((System.nanoTime() - t0) / 1e9);
  }
}
