package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.dataset.Selection;
import io.fieldcap.dataset.Splits;
import io.fieldcap.json.Json;
import io.fieldcap.store.Datasets;
import io.fieldcap.store.LocalFrameStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code fieldcap dataset}: frozen dataset versions. */
@Command(name = "dataset", mixinStandardHelpOptions = true,
    description = "Frozen datasets: a selection's frames, label revisions and splits, recorded so that"
        + " export --dataset NAME writes the same dataset later.",
    subcommands = {DatasetCommand.Create.class, DatasetCommand.ListDatasets.class, DatasetCommand.Show.class})
final class DatasetCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (create, list, show)");
  }

  /** {@code fieldcap dataset create NAME [selection] [--split ...]}. */
  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Freeze the frames the selection options take, with their labels (after --map/--classes), the label"
          + " revision they came from, their split and every image's SHA-256.")
  static final class Create implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "The dataset's name (letters, digits, . - _).")
    String name;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The server's data folder.")
    Path dataDir;

    @Mixin SelectionOptions select;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      try {
        Datasets.checkName(name);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage());
      }
      Selection selection = select.selection();
      Splits splits = select.splits();
      try (LocalFrameStore store = SelectionOptions.openStore(dataDir)) {
        Datasets.Dataset d;
        try {
          d = store.datasets().create(name, Json.MAPPER.writeValueAsString(select.spec()), selection.view(store),
              splits == null ? null : splits::of, Instant.now());
        } catch (IllegalArgumentException e) {
          throw new ConfigException(e.getMessage());
        }
        spec.commandLine().getOut().printf("dataset %s: %d frames, manifest %s%n", d.name(), d.frames(), d.manifest());
      }
      return ExitCodes.OK;
    }
  }

  /** {@code fieldcap dataset list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "The datasets, oldest first.")
  static final class ListDatasets implements Callable<Integer> {
    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The server's data folder.")
    Path dataDir;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      try (LocalFrameStore store = SelectionOptions.openStore(dataDir)) {
        var out = spec.commandLine().getOut();
        var list = store.datasets().list();
        if (list.isEmpty()) {
          out.println("no datasets yet (fieldcap dataset create NAME)");
        }
        for (Datasets.Dataset d : list) {
          out.printf("%-24s %s %7d frames  %s  %s%n", d.name(), d.createdAt(), d.frames(), d.manifest().substring(0, 12),
              d.spec());
        }
      }
      return ExitCodes.OK;
    }
  }

  /** {@code fieldcap dataset show NAME}: its manifest. */
  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "A dataset's manifest: one line per frame, SHA256  DEVICE/FRAME SPLIT rREVISION (r0: the pre-labels).")
  static final class Show implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "The dataset.")
    String name;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The server's data folder.")
    Path dataDir;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      try (LocalFrameStore store = SelectionOptions.openStore(dataDir)) {
        var out = spec.commandLine().getOut();
        try {
          store.datasets().manifest(name).forEach(out::println);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(e.getMessage());
        }
      }
      return ExitCodes.OK;
    }
  }
}
