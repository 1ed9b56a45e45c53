package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.dataset.Splits;
import io.fieldcap.dataset.imports.Corrections;
import io.fieldcap.dataset.report.HtmlReport;
import io.fieldcap.json.Json;
import io.fieldcap.store.Frames;
import io.fieldcap.store.LocalFrameStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code fieldcap report}: reports on the server's data. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"An HTML report of the server's data (--out REPORT): frames per device per day, classes per split, pre-label",
        "scores, box sizes, and contact sheets per class, per duplicate group and per kind of label problem; a folder",
        "viewed without network. Or a report as text: report corrections."},
    subcommands = ReportCommand.CorrectionsReport.class)
final class ReportCommand implements Callable<Integer> {
  @Option(names = "--data-dir", paramLabel = "DIR", description = "The server's data folder.")
  Path dataDir;

  @Option(names = "--out", paramLabel = "REPORT", description = "The folder to write index.html and its pictures into.")
  Path out;

  @Option(names = "--dataset", paramLabel = "NAME", description = "Report on a frozen dataset instead of a selection.")
  String dataset;

  @CommandLine.Mixin SelectionOptions select;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (dataDir == null || out == null) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "give --data-dir DIR --out REPORT for the HTML report, or a subcommand (corrections)");
    }
    Splits splits = select.splits();
    try (LocalFrameStore store = SelectionOptions.openStore(dataDir)) {
      Frames frames = select.selection().view(store);
      String title = "fieldcap report: " + dataDir.toAbsolutePath().getFileName();
      if (dataset != null) {
        if (store.datasets().get(dataset) == null) {
          throw new ConfigException("--dataset: no dataset named '" + dataset
              + "' (fieldcap dataset list shows them)");
        }
        frames = store.datasets().frames(dataset);
        splits = null; // each frame carries its recorded split
        title = "fieldcap report: dataset " + dataset;
      }
      var err = new PrintWriter(spec.commandLine().getErr(), true);
      HtmlReport.Result r = new HtmlReport(store, splits, err).write(frames, out, title);
      spec.commandLine().getOut().printf("report of %d frames, %d classes: %d contact sheets, %d duplicate groups, %d label"
          + " problems: %s%n", r.frames(), r.classes(), r.sheets(), r.duplicateGroups(), r.problems(), r.index());
    }
    return ExitCodes.OK;
  }

  /** {@code fieldcap report corrections}. */
  @Command(name = "corrections", mixinStandardHelpOptions = true,
      description = {"How reviewers changed the pre-labels, per model and class: boxes kept (same class, IoU >= 0.9),",
          "moved (IoU 0.5-0.9), relabelled, deleted and added, the pre-labels' precision and recall at IoU 0.5, and the",
          "share of boxes corrected; models in the order of their first frame."})
  static final class CorrectionsReport implements Callable<Integer> {
    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The server's data folder.")
    Path dataDir;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Spec CommandSpec spec;

    private static Map<String, Object> map(Corrections.Counts c, boolean frames) {
      Map<String, Object> m = new LinkedHashMap<>();
      if (frames) {
        m.put("frames", c.frames);
      }
      m.put("prelabels", c.prelabels);
      m.put("reviewed", c.reviewed);
      m.put("kept", c.kept);
      m.put("moved", c.moved);
      m.put("relabelled", c.relabelled);
      m.put("deleted", c.deleted);
      m.put("added", c.added);
      m.put("precision", Double.isNaN(c.precision()) ? null : Math.round(c.precision() * 1e4) / 1e4);
      m.put("recall", Double.isNaN(c.recall()) ? null : Math.round(c.recall() * 1e4) / 1e4);
      m.put("corrected", Double.isNaN(c.corrected()) ? null : Math.round(c.corrected() * 1e4) / 1e4);
      return m;
    }

    private static String pct(double v) {
      return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f%%", v * 100);
    }

    private static String row(String name, Corrections.Counts c) {
      return String.format(Locale.ROOT, "  %-16s %8d %8d %6d %6d %10d %7d %6d %9s %7s %9s", name, c.prelabels, c.reviewed, c.kept,
          c.moved, c.relabelled, c.deleted, c.added, pct(c.precision()), pct(c.recall()), pct(c.corrected()));
    }

    @Override
    public Integer call() throws Exception {
      List<Corrections.ModelReport> reports;
      try (LocalFrameStore store = SelectionOptions.openStore(dataDir)) {
        reports = Corrections.of(store);
      }
      var out = spec.commandLine().getOut();
      if (json) {
        List<Map<String, Object>> list = reports.stream().map(r -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("model", r.model());
          m.putAll(map(r.all(), true));
          Map<String, Object> classes = new LinkedHashMap<>();
          r.classes().forEach((k, v) -> classes.put(k, map(v, false)));
          m.put("classes", classes);
          return m;
        }).toList();
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(Map.of("models", list)));
      } else if (reports.isEmpty()) {
        out.println("no frame has both pre-labels and reviewed labels yet (fieldcap import brings corrections in)");
      } else {
        for (Corrections.ModelReport r : reports) {
          out.printf("%s: %d reviewed frames%n", r.model(), r.all().frames);
          out.printf("  %-16s %8s %8s %6s %6s %10s %7s %6s %9s %7s %9s%n", "class", "pre", "reviewed", "kept", "moved",
              "relabelled", "deleted", "added", "precision", "recall", "corrected");
          r.classes().forEach((k, v) -> out.println(row(k, v)));
          out.println(row("(all)", r.all()));
        }
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
