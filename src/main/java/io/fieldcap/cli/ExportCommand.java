package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.export.Exporter;
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
    description = "Write the server's frames and pre-labels as a dataset (formats: coco).")
final class ExportCommand implements Callable<Integer> {
  @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The server's data folder.")
  Path dataDir;

  @Option(names = "--format", defaultValue = "coco", paramLabel = "FORMAT", description = "Dataset format (default: coco).")
  String format;

  @Option(names = "--out", required = true, paramLabel = "OUT", description = "Output folder.")
  Path out;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Exporter exporter;
    try {
      exporter = Exporter.forFormat(format);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--format: " + e.getMessage());
    }
    if (!Files.isRegularFile(dataDir.resolve("fieldcap.db"))) {
      throw new ConfigException("--data-dir: no fieldcap.db in " + dataDir + " (is it a server's data folder?)");
    }
    try (LocalFrameStore store = LocalFrameStore.open(dataDir)) {
      Exporter.Result r = exporter.export(store, out);
      spec.commandLine().getOut().printf("exported %d images, %d annotations in %d categories as %s to %s%n",
          r.images(), r.annotations(), r.categories(), exporter.format(), r.out());
    }
    return ExitCodes.OK;
  }
}
