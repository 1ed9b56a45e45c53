package io.fieldcap.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.config.ConfigException;
import io.fieldcap.eval.Gate;
import io.fieldcap.json.Json;
import io.fieldcap.model.Sha256;
import io.fieldcap.store.Devices;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.Models;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/**
 * {@code push model --registered REF --require-better}: the candidate from the server's registry, and
 * the gate that refuses it unless it beats, on one frozen test split, every model the target devices
 * run now (as their newest status names it).
 */
final class BetterOptions {
  @Option(names = "--data-dir", paramLabel = "DIR", description = "The server's data folder (its registry, datasets, fleet).")
  Path dataDir;

  @Option(names = "--registered", paramLabel = "NAME|SHA256", description = "Push this model of the registry.")
  String registered;

  @Option(names = "--require-better", description = "Refuse unless it beats each target's current model on --dataset's --split.")
  boolean requireBetter;

  @Option(names = "--dataset", paramLabel = "NAME", description = "--require-better: the frozen dataset to compare on.")
  String dataset;

  @Option(names = "--split", defaultValue = "test", paramLabel = "SPLIT", description = "Its split (default ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--metric", defaultValue = "AP", paramLabel = "AP|AP50", description = "The figure compared (default ${DEFAULT-VALUE}).")
  String metric;

  @Option(names = "--margin", defaultValue = "0", paramLabel = "M",
      description = "It must be better by more than this (default ${DEFAULT-VALUE}).")
  double margin;

  /**
   * The model file to push (the registry's copy, or {@code model}), or null when the gate refuses it
   * (both figures printed).
   */
  Path check(List<String> devices, String group, boolean all, Path model, PrintWriter out) throws IOException, ConfigException {
    if (dataDir == null) {
      throw new ConfigException("--registered and --require-better need --data-dir (the server's registry and datasets)");
    }
    if (!metric.equals("AP") && !metric.equals("AP50")) {
      throw new ConfigException("--metric: '" + metric + "' is not AP or AP50");
    }
    if (requireBetter && dataset == null) {
      throw new ConfigException("--require-better needs --dataset NAME: the frozen dataset whose --split both models are scored on");
    }
    try (LocalFrameStore store = SelectionOptions.openStore(dataDir)) {
      Models.Model candidate;
      Path file;
      try {
        candidate = registered != null ? store.models().find(registered) : store.models().find(Sha256.file(model));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--registered: " + e.getMessage());
      }
      if (candidate == null) {
        throw new ConfigException(registered != null
            ? "--registered: no model named '" + registered + "' in the registry (fieldcap models list)"
            : "--require-better: " + model + " is not in the registry (fieldcap models add " + model + " --data-dir " + dataDir + ")");
      }
      file = RegistryCommands.file(dataDir, candidate.sha256());
      if (!Files.isRegularFile(file)) {
        throw new ConfigException("the registry's copy of " + candidate.name() + " is missing: " + file);
      }
      if (!requireBetter) {
        return named(file, candidate);
      }
      Map<String, List<String>> running = running(store, devices, group, all);
      Gate.Figure mine;
      try {
        mine = Gate.figure(store, candidate, file, dataset, split, metric, out);
        boolean ok = true;
        for (Map.Entry<String, List<String>> e : running.entrySet()) {
          if (e.getKey().equals(candidate.sha256())) {
            out.printf("%s already run(s) %s%n", e.getValue(), candidate.name());
            ok = false;
            continue;
          }
          Models.Model current = store.models().find(e.getKey());
          if (current == null) {
            throw new ConfigException(e.getValue() + " run(s) a model the registry does not know (" + e.getKey().substring(0, 12)
                + "): add it (fieldcap models add FILE) so that it can be scored, or push without --require-better");
          }
          Gate.Figure theirs = Gate.figure(store, current, RegistryCommands.file(dataDir, current.sha256()), dataset, split,
              metric, out);
          boolean better = mine.value() > theirs.value() + margin;
          out.printf(Locale.ROOT, "%s %s %.4f vs %s %.4f (running on %s), dataset %s split %s: %s%n", metric, candidate.name(),
              mine.value(), current.name(), theirs.value(), String.join(", ", e.getValue()), dataset, split,
              better ? "better" : "NOT better" + (margin > 0 ? " by more than " + margin : ""));
          ok &= better;
        }
        if (!ok) {
          out.printf("refused: %s is not better than what the targets run; nothing pushed%n", candidate.name());
          out.flush();
          return null;
        }
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--require-better: " + e.getMessage());
      }
      return named(file, candidate);
    }
  }

  /** The registry's copy under the model's name (the name devices report), in a temporary folder. */
  private static Path named(Path file, Models.Model m) throws IOException {
    Path dir = Files.createTempDirectory("fieldcap-push");
    dir.toFile().deleteOnExit();
    Path named = dir.resolve(m.name() + ".onnx");
    Files.copy(file, named);
    named.toFile().deleteOnExit();
    return named;
  }

  /** The targets' current models (SHA-256 → devices), from the newest status of each in the server's fleet table. */
  private static Map<String, List<String>> running(LocalFrameStore store, List<String> devices, String group, boolean all)
      throws IOException, ConfigException {
    Map<String, List<String>> out = new TreeMap<>();
    List<String> missing = new ArrayList<>(devices);
    for (Devices.Device d : store.devices().all()) {
      JsonNode s = Json.MAPPER.readTree(d.status());
      boolean target = all || devices.contains(d.device()) || group != null && s != null && groups(s).contains(group);
      if (!target) {
        continue;
      }
      missing.remove(d.device());
      String sha = s == null ? null : s.path("modelSha256").asText(null);
      if (sha == null) {
        throw new ConfigException(d.device() + ": its status names no model (modelSha256): cannot compare with what it runs");
      }
      out.computeIfAbsent(sha, k -> new ArrayList<>()).add(d.device());
    }
    if (!missing.isEmpty()) {
      throw new ConfigException(missing + ": the server has never heard from them: cannot compare with what they run");
    }
    if (out.isEmpty()) {
      throw new ConfigException("no target device is known to the server: cannot compare with what they run");
    }
    return out;
  }

  private static List<String> groups(JsonNode s) {
    List<String> g = new ArrayList<>();
    s.path("groups").forEach(x -> g.add(x.asText()));
    return g;
  }
}
