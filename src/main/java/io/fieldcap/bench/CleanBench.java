package io.fieldcap.bench;

import io.fieldcap.dataset.clean.Cleaner;
import io.fieldcap.dataset.clean.LabelCheck;
import io.fieldcap.image.Look;
import io.fieldcap.model.Sha256;
import io.fieldcap.store.LocalFrameStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Time for {@code clean} and {@code check labels} over a store of {@code frames} synthetic frames:
 * their looks are random 256-bit hashes, one frame in ten a near-duplicate of another (a few bits
 * flipped), so the grouping does real work; and the time to measure one real image ({@link Look#of}).
 */
public final class CleanBench {
  private CleanBench() {}

  public static Map<String, Object> run(int frames, Path work, Path photo) throws Exception {
    Path data = work.resolve("data");
    Synthetic synthetic = Synthetic.image(data);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("frames", frames);
    try (LocalFrameStore store = LocalFrameStore.open(data)) {
      synthetic.frames(store, "bench", frames, Instant.parse("2026-11-29T00:00:00Z"), Synthetic.TWO_BOXES);
      List<String> ids = new ArrayList<>();
      store.forEach(f -> ids.add(f.frameId()));
      SplittableRandom random = new SplittableRandom(1);
      List<byte[]> hashes = new ArrayList<>();
      int planted = 0;
      for (int i = 0; i < frames; i++) {
        byte[] h = new byte[32];
        if (i > 0 && i % 10 == 0) {
          h = hashes.get(random.nextInt(i)).clone();
          for (int k = 0; k < 6; k++) {
            int bit = random.nextInt(256);
            h[bit >> 3] ^= (byte) (1 << (bit & 7));
          }
          planted++;
        } else {
          random.nextBytes(h);
        }
        hashes.add(h);
      }
      store.marks().transaction(() -> {
        for (int i = 0; i < frames; i++) {
          store.marks().record("bench", ids.get(i), new Look(HexFormat.of().formatHex(hashes.get(i)), 100 + i % 7, 128, 50, null));
        }
        return null;
      });
      long t0 = System.nanoTime();
      Cleaner.Result result = new Cleaner(store, Cleaner.DEFAULT_DISTANCE, Clock.systemUTC()).run(null);
      r.put("cleanSeconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
      r.put("nearDuplicatesPlanted", planted);
      r.put("nearDuplicatesMarked", result.duplicates());
      t0 = System.nanoTime();
      LabelCheck.Result check = new LabelCheck(10, null).run(store, store);
      r.put("checkLabelsSeconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
      r.put("labelsChecked", check.labels());
    }
    if (photo != null) {
      byte[] bytes = Files.readAllBytes(photo);
      Look.of(bytes);
      int n = 200;
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        Look.of(bytes);
      }
      r.put("measurePhoto", photo.getFileName().toString());
      r.put("measureMillisPerImage", Math.round((System.nanoTime() - t0) / 1e4 / n) / 100.0);
    }
    return r;
  }
}
