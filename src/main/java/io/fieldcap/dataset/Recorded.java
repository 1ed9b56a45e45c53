package io.fieldcap.dataset;

import io.fieldcap.json.Json;
import io.fieldcap.store.Datasets;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A frozen dataset as it was recorded: its classes (in order, or null for every class), its splits
 * (each frame carries the split recorded for it, which {@link Splits#of} returns), and the selection
 * that takes its frames with the labels it froze. What exporting, training on, downloading and
 * evaluating a dataset all read, from one place.
 */
public record Recorded(List<String> classes, Splits splits, Selection selection) {
  /** Reads dataset {@code d}'s record (how it was made). */
  public static Recorded of(Datasets.Dataset d) throws IOException {
    var spec = Json.MAPPER.readTree(d.spec());
    List<String> classes = null;
    if (spec.has("classes")) {
      classes = new ArrayList<>();
      for (var c : spec.get("classes")) {
        classes.add(c.asText());
      }
    }
    Splits splits = spec.has("split") ? Splits.parse(spec.get("split").asText(), 0, Duration.ofMinutes(10)) : null;
    Selection selection = new Selection(Set.of(), null, null, Set.of(), Map.of(), 0, Map.of(), classes, Set.of(),
        Selection.Labels.PRELABELS, Set.of("duplicate", "broken"));
    return new Recorded(classes == null ? null : List.copyOf(classes), splits, selection);
  }

  /** Options that export the dataset as recorded (boxes; images copied). */
  public ExportOptions exportOptions(Datasets.Dataset d) {
    return new ExportOptions(splits, "detect", false, ExportOptions.LABEL_STUDIO_URL, selection, d.createdAt());
  }
}
