package io.fieldcap.export;

import io.fieldcap.store.FrameStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes the stored frames as a dataset in one format. */
public interface Exporter {
  /** What an export wrote. */
  record Result(int images, int annotations, int categories, Path out) {}

  /** The format's name on the command line. */
  String format();

  Result export(FrameStore store, Path out) throws IOException;

  /** The exporters this build has. */
  static List<Exporter> all() {
    return List.of(new CocoExporter());
  }

  static Exporter forFormat(String name) {
    for (Exporter e : all()) {
      if (e.format().equals(name.toLowerCase(Locale.ROOT))) {
        return e;
      }
    }
    throw new IllegalArgumentException("unknown export format '" + name + "'; known formats: "
        + all().stream().map(Exporter::format).toList());
  }

  /** Places an image in the export: a hard link where the filesystem allows it, else a copy. */
  static void place(Path image, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Files.deleteIfExists(target);
    try {
      Files.createLink(target, image);
    } catch (IOException | UnsupportedOperationException e) {
      Files.copy(image, target);
    }
  }
}
