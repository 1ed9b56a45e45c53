package io.fieldcap.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.config.ConfigException;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.config.Durations;
import io.fieldcap.config.MqttConfig;
import io.fieldcap.config.Sizes;
import io.fieldcap.image.Images;
import io.fieldcap.inference.ModelException;
import io.fieldcap.inference.OnnxDetector;
import io.fieldcap.json.Json;
import io.fieldcap.keys.SigningKeys;
import io.fieldcap.model.Sha256;
import io.fieldcap.update.Bundle;
import io.fieldcap.update.FleetClient;
import io.fieldcap.update.Signed;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.opencv.core.Mat;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code fieldcap push model|config}: signed updates for one device, a group or the fleet (docs/fleet.md). */
@Command(name = "push", mixinStandardHelpOptions = true,
    description = {"Ship a new model or config to devices as a signed bundle over the broker (docs/fleet.md).",
        "Devices verify it with update.key, check it, switch, and roll back by themselves if it fails."},
    subcommands = {PushCommand.PushModel.class, PushCommand.PushConfig.class})
final class PushCommand implements Runnable {
  /** The states an update ends in; only {@code active} passes a canary ({@code unproven}: never watched long enough). */
  private static final Set<String> FINAL = Set.of("active", "unproven", "rolled-back", "refused");

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required (model or config)");
  }

  /** Whom a bundle is for. */
  static final class Targets {
    @Option(names = "--device", paramLabel = "ID", description = "A device; repeatable.")
    List<String> devices = new ArrayList<>();

    @Option(names = "--group", paramLabel = "NAME", description = "Every device with NAME in device.groups.")
    String group;

    @Option(names = "--all", description = "Every device of the fleet.")
    boolean all;
  }

  /** What every push shares: broker, key, target, limits, watching. */
  static final class Common {
    @Option(names = "--broker", paramLabel = "URI", description = "tcp://host:1883 or ssl://host:8883 (sets mqtt.broker).")
    String broker;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "A YAML file whose mqtt: section to use (TLS, user).")
    Path mqttFile;

    @Option(names = "--key", required = true, paramLabel = "FILE",
        description = "The update signing key (PKCS#8 PEM from 'fieldcap keys generate --name update').")
    Path key;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Targets targets;

    @Option(names = "--canary", paramLabel = "N", defaultValue = "0",
        description = "With --group or --all: update N devices first, and the rest only once they pass probation.")
    int canary;

    @Option(names = "--expires", defaultValue = "30d", paramLabel = "DURATION",
        description = "Devices refuse the bundle after this long (default ${DEFAULT-VALUE}).")
    String expires;

    @Option(names = "--sequence", paramLabel = "N",
        description = "Above every earlier bundle of this kind (default: the time now in milliseconds).")
    Long sequence;

    @Option(names = "--min-agent", paramLabel = "VERSION", description = "Agents older than this refuse the bundle.")
    String minAgent;

    @Option(names = "--wait", paramLabel = "DURATION",
        description = "Watch the rollout this long: every target device's state until it is active, refused or rolled back"
            + " (default: 0, or 30m with --canary).")
    String waitFor;

    @Option(names = "--chunk-size", defaultValue = "256KiB", paramLabel = "SIZE",
        description = "Size of each retained chunk (default ${DEFAULT-VALUE}).")
    String chunkSize;
  }

  /** {@code fieldcap push model}. */
  @Command(name = "model", mixinStandardHelpOptions = true,
      description = {"Push an ONNX model. It is loaded here first; its class names go into the signed manifest, and with",
          "--golden the detections it must find on those images (from DIR/expected.json, or from running it here)."})
  static final class PushModel implements Callable<Integer> {
    @Mixin Common common = new Common();

    @Option(names = "--model", paramLabel = "FILE", description = "The ONNX model (or --registered).")
    Path model;

    @Mixin BetterOptions better = new BetterOptions();

    @Option(names = "--labels", paramLabel = "FILE", description = "Its class names, one per line, when its metadata has none.")
    Path labels;

    @Option(names = "--golden", paramLabel = "DIR", description = "Golden images (.jpg, .png) the model is checked on, on the device.")
    Path golden;

    @Option(names = "--golden-iou", defaultValue = "0.5", paramLabel = "IOU", description = "Match at this IoU (default ${DEFAULT-VALUE}).")
    double goldenIou;

    @Option(names = "--golden-match", defaultValue = "0.9", paramLabel = "FRACTION",
        description = "matched / max(expected, found) needed (default ${DEFAULT-VALUE}).")
    double goldenMatch;

    @Option(names = "--confidence", defaultValue = "0.25", paramLabel = "SCORE",
        description = "Confidence for the expected detections computed here (default ${DEFAULT-VALUE}, the agent's default).")
    double confidence;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      int chunk = chunk(common, spec);
      if ((model == null) == (better.registered == null)) {
        throw new ConfigException("give --model FILE or --registered NAME|SHA256 (a model of the server's registry)");
      }
      if (better.registered != null || better.requireBetter) {
        Path chosen = better.check(common.targets.devices, common.targets.group, common.targets.all, model,
            spec.commandLine().getOut());
        if (chosen == null) {
          return ExitCodes.FAILURE; // not better: both figures said
        }
        model = chosen;
      }
      List<Path> files = new ArrayList<>();
      files.add(model);
      OnnxDetector d;
      try {
        d = OnnxDetector.open(new OnnxDetector.Options(model, labels, null, (float) confidence, 0.45f, "cpu", 1));
      } catch (ModelException e) {
        throw new ConfigException("--model: " + e.getMessage());
      }
      Bundle.Golden g = null;
      try (d) {
        if (labels != null) {
          files.add(labels);
        }
        if (golden != null) {
          Map<String, List<Bundle.Expected>> expected = expected(d);
          try (Stream<Path> s = Files.list(golden)) {
            s.filter(p -> expected.containsKey(p.getFileName().toString())).sorted().forEach(files::add);
          }
          g = new Bundle.Golden(goldenIou, goldenMatch, expected);
        }
        return push(common, spec, Bundle.MODEL, model.getFileName().toString(), files, chunk, d.info().names(), g, null);
      }
    }

    private Map<String, List<Bundle.Expected>> expected(OnnxDetector d) throws IOException, ConfigException {
      if (!Files.isDirectory(golden)) {
        throw new ConfigException("--golden: " + golden + " is not a folder of images");
      }
      Path given = golden.resolve("expected.json");
      Map<String, List<Bundle.Expected>> out = new TreeMap<>();
      if (Files.exists(given)) {
        try {
          out.putAll(Json.MAPPER.readValue(given.toFile(),
              new TypeReference<Map<String, List<Bundle.Expected>>>() {}));
        } catch (IOException e) {
          throw new ConfigException("--golden: " + given + " is not {\"image.jpg\": [{\"label\", \"x\", \"y\", \"w\", \"h\"}, ...]}: "
              + e.getMessage().lines().findFirst().orElse(""));
        }
        for (String image : out.keySet()) {
          if (!Files.isRegularFile(golden.resolve(image))) {
            throw new ConfigException("--golden: " + given + " names " + image + ", which is not in " + golden);
          }
        }
        return out;
      }
      try (Stream<Path> s = Files.list(golden)) {
        for (Path p : s.sorted().toList()) {
          String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
          if (!(n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png"))) {
            continue;
          }
          Mat m = Images.decode(Files.readAllBytes(p));
          if (m.empty()) {
            throw new ConfigException("--golden: " + p + " is not an image OpenCV can decode");
          }
          try {
            List<Bundle.Expected> l = new ArrayList<>();
            d.detect(m.cols(), m.rows(), Images.toBgr(m)).detections().forEach(x -> l.add(new Bundle.Expected(x.label(),
                x.box().x(), x.box().y(), x.box().w(), x.box().h())));
            out.put(p.getFileName().toString(), l);
          } catch (ModelException e) {
            throw new ConfigException("--golden: the model fails on " + p + ": " + e.getMessage());
          } finally {
            m.release();
          }
        }
      }
      if (out.isEmpty()) {
        throw new ConfigException("--golden: " + golden + " has no .jpg or .png images");
      }
      return out;
    }
  }

  /** {@code fieldcap push config}. */
  @Command(name = "config", mixinStandardHelpOptions = true,
      description = {"Push a device config: a whole file (--file), or settings over each device's own file (--set).",
          "Each device validates it as 'fieldcap config check' does and restarts its pipeline with it."})
  static final class PushConfig implements Callable<Integer> {
    @Mixin Common common = new Common();

    @Option(names = "--file", paramLabel = "FILE", description = "A whole device config (device.id and spool.dir must stay as they are).")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A setting over each device's own file; repeatable.")
    List<String> sets = new ArrayList<>();

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      int chunk = chunk(common, spec);
      if ((file == null) == sets.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "give either --file FILE or one or more --set KEY=VALUE");
      }
      for (String s : sets) {
        if (!s.matches("[A-Za-z0-9_.-]+=.*")) {
          throw new ParameterException(spec.commandLine(), "--set '" + s + "' is not KEY=VALUE");
        }
      }
      if (file != null) {
        ConfigLoader.parseOnly(file); // YAML and known sections here; the device checks the rest
        return push(common, spec, Bundle.CONFIG, file.getFileName().toString(), List.of(file), chunk, null, null, null);
      }
      return push(common, spec, Bundle.CONFIG, "settings", List.of(), chunk, null, null, List.copyOf(sets));
    }
  }

  private static int chunk(Common c, CommandSpec spec) {
    try {
      long n = Sizes.parse(c.chunkSize);
      if (n < 1024 || n > 64L << 20) {
        throw new IllegalArgumentException("expected 1KiB to 64MiB");
      }
      return (int) n;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--chunk-size '" + c.chunkSize + "': " + e.getMessage());
    }
  }

  private static int push(Common c, CommandSpec spec, String kind, String name, List<Path> files, int chunk,
      List<String> classes, Bundle.Golden golden, List<String> settings) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Targets t = c.targets;
    if (c.canary > 0 && t.group == null && !t.all) {
      throw new ParameterException(spec.commandLine(), "--canary needs --group or --all");
    }
    Duration expires = duration("--expires", c.expires);
    Duration wait = c.waitFor != null ? duration("--wait", c.waitFor) : c.canary > 0 ? Duration.ofMinutes(30) : Duration.ZERO;
    PrivateKey key = SigningKeys.readPrivate(c.key);
    List<String> all = new ArrayList<>();
    if (c.broker != null) {
      all.add("mqtt.broker=" + c.broker);
    }
    MqttConfig mqtt = ConfigLoader.loadMqtt(c.mqttFile, all);
    List<Bundle.FileEntry> entries = new ArrayList<>();
    for (Path f : files) {
      entries.add(new Bundle.FileEntry(f.getFileName().toString(), Sha256.file(f), Files.size(f), chunk));
    }
    Instant now = Instant.now();
    long sequence = c.sequence != null ? c.sequence : now.toEpochMilli();
    String wide = t.all ? "all" : t.group != null ? "group:" + t.group : null;
    try (FleetClient p = new FleetClient(mqtt)) {
      Thread.sleep(1000); // retained statuses and manifests arrive
      for (int i = 0; i < files.size(); i++) {
        p.publishFile(files.get(i), entries.get(i));
      }
      out.printf(Locale.ROOT, "%s %s: sequence %d, %d file(s), %s, expires %s%n", kind, name, sequence, files.size(),
          Sizes.format(entries.stream().mapToLong(Bundle.FileEntry::size).sum()), now.plus(expires));
      List<String> targets = new ArrayList<>();
      t.devices.forEach(d -> targets.add("device:" + d));
      if (c.canary > 0) {
        List<String> canaries = members(p.statuses(), t.group).stream().limit(c.canary).toList();
        if (canaries.size() < c.canary) {
          out.printf("only %d device(s) of %s are known on this broker; need %d canaries%n", canaries.size(), wide, c.canary);
          return ExitCodes.FAILURE;
        }
        Map<String, String> canaryTargets = new LinkedHashMap<>();
        for (String d : canaries) {
          Bundle b = new Bundle(Bundle.VERSION, kind, name, wide, sequence, now, now.plus(expires), c.minAgent, entries,
              classes, golden, settings);
          // the canaries get the group's own bundle on their device topics: the same signed bytes, applied once
          canaryTargets.put(d, publishOn(p, b, key, "device:" + d));
        }
        out.printf("canaries %s: waiting up to %s for them to pass probation%n", canaries, wait);
        Map<String, String> result = watch(p, canaries, kind, sequence, wait, out);
        for (String topic : canaryTargets.values()) {
          p.clear(topic); // answered (or given up on): the group's bundle reaches them on the group's topic
        }
        if (!result.values().stream().allMatch("active"::equals)) {
          out.printf("canaries did not all pass (%s); %s NOT updated%n", result, wide);
          return ExitCodes.FAILURE;
        }
        out.printf("canaries passed; publishing to %s%n", wide);
      }
      if (wide != null) {
        targets.add(wide);
      }
      for (String target : targets) {
        Bundle b = new Bundle(Bundle.VERSION, kind, name, target, sequence, now, now.plus(expires), c.minAgent, entries,
            classes, golden, settings);
        Signed s = Signed.sign(b, key);
        String topic = p.publishManifest(b, s);
        out.printf("published to %s (%s)%n", target, topic);
      }
      if (wait.isZero()) {
        out.flush();
        return ExitCodes.OK;
      }
      List<String> devices = new ArrayList<>(t.devices);
      if (wide != null) {
        devices.addAll(members(p.statuses(), t.group));
      }
      Map<String, String> result = watch(p, devices.stream().distinct().toList(), kind, sequence, wait, out);
      int removed = p.collectGarbage();
      if (removed > 0) {
        out.printf("removed %d retained file(s) no bundle refers to any more%n", removed);
      }
      out.flush();
      return result.values().stream().allMatch("active"::equals) ? ExitCodes.OK : ExitCodes.FAILURE;
    }
  }

  private static String publishOn(FleetClient p, Bundle b, PrivateKey key, String deviceTarget) throws Exception {
    // a group's bundle, also retained on one device's topic: the device verifies the group target against its groups
    Signed s = Signed.sign(b, key);
    return p.publishManifestOn(deviceTarget, b.kind(), s);
  }

  /** The devices the broker knows in a group (or all with {@code group} null), by id. */
  private static List<String> members(Map<String, JsonNode> statuses, String group) {
    List<String> l = new ArrayList<>();
    new TreeMap<>(statuses).forEach((d, s) -> {
      if (group == null) {
        l.add(d);
      } else {
        for (JsonNode g : s.path("groups")) {
          if (g.asText().equals(group)) {
            l.add(d);
          }
        }
      }
    });
    return l;
  }

  /** Prints each device's state changes for this bundle until all are final or time is up; returns the last states. */
  private static Map<String, String> watch(FleetClient p, List<String> devices, String kind, long sequence, Duration wait,
      PrintWriter out) throws InterruptedException {
    Map<String, String> last = new TreeMap<>();
    devices.forEach(d -> last.put(d, "waiting"));
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      boolean done = true;
      for (String d : devices) {
        JsonNode u = p.statuses().getOrDefault(d, Json.MAPPER.nullNode()).path("updates").path(kind);
        String state = u.path("sequence").asLong() == sequence ? u.path("state").asText("waiting") : "waiting";
        if (!state.equals(last.get(d))) {
          last.put(d, state);
          out.printf("%s: %s%s%n", d, state, u.has("reason") && u.path("sequence").asLong() == sequence
              ? " (" + u.path("reason").asText() + ")" : "");
          out.flush();
        }
        done &= FINAL.contains(state);
      }
      if (done) {
        break;
      }
      Thread.sleep(250);
    }
    last.forEach((d, s) -> {
      if (!FINAL.contains(s)) {
        out.printf("%s: still %s after %s%n", d, s, wait);
      }
    });
    return last;
  }

  private static Duration duration(String option, String text) throws ConfigException {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(option + ": " + e.getMessage());
    }
  }
}
