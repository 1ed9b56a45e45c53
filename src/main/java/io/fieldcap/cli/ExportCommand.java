package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.export.ExportOptions;
import io.fieldcap.export.Exporter;
import io.fieldcap.export.LabelStudioExporter;
import io.fieldcap.export.Selection;
import io.fieldcap.export.Splits;
import io.fieldcap.store.LocalFrameStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fieldcap export}: write a dataset from the server's store. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Write the server's frames and pre-labels as a dataset (formats: coco, yolo, voc, labelme, labelstudio, cvat).",
        "Conventions per format: docs/datasets.md."})
final class ExportCommand implements Callable<Integer> {
  @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The server's data folder.")
  Path dataDir;

  @Option(names = "--format", defaultValue = "coco", paramLabel = "FORMAT", description = "Dataset format (default: coco).")
  String format;

  @Option(names = "--out", required = true, paramLabel = "OUT", description = "Output folder.")
  Path out;

  @Option(names = "--split", paramLabel = "SPEC",
      description = "Splits, e.g. train=0.8,val=0.1,test=0.1: grouped by device and --group-window, stable as frames arrive."
          + " Default: all in train.")
  String split;

  @Option(names = "--seed", defaultValue = "0", description = "Changes every split assignment at once (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--group-window", defaultValue = "10m", paramLabel = "DURATION",
      description = "Frames of one device within this window go to the same split (default ${DEFAULT-VALUE}).")
  String groupWindow;

  @Option(names = "--task", defaultValue = "detect", paramLabel = "TASK",
      description = "detect (boxes) or segment (outlines; yolo) (default ${DEFAULT-VALUE}).")
  String task;

  @Option(names = "--link", description = "Hard-link images from the server's store instead of copying them.")
  boolean link;

  @Option(names = "--image-url", defaultValue = LabelStudioExporter.DEFAULT_URL, paramLabel = "PREFIX",
      description = "labelstudio: the URL prefix of each task's image (default ${DEFAULT-VALUE}: Label Studio's local"
          + " files, with the export as the document root).")
  String imageUrl;

  @Option(names = "--device", paramLabel = "ID", description = "Only this device's frames; repeatable.")
  java.util.List<String> devices = new java.util.ArrayList<>();

  @Option(names = "--since", paramLabel = "TIME", description = "Frames captured at or after (2026-11-29 or 2026-11-29T08:00:00Z).")
  String since;

  @Option(names = "--until", paramLabel = "TIME", description = "Frames captured before (same forms as --since).")
  String until;

  @Option(names = "--kept-by", paramLabel = "RULE", description = "Frames kept by this capture rule; repeatable.")
  java.util.List<String> keptBy = new java.util.ArrayList<>();

  @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "Frames carrying this tag; repeatable (all must match).")
  java.util.List<String> tags = new java.util.ArrayList<>();

  @Option(names = "--min-score", defaultValue = "0", description = "Leave out labels scored below this (default ${DEFAULT-VALUE}).")
  double minScore;

  @Option(names = "--map", paramLabel = "FROM=TO", description = "Rename a class (applied first); repeatable, e.g. --map truck=car.")
  java.util.List<String> maps = new java.util.ArrayList<>();

  @Option(names = "--classes", paramLabel = "A,B,...", split = ",",
      description = "Keep only these classes (after --map), numbered in this order.")
  java.util.List<String> classes;

  @Option(names = "--class", paramLabel = "NAME", description = "Only frames with a label of this class (after --map); repeatable.")
  java.util.List<String> withClasses = new java.util.ArrayList<>();

  @Spec CommandSpec spec;

  /** The exporter for {@code --format}, or a usage error naming the known formats. */
  static Exporter exporter(String format) throws ConfigException {
    try {
      return Exporter.forFormat(format);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--format: " + e.getMessage());
    }
  }

  private static java.time.Instant time(String option, String v) throws ConfigException {
    if (v == null) {
      return null;
    }
    try {
      return v.length() == 10 ? java.time.LocalDate.parse(v).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
          : java.time.Instant.parse(v);
    } catch (java.time.format.DateTimeParseException e) {
      throw new ConfigException(option + ": '" + v + "' is not a date (2026-11-29) or a UTC time (2026-11-29T08:00:00Z)");
    }
  }

  private static java.util.Map<String, String> pairs(String option, java.util.List<String> values) throws ConfigException {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String v : values) {
      int eq = v.indexOf('=');
      if (eq <= 0 || eq == v.length() - 1) {
        throw new ConfigException(option + ": '" + v + "' is not KEY=VALUE");
      }
      out.put(v.substring(0, eq), v.substring(eq + 1));
    }
    return out;
  }

  private Selection selection() throws ConfigException {
    if (minScore < 0 || minScore > 1) {
      throw new ConfigException("--min-score: " + minScore + " is out of range; expected 0 to 1");
    }
    return new Selection(java.util.Set.copyOf(devices), time("--since", since), time("--until", until),
        java.util.Set.copyOf(keptBy), pairs("--tag", tags), minScore, pairs("--map", maps),
        classes == null ? null : java.util.List.copyOf(classes), java.util.Set.copyOf(withClasses));
  }

  @Override
  public Integer call() throws Exception {
    Exporter exporter = exporter(format);
    if (!task.equals("detect") && !task.equals("segment")) {
      throw new ConfigException("--task: '" + task + "' is not allowed; expected detect or segment");
    }
    Splits splits = null;
    if (split != null) {
      try {
        splits = Splits.parse(split, seed, io.fieldcap.config.Durations.parse(groupWindow));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage());
      }
    }
    if (!Files.isRegularFile(dataDir.resolve("fieldcap.db"))) {
      throw new ConfigException("--data-dir: no fieldcap.db in " + dataDir + " (is it a server's data folder?)");
    }
    try (LocalFrameStore store = LocalFrameStore.open(dataDir)) {
      var err = spec.commandLine().getErr();
      long[] read = {0, System.nanoTime()};
      // a line on stderr every 2 s on long exports (formats read the store in one or two passes)
      io.fieldcap.store.Frames progress = action -> store.forEach(f -> {
        action.accept(f);
        read[0]++;
        if (System.nanoTime() - read[1] > 2_000_000_000L) {
          err.printf("export: %d frames read so far%n", read[0]);
          err.flush();
          read[1] = System.nanoTime();
        }
      });
      Exporter.Result r = exporter.export(progress, out, new ExportOptions(splits, task, link, imageUrl, selection()));
      spec.commandLine().getOut().printf("exported %d images, %d annotations in %d categories as %s to %s%n",
          r.images(), r.annotations(), r.categories(), exporter.format(), r.out());
    }
    return ExitCodes.OK;
  }
}
