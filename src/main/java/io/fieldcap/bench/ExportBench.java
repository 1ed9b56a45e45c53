package io.fieldcap.bench;

import io.fieldcap.dataset.ExportOptions;
import io.fieldcap.dataset.Splits;
import io.fieldcap.dataset.format.Exporter;
import io.fieldcap.model.Sha256;
import io.fieldcap.store.LocalFrameStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Time to export a server store of {@code frames} synthetic frames (two boxes each, all rows pointing
 * at one small real JPEG) with a three-way split, copying every image; and the heap in use after it,
 * which shows whether an export's memory grows with the number of frames.
 */
public final class ExportBench {
  private ExportBench() {}

  public static Map<String, Object> run(int frames, Exporter exporter, Path work) throws Exception {
    Path data = work.resolve("data");
    Synthetic synthetic = Synthetic.image(data);
    Map<String, Object> r = new LinkedHashMap<>();
    try (LocalFrameStore store = LocalFrameStore.open(data)) {
      synthetic.frames(store, "bench", frames, Instant.parse("2026-11-29T00:00:00Z"), Synthetic.TWO_BOXES);
      long t0 = System.nanoTime();
      Exporter.Result result = exporter.export(store, work.resolve("out"), new ExportOptions(
          Splits.parse("train=0.8,val=0.1,test=0.1", 0, Duration.ofMinutes(10)), "detect", false));
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.gc();
      Runtime rt = Runtime.getRuntime();
      r.put("format", exporter.format());
      r.put("frames", result.images());
      r.put("annotations", result.annotations());
      r.put("seconds", Math.round(seconds * 10) / 10.0);
      r.put("framesPerSecond", Math.round(result.images() / seconds));
      r.put("heapUsedAfterMb", (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024));
      r.put("maxHeapMb", rt.maxMemory() / (1024 * 1024));
    }
    return r;
  }
}
