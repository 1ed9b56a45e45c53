package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The sample footage the demo and the benchmarks play: Debian's opencv-doc clips, or FIELDCAP_SAMPLES. */
final class Samples {
  private Samples() {}

  /** {@code given} if set, else vtest.avi from the samples folder; it must exist. */
  static Path clip(Path given) throws ConfigException {
    Path c = given != null ? given : Path.of(System.getenv().getOrDefault("FIELDCAP_SAMPLES",
        "/usr/share/doc/opencv-doc/examples/data"), "vtest.avi");
    if (!Files.isRegularFile(c)) {
      throw new ConfigException("--clip: '" + c + "' does not exist (install opencv-doc, set FIELDCAP_SAMPLES, or give --clip FILE)");
    }
    return c;
  }
}
