package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.config.Durations;
import io.fieldcap.dataset.Selection;
import io.fieldcap.dataset.Splits;
import io.fieldcap.store.LocalFrameStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Option;

/** The options that select frames, labels and classes, and split them: shared by export and dataset create. */
final class SelectionOptions {
  @Option(names = "--split", paramLabel = "SPEC",
      description = "Splits, e.g. train=0.8,val=0.1,test=0.1: grouped by device and --group-window, stable as frames arrive."
          + " Default: all in train.")
  String split;

  @Option(names = "--seed", defaultValue = "0", description = "Changes every split assignment at once (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--group-window", defaultValue = "10m", paramLabel = "DURATION",
      description = "Frames of one device within this window go to the same split (default ${DEFAULT-VALUE}).")
  String groupWindow;

  @Option(names = "--device", paramLabel = "ID", description = "Only this device's frames; repeatable.")
  List<String> devices = new ArrayList<>();

  @Option(names = "--since", paramLabel = "TIME", description = "Frames captured at or after (2026-11-29 or 2026-11-29T08:00:00Z).")
  String since;

  @Option(names = "--until", paramLabel = "TIME", description = "Frames captured before (same forms as --since).")
  String until;

  @Option(names = "--kept-by", paramLabel = "RULE", description = "Frames kept by this capture rule; repeatable.")
  List<String> keptBy = new ArrayList<>();

  @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "Frames carrying this tag; repeatable (all must match).")
  List<String> tags = new ArrayList<>();

  @Option(names = "--min-score", defaultValue = "0", description = "Leave out labels scored below this (default ${DEFAULT-VALUE}).")
  double minScore;

  @Option(names = "--map", paramLabel = "FROM=TO", description = "Rename a class (applied first); repeatable, e.g. --map truck=car.")
  List<String> maps = new ArrayList<>();

  @Option(names = "--classes", paramLabel = "A,B,...", split = ",",
      description = "Keep only these classes (after --map), numbered in this order.")
  List<String> classes;

  @Option(names = "--class", paramLabel = "NAME", description = "Only frames with a label of this class (after --map); repeatable.")
  List<String> withClasses = new ArrayList<>();

  @Option(names = "--labels", defaultValue = "best", paramLabel = "WHICH",
      description = "prelabels (the device's), reviewed (imported corrections; frames without are left out) or best"
          + " (reviewed where there are, else the pre-labels) (default ${DEFAULT-VALUE}).")
  String labels;

  @Option(names = "--keep-duplicates", description = "Take frames fieldcap clean marked as near-duplicates too.")
  boolean keepDuplicates;

  @Option(names = "--keep-broken", description = "Take frames fieldcap clean marked as broken too.")
  boolean keepBroken;

  Selection.Labels labels() throws ConfigException {
    try {
      return Selection.Labels.parse(labels);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private Set<String> keepMarked() {
    Set<String> keep = new TreeSet<>();
    if (keepDuplicates) {
      keep.add("duplicate");
    }
    if (keepBroken) {
      keep.add("broken");
    }
    return keep;
  }

  /** The splits asked for, or null. */
  Splits splits() throws ConfigException {
    if (split == null) {
      return null;
    }
    try {
      return Splits.parse(split, seed, Durations.parse(groupWindow));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  /** The options as given, for a dataset's record of how it was made. */
  Map<String, Object> spec() throws ConfigException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("labels", labels().name().toLowerCase(Locale.ROOT));
    if (split != null) {
      m.put("split", split);
      m.put("seed", seed);
      m.put("groupWindow", groupWindow);
    }
    put(m, "device", devices);
    if (since != null) {
      m.put("since", since);
    }
    if (until != null) {
      m.put("until", until);
    }
    put(m, "keptBy", keptBy);
    put(m, "tag", tags);
    if (minScore > 0) {
      m.put("minScore", minScore);
    }
    put(m, "map", maps);
    if (classes != null) {
      m.put("classes", classes);
    }
    put(m, "class", withClasses);
    put(m, "keep", new ArrayList<>(keepMarked()));
    return m;
  }

  private static void put(Map<String, Object> m, String key, List<String> v) {
    if (!v.isEmpty()) {
      m.put(key, v);
    }
  }

  private static Instant time(String option, String v) throws ConfigException {
    if (v == null) {
      return null;
    }
    try {
      return v.length() == 10 ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant()
          : Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new ConfigException(option + ": '" + v + "' is not a date (2026-11-29) or a UTC time (2026-11-29T08:00:00Z)");
    }
  }

  private static Map<String, String> pairs(String option, List<String> values) throws ConfigException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String v : values) {
      int eq = v.indexOf('=');
      if (eq <= 0 || eq == v.length() - 1) {
        throw new ConfigException(option + ": '" + v + "' is not KEY=VALUE");
      }
      out.put(v.substring(0, eq), v.substring(eq + 1));
    }
    return out;
  }

  /** The selection the options describe. */
  Selection selection() throws ConfigException {
    if (minScore < 0 || minScore > 1) {
      throw new ConfigException("--min-score: " + minScore + " is out of range; expected 0 to 1");
    }
    return new Selection(Set.copyOf(devices), time("--since", since), time("--until", until),
        Set.copyOf(keptBy), pairs("--tag", tags), minScore, pairs("--map", maps),
        classes == null ? null : List.copyOf(classes), Set.copyOf(withClasses), labels(), keepMarked());
  }

  /**
   * The store of a server's data folder; a folder that does not exist yet (or is empty) becomes a new
   * one, as the server's first start makes it, saying so on {@code err}: an ML engineer may start from
   * a public dataset before any camera is out. A folder with other files in it is refused (a typo
   * should not plant a database in the wrong place).
   */
  static LocalFrameStore openOrCreateStore(Path dataDir, PrintWriter err) throws ConfigException, IOException {
    boolean known = Files.isRegularFile(dataDir.resolve("fieldcap.db")) || Files.isRegularFile(dataDir.resolve("database.json"));
    if (!known) {
      if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
        throw new ConfigException("--data-dir: " + dataDir + " is a file, not a folder");
      }
      if (Files.isDirectory(dataDir)) {
        try (var entries = Files.list(dataDir)) {
          if (entries.findAny().isPresent()) {
            throw new ConfigException("--data-dir: " + dataDir + " has files but no fieldcap.db or database.json: not a"
                + " server's data folder; give an empty or new folder to make one");
          }
        }
      }
      LocalFrameStore s = LocalFrameStore.open(dataDir);
      err.println("fieldcap: made a new data folder at " + dataDir + " (metadata in fieldcap.db, images under images/)");
      err.flush();
      return s;
    }
    return LocalFrameStore.open(dataDir);
  }

  /** The store of a server's data folder, or a usage error when the folder is not one. */
  static LocalFrameStore openStore(Path dataDir) throws ConfigException, IOException {
    if (!Files.isRegularFile(dataDir.resolve("fieldcap.db")) && !Files.isRegularFile(dataDir.resolve("database.json"))) {
      throw new ConfigException("--data-dir: no fieldcap.db or database.json in " + dataDir + " (is it a server's data folder?)");
    }
    return LocalFrameStore.open(dataDir);
  }
}
