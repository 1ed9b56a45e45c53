package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.config.Durations;
import io.fieldcap.config.Sizes;
import io.fieldcap.dataset.format.DatasetFormat;
import io.fieldcap.dataset.format.ImportReport;
import io.fieldcap.dataset.format.LabelReader;
import io.fieldcap.dataset.imports.Crawler;
import io.fieldcap.dataset.imports.Importer;
import io.fieldcap.json.Json;
import io.fieldcap.model.DeviceId;
import io.fieldcap.store.LocalFrameStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fieldcap import}: corrections from a labeling tool, or a whole dataset as a source. */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = {"Bring labels in (formats: coco, yolo, voc, labelme, labelstudio, cvat).",
        "Without --source: corrections of exported frames, matched by frame id and stored as a new label revision"
            + " (the pre-labels are kept).",
        "With --source NAME: a dataset's images stored as frames of source NAME, its labels as reviewed labels.",
        "A file or image with a problem is reported with the reason and nothing of it is stored; importing a file"
            + " again changes nothing. Conventions: docs/datasets.md."})
final class ImportCommand implements Callable<Integer> {
  @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The server's data folder.")
  Path dataDir;

  @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "The files' format.")
  String format;

  @Option(names = "--in", required = true, paramLabel = "PATH", description = "An annotation file, or a folder of them.")
  Path in;

  @Option(names = "--source", paramLabel = "NAME", description = "Import a dataset as frames of this source.")
  String source;

  @Option(names = "--classes", paramLabel = "A,B,...", split = ",",
      description = "The classes allowed: labels of any other class are reported as unknown.")
  List<String> classes;

  @Option(names = "--all-reviewed", description = "Corrections: take every file as reviewed, even one that came back"
      + " untouched (its labels the pre-labels as exported) and that its tool does not mark as reviewed.")
  boolean allReviewed;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Option(names = "--rate", defaultValue = "1", paramLabel = "N",
      description = "urls: requests per second to one host at most (a host's Crawl-delay can lower it) (default ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--max-bytes", defaultValue = "20MiB", paramLabel = "SIZE", description = "urls: larger images are refused (default ${DEFAULT-VALUE}).")
  String maxBytes;

  @Option(names = "--retries", defaultValue = "3", paramLabel = "N",
      description = "urls: tries after a network error, 429 or 5xx, with backoff (default ${DEFAULT-VALUE}).")
  int retries;

  @Option(names = "--timeout", defaultValue = "30s", paramLabel = "DURATION", description = "urls: per request (default ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = "--contact", paramLabel = "TEXT", description = "urls: a contact (an e-mail address) for the User-Agent, so site owners can reach you.")
  String contact;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (format.equalsIgnoreCase("urls")) {
      return crawl();
    }
    LabelReader reader;
    try {
      reader = DatasetFormat.reader(format);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--format: " + e.getMessage());
    }
    if (!Files.exists(in)) {
      throw new ConfigException("--in: " + in + " does not exist");
    }
    ImportReport r;
    // a dataset can start a new data folder; corrections need the frames they correct
    try (LocalFrameStore store = source != null ? SelectionOptions.openOrCreateStore(dataDir, spec.commandLine().getErr())
        : SelectionOptions.openStore(dataDir)) {
      Importer importer;
      try {
        importer = new Importer(store, source, classes == null ? null : List.copyOf(classes), Clock.systemUTC(), allReviewed);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage());
      }
      r = importer.run(reader, in);
    }
    var out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("files", r.files());
      m.put("images", r.images());
      m.put("revisions", r.revisions());
      m.put("unchanged", r.unchanged());
      m.put("newFrames", r.newFrames());
      m.put("notReviewed", r.notReviewed());
      m.put("problems", r.problems().stream().map(p -> Map.of("place", p.place(), "reason", p.reason())).toList());
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(m));
    } else {
      out.printf("read %d %s files: %d images, %d new label revisions, %d unchanged%s%s%n", r.files(), reader.format(),
          r.images(), r.revisions(), r.unchanged(), source == null ? "" : ", " + r.newFrames() + " new frames of " + source,
          r.notReviewed() == 0 ? "" : ", " + r.notReviewed() + " not reviewed (left with their pre-labels: untouched and not"
              + " marked reviewed; --all-reviewed takes them as reviewed)");
      if (!r.problems().isEmpty()) {
        out.printf("%d problems (nothing of these was stored):%n", r.problems().size());
        r.problems().forEach(p -> out.println("  " + p));
      }
    }
    out.flush();
    return r.problems().isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
  }

  private int crawl() throws Exception {
    if (source == null) {
      throw new ConfigException("--format urls needs --source NAME: the images become frames of that source");
    }
    if (!Files.isRegularFile(in)) {
      throw new ConfigException("--in: " + in + " is not a file (one URL per line, optionally followed by its license)");
    }
    if (!(rate > 0) || retries < 0) {
      throw new ConfigException("--rate must be above 0 and --retries at least 0");
    }
    if (DeviceId.problem(source) != null) {
      throw new ConfigException("--source: " + DeviceId.problem(source).replace("device id", "source name"));
    }
    Crawler.Options o;
    try {
      o = new Crawler.Options(rate, Sizes.parse(maxBytes),
          retries, Durations.parse(timeout), contact);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    String version = Objects.requireNonNullElse(ImportCommand.class.getPackage().getImplementationVersion(), "dev");
    Crawler.Result r;
    try (LocalFrameStore store = SelectionOptions.openOrCreateStore(dataDir, spec.commandLine().getErr())) {
      r = new Crawler(store, source, o, Clock.systemUTC(), version).run(in,
          new PrintWriter(spec.commandLine().getErr(), true));
    }
    var out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r));
    } else {
      out.printf("%d URLs: %d stored as frames of %s, %d duplicates, %d refused, %d failed (tried again on the next run),"
          + " %d done in an earlier run%n", r.urls(), r.stored(), source, r.duplicates(), r.refused(), r.failed(), r.skipped());
    }
    out.flush();
    return r.failed() == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
  }
}
