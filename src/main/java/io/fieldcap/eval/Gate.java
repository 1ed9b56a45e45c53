package io.fieldcap.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.inference.ModelException;
import io.fieldcap.inference.OnnxDetector;
import io.fieldcap.json.Json;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.Models;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Whether a candidate model is better than what the fleet runs, on one frozen test split: each
 * model's figure from its kept evaluation on that dataset and split, or from one run now with the
 * agent's engine (and kept). Deploy only what is better.
 */
public final class Gate {
  /** A model's figure on the split, and whether it was computed now. */
  public record Figure(Models.Model model, double value, boolean computedNow) {}

  private Gate() {}

  /**
   * {@code metric} ({@code AP} or {@code AP50}) of registered model {@code m} (its file {@code file})
   * on dataset {@code dataset}, split {@code split}.
   *
   * @throws IllegalArgumentException when there is no such dataset, the split is empty, or the model cannot run
   */
  public static Figure figure(LocalFrameStore store, Models.Model m, Path file, String dataset, String split, String metric,
      PrintWriter log) throws IOException {
    for (Models.Evaluation e : store.models().evaluations(m.sha256())) {
      if (Objects.equals(dataset, e.dataset()) && Objects.equals(split, e.split()) && e.iouType().equals("bbox")) {
        JsonNode f = Json.MAPPER.readTree(e.figures());
        return new Figure(m, f.path(metric).asDouble(-1), false);
      }
    }
    Sources.Truth t = Sources.dataset(store, dataset, split);
    if (t == null) {
      throw new IllegalArgumentException("no dataset named '" + dataset + "' (fieldcap dataset list)");
    }
    log.printf("evaluating %s (%s) on dataset %s, split %s%n", m.name(), m.sha256().substring(0, 12), dataset, split);
    log.flush();
    Evaluation.Report r;
    try (OnnxDetector d = OnnxDetector.open(new OnnxDetector.Options(file, null, null, 0.001f, 0.7f, "cpu",
        Math.max(1, Runtime.getRuntime().availableProcessors())))) {
      r = Evaluation.run(t.frames(), Evaluation.classes(t.frames(), t.classes()), Sources.model(d), CocoEval.IouType.BBOX, 0.25);
    } catch (ModelException e) {
      throw new IllegalArgumentException("model " + m.name() + ": " + e.getMessage());
    }
    if (r.frames() == 0) {
      throw new IllegalArgumentException("dataset " + dataset + " has no frames in split " + split);
    }
    var figures = r.figures();
    Map<String, Object> kept = new LinkedHashMap<>(figures);
    kept.putAll(r.details(20));
    store.models().addEvaluation(m.sha256(), dataset, split, "dataset", "bbox", r.frames(),
        Json.MAPPER.writeValueAsString(kept), Instant.now());
    return new Figure(m, ((Number) figures.get(metric)).doubleValue(), true);
  }
}
