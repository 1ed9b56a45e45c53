package io.fieldcap.dataset.format;

import io.fieldcap.dataset.ExportOptions;
import io.fieldcap.store.Frames;
import io.fieldcap.store.StoredFrame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/** Writes the stored frames as a dataset in one format. */
public interface Exporter {
  /** What an export wrote. */
  record Result(int images, int annotations, int categories, Path out) {}

  /** The format's name on the command line. */
  String format();

  Result export(Frames store, Path out, ExportOptions options) throws IOException;

  default Result export(Frames store, Path out) throws IOException {
    return export(store, out, ExportOptions.DEFAULT);
  }

  /**
   * The classes of the boxes, in name order (COCO numbers them from 1, YOLO from 0), or in the order
   * {@code --classes} gave.
   */
  static List<String> boxClasses(Frames store, List<String> given) throws IOException {
    if (given != null) {
      return given;
    }
    SortedSet<String> names = new TreeSet<>();
    store.forEach(f -> {
      if (f.labels() != null) {
        f.labels().detections().stream().filter(d -> d.box() != null)
            .filter(MaskShapes::isObject)
            .forEach(d -> names.add(d.label()));
      }
    });
    return List.copyOf(names);
  }

  /**
   * A map of these keys and values in this order: what exporters write instead of {@code Map.of},
   * whose order changes from one run to the next, so that an export is the same bytes every time.
   */
  static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  /**
   * Where a frame was and what it was tagged with, from its metadata, as exports carry them: {@code
   * gps} (lat, lon, alt, time), {@code tags} (the device's config tags) and {@code kept_by} (the
   * capture rule), each only when the frame has it.
   */
  static Map<String, Object> context(StoredFrame f) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (f.meta() != null) {
      for (String[] k : new String[][] {{"gps", "gps"}, {"tags", "tags"}, {"keptBy", "kept_by"}}) {
        Object v = f.meta().get(k[0]);
        if (v != null) {
          m.put(k[1], v);
        }
      }
    }
    return m;
  }

  /**
   * For formats with no room for a frame's origin (YOLO, CVAT): {@code OUT/frames.jsonl}, one JSON
   * line per image with its file, device, frame id, capture time, SHA-256, model and {@link #context}.
   */
  static Map<String, Object> originLine(StoredFrame f, String file) {
    Map<String, Object> m = ordered("file", file, "device", f.device(), "frame_id", f.frameId(), "captured_at",
        f.capturedAt().toString(), "sha256", f.sha256());
    if (f.labels() != null && f.labels().model() != null) {
      m.put("model", f.labels().model());
      if (f.labels().version() != null) {
        m.put("model_version", f.labels().version());
      }
    }
    m.putAll(context(f));
    return m;
  }

  /**
   * Places an image in the export: a copy, so that editing the export never edits the server's
   * store; with {@code link}, a hard link where the filesystem allows it (else a copy).
   */
  static void place(Path image, Path target, boolean link) throws IOException {
    Files.createDirectories(target.getParent());
    Files.deleteIfExists(target);
    if (link) {
      try {
        Files.createLink(target, image);
        return;
      } catch (IOException | UnsupportedOperationException e) {
        // another filesystem: copy
      }
    }
    try {
      Files.copy(image, target);
    } catch (IOException e) {
      throw new IOException("cannot place image " + image + " in the export at " + target + ": " + e.getMessage(), e);
    }
  }
}
