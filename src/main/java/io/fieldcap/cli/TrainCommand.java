package io.fieldcap.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.config.ConfigException;
import io.fieldcap.dataset.Recorded;
import io.fieldcap.dataset.format.DatasetFormat;
import io.fieldcap.dataset.format.Exporter;
import io.fieldcap.eval.Evaluation;
import io.fieldcap.eval.Gate;
import io.fieldcap.eval.Registry;
import io.fieldcap.eval.Sources;
import io.fieldcap.json.Json;
import io.fieldcap.store.Datasets;
import io.fieldcap.store.Devices;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.Models;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fieldcap train}: the team's trainer run on a frozen dataset; the model it makes registered
 * with its lineage, scored on the dataset's test split, and shown beside what the fleet runs.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Exports a frozen dataset into a work folder, runs --trainer on it (placeholders: {dataset_dir},",
        "{data_yaml}, {coco_train}, {coco_val}, {classes}, {out}), keeps its log, takes the ONNX model it writes under",
        "{out}, registers it with its lineage, scores it on the dataset's test split, and prints it beside the models",
        "the fleet runs now. docs/training.md"})
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--data-dir", paramLabel = "DIR", description = "The server's data folder (on the server).")
  Path dataDir;

  @Option(names = "--server", paramLabel = "URL", description = "Train on a workstation: the fieldcap server's web app to download from.")
  URI server;

  @Option(names = "--token", paramLabel = "TOKEN", description = "--server: a token with the trainer role (default: $FIELDCAP_TOKEN).")
  String token;

  @Option(names = "--register", description = "--server: upload the trained model to the server's registry with its lineage.")
  boolean register;

  @Option(names = "--dataset", required = true, paramLabel = "NAME", description = "The frozen dataset to train on.")
  String dataset;

  @Option(names = "--format", defaultValue = "yolo", paramLabel = "FORMAT", description = "yolo, coco or voc (default ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--trainer", required = true, paramLabel = "COMMAND", description = "The training command (run by /bin/sh).")
  String trainer;

  @Option(names = "--name", paramLabel = "NAME", description = "The new model's name (default: DATASET-TIME).")
  String name;

  @Option(names = "--work", paramLabel = "DIR", description = "Work folder (default: DATA/training/NAME).")
  Path work;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!Set.of("yolo", "coco", "voc").contains(format)) {
      throw new ConfigException("--format: '" + format + "' is not yolo, coco or voc");
    }
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
    String modelName = name != null ? name : dataset + "-" + stamp;
    if (!modelName.matches(Registry.NAME)) {
      throw new ConfigException("--name '" + modelName + "' must be 1 to 64 letters, digits, '.', '-' or '_'");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if ((dataDir == null) == (server == null)) {
      throw new ConfigException("give --data-dir DATA (training on the server) or --server URL (from a workstation)");
    }
    if (server != null) {
      return remote(modelName, out, err);
    }
    if (register) {
      throw new ConfigException("--register goes with --server: on the server, train registers the model itself");
    }
    try (LocalFrameStore store = SelectionOptions.openStore(dataDir)) {
      Datasets.Dataset d = store.datasets().get(dataset);
      if (d == null) {
        throw new ConfigException("--dataset: no dataset named '" + dataset + "' (fieldcap dataset list; fieldcap dataset create)");
      }
      Path dir = work != null ? work : dataDir.resolve("training").resolve(modelName);
      Path data = dir.resolve("dataset");
      Path outDir = Files.createDirectories(dir.resolve("out"));
      Sources.Truth t = Sources.dataset(store, dataset, null);
      Exporter.Result exported = DatasetFormat.writer(format).export(store.datasets().frames(dataset), data,
          Recorded.of(d).exportOptions(d));
      err.printf("train: dataset %s exported as %s to %s (%d images, %d labels)%n", dataset, format, data, exported.images(),
          exported.annotations());
      List<String> classes = Evaluation.classes(t.frames(), t.classes());
      String command = command(data, outDir, String.join(",", classes));
      Path log = dir.resolve("train.log");
      err.printf("train: running %s (log: %s)%n", command, log);
      err.flush();
      int rc = run(command, dir, log, err);
      if (rc != 0) {
        err.printf("train: the trainer exited %d; its log: %s%n", rc, log);
        return ExitCodes.FAILURE;
      }
      Path onnx = newestOnnx(outDir);
      if (onnx == null) {
        err.printf("train: the trainer wrote no .onnx model under %s (the command must export one there); its log: %s%n",
            outDir, log);
        return ExitCodes.FAILURE;
      }
      Map<String, Object> origin = new LinkedHashMap<>();
      origin.put("kind", "trained");
      origin.put("dataset", dataset);
      origin.put("datasetManifest", d.manifest());
      origin.put("format", format);
      origin.put("trainer", trainer);
      origin.put("log", log.toAbsolutePath().toString());
      Models.Model m = RegistryCommands.register(store, onnx, modelName, origin, out);
      List<String> names = new ArrayList<>();
      Json.MAPPER.readTree(m.classes()).forEach(n -> names.add(n.asText()));
      if (!new LinkedHashSet<>(names).containsAll(classes)) {
        err.printf("train: the model's classes %s do not cover the dataset's %s: classes it lacks score nothing%n", names, classes);
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("model", m.name());
      result.put("sha256", m.sha256());
      Gate.Figure mine;
      try {
        mine = figure(store, m, "AP", err);
        result.put("AP", mine.value());
        result.put("AP50", figure(store, m, "AP50", err).value());
      } catch (IllegalArgumentException e) {
        err.printf("train: %s; the model is registered but not scored%n", e.getMessage());
        mine = null;
      }
      List<Map<String, Object>> fleet = new ArrayList<>();
      if (mine != null) {
        for (Map.Entry<String, List<String>> e : fleet(store).entrySet()) {
          Models.Model theirs = store.models().find(e.getKey());
          if (theirs == null || theirs.sha256().equals(m.sha256())) {
            continue;
          }
          Map<String, Object> x = new LinkedHashMap<>();
          x.put("model", theirs.name());
          x.put("runningOn", e.getValue());
          x.put("AP", figure(store, theirs, "AP", err).value());
          x.put("AP50", figure(store, theirs, "AP50", err).value());
          fleet.add(x);
        }
      }
      result.put("fleet", fleet);
      if (json) {
        out.println(Json.MAPPER.writeValueAsString(result));
      } else if (mine != null) {
        out.printf(Locale.ROOT, "%s on dataset %s, split test: AP %.4f, AP50 %.4f%n", m.name(), dataset, result.get("AP"),
            result.get("AP50"));
        for (Map<String, Object> x : fleet) {
          out.printf(Locale.ROOT, "  the fleet's %s (on %s): AP %.4f, AP50 %.4f%n", x.get("model"), x.get("runningOn"), x.get("AP"),
              x.get("AP50"));
        }
      }
      out.flush();
    }
    return ExitCodes.OK;
  }

  /**
   * From a workstation: the dataset downloaded from the server (resumably), the trainer run on it, the
   * model left in the work folder with its lineage, to be registered on the server ({@code models add}).
   */
  private int remote(String modelName, PrintWriter out, PrintWriter err) throws Exception {
    String t = RemoteRegistry.token(token);
    RemoteRegistry.server(server);
    Path dir = Files.createDirectories(work != null ? work : Path.of("fieldcap-training", modelName));
    Path data = dir.resolve("dataset");
    Path outDir = Files.createDirectories(dir.resolve("out"));
    RemoteDataset.fetch(server, t, dataset, format, dir, data, err);
    String classes = "";
    Path yaml = data.resolve("data.yaml");
    if (Files.isRegularFile(yaml)) {
      List<String> names = new ArrayList<>();
      boolean in = false;
      for (String line : Files.readAllLines(yaml)) {
        if (line.startsWith("names:")) {
          in = true;
        } else if (in && line.startsWith("  ") && line.contains(":")) {
          names.add(Json.MAPPER.readValue(line.substring(line.indexOf(':') + 1).strip(), String.class));
        } else {
          in = false;
        }
      }
      classes = String.join(",", names);
    }
    Path log = dir.resolve("train.log");
    int rc = run(command(data, outDir, classes), dir, log, err);
    if (rc != 0) {
      err.printf("train: the trainer exited %d; its log: %s%n", rc, log);
      return ExitCodes.FAILURE;
    }
    Path onnx = newestOnnx(outDir);
    if (onnx == null) {
      err.printf("train: the trainer wrote no .onnx model under %s; its log: %s%n", outDir, log);
      return ExitCodes.FAILURE;
    }
    Map<String, Object> lineage = new LinkedHashMap<>();
    lineage.put("kind", "trained");
    lineage.put("dataset", dataset);
    lineage.put("server", server.toString());
    lineage.put("format", format);
    lineage.put("trainer", trainer);
    lineage.put("model", onnx.toAbsolutePath().toString());
    if (register) {
      JsonNode m = RemoteRegistry.upload(server, t, onnx, modelName, lineage, json ? new PrintWriter(err, true) : out);
      lineage.put("sha256", m.path("sha256").asText());
      lineage.put("registered", m.path("name").asText());
    }
    Files.write(dir.resolve("lineage.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(lineage));
    if (json) {
      out.println(Json.MAPPER.writeValueAsString(lineage));
    } else if (!register) {
      out.printf("trained %s on dataset %s: %s%nregister it on the server: fieldcap models add %s --server %s --name %s"
          + " --lineage %s%n", modelName, dataset, onnx, onnx, server, modelName, dir.resolve("lineage.json"));
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** The trainer command with its placeholders filled in, each as one shell word. */
  private String command(Path data, Path outDir, String classes) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("dataset_dir", data.toAbsolutePath().toString());
    values.put("data_yaml", data.resolve("data.yaml").toAbsolutePath().toString());
    values.put("coco_train", data.resolve("annotations.json").toAbsolutePath().toString());
    values.put("coco_val", data.resolve("annotations.json").toAbsolutePath().toString());
    values.put("classes", classes);
    values.put("out", outDir.toAbsolutePath().toString());
    String command = trainer;
    for (Map.Entry<String, String> v : values.entrySet()) {
      command = command.replace("{" + v.getKey() + "}", quote(v.getValue()));
    }
    return command;
  }

  private Gate.Figure figure(LocalFrameStore store, Models.Model m, String metric, PrintWriter log) throws IOException {
    return Gate.figure(store, m, RegistryCommands.file(dataDir, m.sha256()), dataset, "test", metric, log);
  }

  /** The models the fleet runs now (SHA-256 → devices), from each device's newest status. */
  private static Map<String, List<String>> fleet(LocalFrameStore store) throws IOException {
    Map<String, List<String>> out = new LinkedHashMap<>();
    store.devices().runningModels().forEach((sha, ds) -> out.put(sha, ds.stream().map(Devices.Device::device).toList()));
    return out;
  }

  /** Runs {@code command} with /bin/sh in {@code dir}, its output to {@code log} and, line by line, to {@code err}. */
  static int run(String command, Path dir, Path log, PrintWriter err) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("/bin/sh", "-c", command).directory(dir.toFile()).redirectErrorStream(true).start();
    try (Writer w = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        w.write(line);
        w.write('\n');
        w.flush();
        err.println("train: " + line);
        err.flush();
      }
    }
    return p.waitFor();
  }

  private static Path newestOnnx(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".onnx") && Files.isRegularFile(p))
          .max(Comparator.comparing(p -> p.toFile().lastModified())).orElse(null);
    }
  }

  /** {@code v} as one shell word. */
  static String quote(String v) {
    return "'" + v.replace("'", "'\\''") + "'";
  }
}
