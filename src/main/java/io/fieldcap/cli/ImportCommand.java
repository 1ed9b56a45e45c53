package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.imports.ImportReport;
import io.fieldcap.imports.Importer;
import io.fieldcap.imports.LabelReader;
import io.fieldcap.protocol.Codec;
import io.fieldcap.store.LocalFrameStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

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

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    LabelReader reader;
    try {
      reader = LabelReader.forFormat(format);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--format: " + e.getMessage());
    }
    if (!java.nio.file.Files.exists(in)) {
      throw new ConfigException("--in: " + in + " does not exist");
    }
    ImportReport r;
    try (LocalFrameStore store = SelectionOptions.openStore(dataDir)) {
      Importer importer;
      try {
        importer = new Importer(store, source, classes == null ? null : List.copyOf(classes), Clock.systemUTC());
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
      out.println(Codec.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m));
    } else {
      out.printf("read %d %s files: %d images, %d new label revisions, %d unchanged%s%s%n", r.files(), reader.format(),
          r.images(), r.revisions(), r.unchanged(), source == null ? "" : ", " + r.newFrames() + " new frames of " + source,
          r.notReviewed() == 0 ? "" : ", " + r.notReviewed() + " not reviewed");
      if (!r.problems().isEmpty()) {
        out.printf("%d problems (nothing of these was stored):%n", r.problems().size());
        r.problems().forEach(p -> out.println("  " + p));
      }
    }
    out.flush();
    return r.problems().isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
  }
}
