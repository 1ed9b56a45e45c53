package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.dataset.clean.Cleaner;
import io.fieldcap.json.Json;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.Marks;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fieldcap clean}: near-duplicates and broken frames, marked, never deleted. */
@Command(name = "clean", mixinStandardHelpOptions = true,
    description = {"Mark near-duplicate frames (across devices, sources and time; the best of each group is kept) and broken",
        "frames (undecodable, truncated, uniform, labels outside the image). Nothing is deleted: exports leave marked",
        "frames out unless --keep-duplicates / --keep-broken, and --undo takes the newest run's marks back."})
final class CleanCommand implements Callable<Integer> {
  @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The server's data folder.")
  Path dataDir;

  @Option(names = "--distance", defaultValue = "" + Cleaner.DEFAULT_DISTANCE, paramLabel = "BITS",
      description = "Perceptual hashes this many bits apart (of 256) or fewer are near-duplicates (default ${DEFAULT-VALUE}).")
  int distance;

  @Option(names = "--undo", description = "Take back the marks of the newest clean run that still has marks.")
  boolean undo;

  @Option(names = "--undo-all", description = "Take back every mark.")
  boolean undoAll;

  @Option(names = "--list", description = "List every mark in force with its reason.")
  boolean list;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    var out = spec.commandLine().getOut();
    try (LocalFrameStore store = SelectionOptions.openStore(dataDir)) {
      if (undo || undoAll) {
        int n = Cleaner.undo(store, undoAll);
        out.printf(json ? "{\"undone\": %d}%n" : "took back %d marks%n", n);
        return ExitCodes.OK;
      }
      if (list) {
        List<Marks.Mark> marks = Cleaner.marks(store);
        if (json) {
          out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(marks));
        } else {
          marks.forEach(m -> out.printf("%-9s %s/%s  run %d  %s%n", m.kind(), m.device(), m.frameId(), m.run(), m.reason()));
        }
        return ExitCodes.OK;
      }
      Cleaner cleaner;
      try {
        cleaner = new Cleaner(store, distance, Clock.systemUTC());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage());
      }
      Cleaner.Result r = cleaner.run(new PrintWriter(spec.commandLine().getErr(), true));
      int broken = r.broken().values().stream().mapToInt(Integer::intValue).sum();
      store.marks().finishRun(r.run(), Json.MAPPER.writeValueAsString(Map.of("broken", broken, "duplicates", r.duplicates())));
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", r.run());
        m.put("frames", r.frames());
        m.put("measured", r.measured());
        m.put("distance", distance);
        m.put("broken", r.broken());
        m.put("duplicateGroups", r.groups().size());
        m.put("duplicates", r.duplicates());
        m.put("alreadyMarked", r.alreadyMarked());
        m.put("groups", r.groups());
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(m));
      } else {
        out.printf("clean run %d: %d frames (%d measured now); marked %d broken %s, %d near-duplicates in %d groups"
            + " (distance <= %d of 256 bits); %d already marked%n", r.run(), r.frames(), r.measured(), broken, r.broken(),
            r.duplicates(), r.groups().size(), distance, r.alreadyMarked());
        for (Cleaner.Group g : r.groups()) {
          out.printf("  kept %s, marked %s%n", g.kept(), String.join(" ", g.marked()));
        }
        if (broken + r.duplicates() > 0) {
          out.println("exports leave marked frames out (--keep-duplicates, --keep-broken take them); fieldcap clean --undo takes"
              + " this run back");
        }
      }
    }
    return ExitCodes.OK;
  }
}
