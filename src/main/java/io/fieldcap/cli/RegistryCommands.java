package io.fieldcap.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.config.ConfigException;
import io.fieldcap.eval.Registry;
import io.fieldcap.json.Json;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.Models;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fieldcap models add|list|show}: the server's model registry (docs/evaluation.md). */
final class RegistryCommands {
  private RegistryCommands() {}

  /** Where a registered model's file is kept. */
  static Path file(Path dataDir, String sha256) {
    return Registry.file(dataDir, sha256);
  }

  /** Registers {@code model} ({@link Registry#register}), saying what happened; the registered model (new or already there). */
  static Models.Model register(LocalFrameStore store, Path model, String name, Map<String, Object> origin, PrintWriter out)
      throws IOException, ConfigException {
    Registry.Registered r;
    try {
      r = Registry.register(store, model, model.toString(), name, origin, false);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    Models.Model m = r.model();
    if (!r.added()) {
      out.printf("model %s (%s) is registered already, as %s%n", model.getFileName(), m.sha256().substring(0, 12), m.name());
    } else {
      out.printf("registered %s (%s): %s, %d classes, input %dx%d%n", m.name(), m.sha256().substring(0, 12), m.family(),
          r.info().names().size(), m.inputWidth(), m.inputHeight());
    }
    return m;
  }

  /** The devices whose newest status says they run the model with this SHA-256. */
  static List<String> runningOn(LocalFrameStore store, String sha256) throws IOException {
    return store.devices().runningModels().getOrDefault(sha256, List.of()).stream()
        .map(d -> d.device() + (d.state().equals("online") ? "" : " (" + d.state() + ")")).toList();
  }

  static Map<String, Object> json(LocalFrameStore store, Models.Model m, boolean evaluations) throws IOException {
    Map<String, Object> o = Registry.json(m);
    o.put("runningOn", runningOn(store, m.sha256()));
    if (evaluations) {
      List<Map<String, Object>> evs = new ArrayList<>();
      for (Models.Evaluation e : store.models().evaluations(m.sha256())) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("at", e.createdAt().toString());
        x.put("dataset", e.dataset());
        x.put("split", e.split());
        x.put("labels", e.labels());
        x.put("iouType", e.iouType());
        x.put("frames", e.frames());
        x.put("figures", Json.MAPPER.readTree(e.figures()));
        evs.add(x);
      }
      o.put("evaluations", evs);
    }
    return o;
  }

  /** {@code fieldcap models add PATH}. */
  @Command(name = "add", mixinStandardHelpOptions = true,
      description = {"Registers a model with the server: its SHA-256, family, classes and input size, where it came from;",
          "its file is kept in DATA/models/. On the server: --data-dir (a data folder is made where there is none);",
          "from another machine: --server URL with a trainer's token (the model is uploaded)."})
  static final class Add implements Callable<Integer> {
    @Parameters(paramLabel = "PATH", description = "The ONNX model.")
    Path path;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "The server's data folder (on the server).")
    Path dataDir;

    @Option(names = "--server", paramLabel = "URL", description = "From another machine: the fieldcap server's web app to upload to.")
    URI server;

    @Option(names = "--token", paramLabel = "TOKEN", description = "--server: a token with the trainer role (default: $FIELDCAP_TOKEN).")
    String token;

    @Option(names = "--lineage", paramLabel = "FILE",
        description = "--server: where the model came from, a JSON object (train --server writes lineage.json).")
    Path lineage;

