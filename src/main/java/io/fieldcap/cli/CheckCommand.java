package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.dataset.Selection;
import io.fieldcap.dataset.clean.LabelCheck;
import io.fieldcap.json.Json;
import io.fieldcap.store.Frames;
import io.fieldcap.store.LocalFrameStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code fieldcap check}: checks of what the server holds. */
@Command(name = "check", mixinStandardHelpOptions = true, description = "Checks of what the server holds.",
    subcommands = CheckCommand.Labels.class)
final class CheckCommand implements Runnable {
  /** Exit code when problems were found and listed: a CI job over a dataset can gate on it. */
  static final int PROBLEMS = 3;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (labels)");
  }

  /** {@code fieldcap check labels}. */
  @Command(name = "labels", mixinStandardHelpOptions = true,
      description = {"Every problem with the labels an export would take (boxes outside the image or under 2 px, outlines",
          "outside their box, duplicate boxes, class names differing only in case/spacing/plural, classes not in",
          "--classes, classes with fewer than --min-examples labels), and how far reviewers agree with each other and",
          "with the pre-labels. Exit 0: nothing found; 3: problems listed; 2: bad usage."})
  static final class Labels implements Callable<Integer> {
    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The server's data folder.")
    Path dataDir;

    @Mixin SelectionOptions select;

    @Option(names = "--dataset", paramLabel = "NAME", description = "Check a frozen dataset instead of a selection.")
    String dataset;

    @Option(names = "--min-examples", defaultValue = "10", paramLabel = "N",
        description = "Classes with fewer labels are too rare to train on (default ${DEFAULT-VALUE}).")
    int minExamples;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      // --classes is the dataset's class list here: labels outside it are reported, not filtered away
      List<String> classList = select.classes == null ? null : List.copyOf(select.classes);
      select.classes = null;
      Selection selection = select.selection();
      LabelCheck.Result r;
      try (LocalFrameStore store = SelectionOptions.openStore(dataDir)) {
        Frames frames = selection.view(store);
        if (dataset != null) {
          if (store.datasets().get(dataset) == null) {
            throw new ConfigException("--dataset: no dataset named '" + dataset + "' (fieldcap dataset list shows them)");
          }
          var spec = Json.MAPPER.readTree(store.datasets().get(dataset).spec());
          if (classList == null && spec.has("classes")) {
            classList = new ArrayList<>();
            for (var c : spec.get("classes")) {
              classList.add(c.asText());
            }
          }
          frames = store.datasets().frames(dataset);
        }
        r = new LabelCheck(minExamples, classList).run(frames, store);
      }
      var out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("frames", r.frames());
        m.put("labels", r.labels());
        m.put("counts", r.counts());
        m.put("problems", r.problems());
        m.put("classes", r.classCounts());
        m.put("agreement", r.agreement());
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(m));
      } else {
        out.printf("checked %d labels on %d frames: %d problems %s%n", r.labels(), r.frames(), r.problems().size(), r.counts());
        r.problems().forEach(p -> out.printf("  %-20s %s  %s: %s%n", p.kind(), p.frame(), p.label(), p.reason()));
        for (LabelCheck.Agreement a : r.agreement()) {
          out.printf("agreement, %s:%n", a.between());
          a.classes().forEach((c, v) -> out.printf(Locale.ROOT, "  %-16s %5.1f%% of boxes matched at IoU 0.5, mean IoU %.2f%n", c,
              v[0] * 100, v[1]));
          if (!a.worstFrames().isEmpty()) {
            out.println("  least agreement: " + String.join(", ", a.worstFrames()));
          }
        }
      }
      out.flush();
      return r.problems().isEmpty() ? ExitCodes.OK : PROBLEMS;
    }
  }
}
