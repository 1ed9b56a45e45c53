package io.fieldcap.bench;

import io.fieldcap.dataset.Selection;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.store.Frames;
import io.fieldcap.store.LocalFrameStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Time to choose the frames of a selective export from a store of {@code frames} synthetic frames
 * (ten devices; one frame in a hundred has a bicycle, the rest a person and a car): once as the store
 * answers it (the database's keys and class index) and once by reading and testing every frame in
 * Java, as exports did before (issue 26), in the same run.
 */
public final class SelectBench {
  private static final LabelSet BICYCLE = new LabelSet("bench.onnx", List.of(new Detection("bicycle", 0.8,
      new Box(4, 4, 20, 20))));

  private SelectBench() {}

  public static Map<String, Object> run(int frames, Path work) throws Exception {
    Path data = work.resolve("data");
    Synthetic synthetic = Synthetic.image(data);
    Map<String, Object> r = new LinkedHashMap<>();
    try (LocalFrameStore store = LocalFrameStore.open(data)) {
      int perDevice = Math.max(1, frames / 10);
      int rare = Math.max(1, perDevice / 100);
      for (int d = 0; d < 10; d++) {
        synthetic.frames(store, "cam-" + d, perDevice - rare, Instant.parse("2026-11-29T00:00:00Z"), Synthetic.TWO_BOXES);
        synthetic.frames(store, "cam-" + d, rare, Instant.parse("2026-12-01T00:00:00Z"), BICYCLE);
      }
      r.put("frames", 10 * perDevice);
      Map<String, Selection> selections = new LinkedHashMap<>();
      selections.put("oneDevice", new Selection(Set.of("cam-3"), null, null, Set.of(), Map.of(), 0, Map.of(), null, Set.of()));
      selections.put("rareClass", new Selection(Set.of(), null, null, Set.of(), Map.of(), 0, Map.of(), null, Set.of("bicycle")));
      selections.put("oneDay", new Selection(Set.of(), Instant.parse("2026-12-01T00:00:00Z"), null, Set.of(), Map.of(), 0,
          Map.of(), null, Set.of()));
      for (Map.Entry<String, Selection> e : selections.entrySet()) {
        Frames everyFrame = store::forEach; // no query support: every frame read and tested in Java
        long[] byDb = time(e.getValue().view(store));
        long[] byJava = time(e.getValue().view(everyFrame));
        if (byDb[0] != byJava[0]) {
          throw new IllegalStateException(e.getKey() + ": the database chose " + byDb[0] + " frames, Java " + byJava[0]);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("chosen", byDb[0]);
        m.put("databaseMs", byDb[1]);
        m.put("everyRowMs", byJava[1]);
        m.put("ratio", Math.round(10.0 * byJava[1] / Math.max(1, byDb[1])) / 10.0);
        r.put(e.getKey(), m);
      }
    }
    return r;
  }

  /** Frames read and milliseconds taken. */
  private static long[] time(Frames frames) throws Exception {
    long t0 = System.nanoTime();
    long[] n = {0};
    frames.forEach(f -> n[0]++);
    return new long[] {n[0], (System.nanoTime() - t0) / 1_000_000};
  }
}
