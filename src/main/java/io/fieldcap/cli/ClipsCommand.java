package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.dataset.format.LabelStudioVideo;
import io.fieldcap.store.Clips;
import io.fieldcap.store.LocalFrameStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fieldcap clips}: the event clips a server stored. */
@Command(name = "clips", mixinStandardHelpOptions = true, description = "The event clips the devices recorded (docs/capture.md).",
    subcommands = {ClipsCommand.ListClips.class, ClipsCommand.Export.class})
final class ClipsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (list, export)");
  }

  /** {@code fieldcap clips list --data-dir D [--device X]}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "One line per clip, newest first.")
  static final class ListClips implements Callable<Integer> {
    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The server's data folder.")
    Path dataDir;

    @Option(names = "--device", paramLabel = "ID", description = "Only this device's clips.")
    String device;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      try (LocalFrameStore store = SelectionOptions.openStore(dataDir)) {
        for (Clips.Clip c : store.clips().list(device, Integer.MAX_VALUE)) {
          spec.commandLine().getOut().printf("%s %s %s %d frames at %.1f fps, trigger %d, kept by %s, %d bytes%n", c.device(),
              c.clipId(), c.startedAt(), c.frames(), c.fps(), c.trigger(), c.rule(), c.bytes());
        }
      }
      return ExitCodes.OK;
    }
  }

  /** {@code fieldcap clips export --data-dir D --out O [--device X]}: Label Studio video tasks. */
  @Command(name = "export", mixinStandardHelpOptions = true, description = {
      "Write the clips as Label Studio video tasks (videorectangle tracks, docs/datasets.md): OUT/videos/*.mp4,",
      "OUT/tasks.json and OUT/label_config.xml."})
  static final class Export implements Callable<Integer> {
    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The server's data folder.")
    Path dataDir;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write (created; must be empty).")
    Path out;

    @Option(names = "--device", paramLabel = "ID", description = "Only this device's clips.")
    String device;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (Files.isDirectory(out)) {
        try (var s = Files.list(out)) {
          if (s.findAny().isPresent()) {
            throw new ConfigException("--out: " + out + " is not empty; choose a new folder");
          }
        }
      }
      try (LocalFrameStore store = SelectionOptions.openStore(dataDir)) {
        List<Clips.Clip> clips = store.clips().list(device, Integer.MAX_VALUE);
        LabelStudioVideo.Result r = LabelStudioVideo.export(store.clips(), clips, out);
        spec.commandLine().getOut().println("exported " + r.clips() + " clips with " + r.tracks() + " regions to " + out);
      }
      return ExitCodes.OK;
    }
  }
}