    @Option(names = "--name", paramLabel = "NAME", description = "Its name (default: the file's name).")
    String name;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (!Files.isRegularFile(path)) {
        throw new ConfigException("PATH: " + path + " is not a file");
      }
      if ((dataDir == null) == (server == null)) {
        throw new ConfigException("give --data-dir DATA (on the server) or --server URL (from another machine)");
      }
      String n = name != null ? name : path.getFileName().toString().replaceAll("\\.onnx$", "");
      if (!n.matches(Registry.NAME)) {
        throw new ConfigException((name != null ? "--name" : "PATH") + ": the model's name '" + n
            + "' must be 1 to 64 letters, digits, '.', '-' or '_'" + (name != null ? "" : " (give --name)"));
      }
      PrintWriter out = spec.commandLine().getOut();
      if (server != null) {
        Map<String, Object> l = null;
        if (lineage != null) {
          try {
            l = Json.MAPPER.readValue(lineage.toFile(), new TypeReference<Map<String, Object>>() {});
          } catch (IOException e) {
            throw new ConfigException("--lineage: " + lineage + " is not a JSON object: " + e.getMessage().lines().findFirst()
                .orElse(""));
          }
        }
        RemoteRegistry.upload(RemoteRegistry.server(server), RemoteRegistry.token(token), path, n, l, out);
        return ExitCodes.OK;
      }
      if (lineage != null || token != null) {
        throw new ConfigException("--lineage and --token go with --server");
      }
      try (LocalFrameStore store = SelectionOptions.openOrCreateStore(dataDir, spec.commandLine().getErr())) {
        register(store, path, n, Map.of("kind", "added", "file", path.getFileName().toString()), out);
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code fieldcap models list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "The registered models, newest first.")
  static final class ListModels implements Callable<Integer> {
    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The server's data folder.")
    Path dataDir;

    @Option(names = "--json", description = "Print a JSON array.")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (LocalFrameStore store = SelectionOptions.openStore(dataDir)) {
        List<Models.Model> all = store.models().list();
        if (json) {
          List<Map<String, Object>> a = new ArrayList<>();
          for (Models.Model m : all) {
            a.add(json(store, m, false));
          }
          out.println(Json.MAPPER.writeValueAsString(a));
        } else if (all.isEmpty()) {
          out.println("no models registered (fieldcap models add PATH --data-dir DIR)");
        } else {
          out.printf("%-24s %-12s %-10s %7s  %-20s %s%n", "name", "sha256", "family", "classes", "added", "running on");
          for (Models.Model m : all) {
            out.printf("%-24s %-12s %-10s %7d  %-20s %s%n", m.name(), m.sha256().substring(0, 12), m.family(),
                Json.MAPPER.readTree(m.classes()).size(), m.addedAt().toString().substring(0, 19), String.join(", ",
                    runningOn(store, m.sha256())));
          }
        }
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code fieldcap models show REF}. */
  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "A registered model (by name, or by its SHA-256 or its first 8 or more digits) and its evaluations.")
  static final class Show implements Callable<Integer> {
    @Parameters(paramLabel = "REF", description = "The model's name or SHA-256 (or a prefix of 8 or more digits).")
    String ref;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The server's data folder.")
    Path dataDir;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (LocalFrameStore store = SelectionOptions.openStore(dataDir)) {
        Models.Model m;
        try {
          m = store.models().find(ref);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(e.getMessage());
        }
        if (m == null) {
          throw new ConfigException("no registered model named '" + ref + "' (fieldcap models list shows them)");
        }
        Map<String, Object> o = json(store, m, true);
        if (json) {
          out.println(Json.MAPPER.writeValueAsString(o));
        } else {
          out.printf("%s  %s%n", m.name(), m.sha256());
          out.printf("family    %s, input %dx%d%n", m.family(), m.inputWidth(), m.inputHeight());
          out.printf("classes   %s%n", Json.MAPPER.readTree(m.classes()));
          out.printf("origin    %s (added %s)%n", m.origin(), m.addedAt());
          out.printf("running   %s%n", o.get("runningOn"));
          for (Models.Evaluation e : store.models().evaluations(m.sha256())) {
            JsonNode f = Json.MAPPER.readTree(e.figures());
            out.printf("eval %s  %s%s, %s labels, %d frames: AP %.3f AP50 %.3f%n", e.createdAt().toString().substring(0, 19),
                e.dataset() == null ? "selection" : "dataset " + e.dataset(), e.split() == null ? "" : " " + e.split(), e.labels(),
                e.frames(), f.path("AP").asDouble(-1), f.path("AP50").asDouble(-1));
          }
        }
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
