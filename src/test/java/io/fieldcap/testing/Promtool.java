package io.fieldcap.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Debian's {@code promtool check metrics}: a reader of Prometheus' text format that fieldcap did not write. */
public final class Promtool {
  private Promtool() {}

  /** Runs promtool over {@code text} (written to a file in {@code dir}); returns its exit code and what it said. */
  public static Result check(Path dir, String text) throws IOException, InterruptedException {
    Path scraped = Files.createTempFile(dir, "metrics", ".txt");
    Files.writeString(scraped, text);
    Process p = new ProcessBuilder("promtool", "check", "metrics").redirectInput(scraped.toFile()).redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes()).strip();
    return new Result(p.waitFor(), said);
  }

  /** promtool's exit code and its lint and errors (empty when it found nothing). */
  public record Result(int exitCode, String said) {}
}
