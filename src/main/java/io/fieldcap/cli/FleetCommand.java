package io.fieldcap.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.config.ConfigException;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.config.Durations;
import io.fieldcap.config.MqttConfig;
import io.fieldcap.json.Json;
import io.fieldcap.update.FleetClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fieldcap fleet}: every device's retained status, read from the broker. */
@Command(name = "fleet", mixinStandardHelpOptions = true,
    description = {"List the fleet as the broker has it: every device's retained status (online or offline by its will),",
        "with its model and version, backlog, capture rate and rejections. Needs only the broker (and its credentials)."})
final class FleetCommand implements Callable<Integer> {
  @Option(names = "--broker", paramLabel = "URI", description = "tcp://host:1883 or ssl://host:8883 (sets mqtt.broker).")
  String broker;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "A YAML file whose mqtt: section to use (TLS, user).")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override an mqtt key; repeatable.")
  List<String> sets = new ArrayList<>();

  @Option(names = "--wait", defaultValue = "2s", paramLabel = "DURATION",
      description = "How long to collect retained statuses (default ${DEFAULT-VALUE}).")
  String waitFor;

  @Option(names = "--json", description = "Print the statuses as JSON.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<String> all = new ArrayList<>(sets);
    if (broker != null) {
      all.add("mqtt.broker=" + broker);
    }
    MqttConfig mqtt = ConfigLoader.loadMqtt(config, all);
    Duration wait;
    try {
      wait = Durations.parse(waitFor);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--wait: " + e.getMessage());
    }
    Map<String, JsonNode> statuses;
    try (FleetClient fleet = new FleetClient(mqtt)) {
      Thread.sleep(wait.toMillis());
      statuses = new TreeMap<>(fleet.statuses());
    }
    var out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(statuses));
    } else if (statuses.isEmpty()) {
      out.println("no device has published a status on this broker (topic root " + mqtt.topicRoot() + ")");
    } else {
      out.printf("%-20s %-8s %-25s %-34s %-22s %8s %6s %9s  %s%n", "device", "state", "at", "model", "config", "backlog",
          "fps", "rejected", "updates");
      statuses.forEach((d, s) -> out.printf(Locale.ROOT, "%-20s %-8s %-25s %-34s %-22s %8s %6s %9s  %s%n", d,
          s.path("state").asText("?"), s.path("at").asText(""),
          s.has("model") ? s.get("model").asText() + (s.has("version") ? "@" + s.get("version").asText() : "") : "-",
          s.path("config").asText("-"), s.path("backlog").asText("-"), s.path("fps").asText("-"),
          s.path("rejected").asText("-"), updates(s.path("updates"))));
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** {@code model active #17..., config refused #18... (reason)}: each kind's last bundle and its state. */
  private static String updates(JsonNode u) {
    List<String> parts = new ArrayList<>();
    u.fields().forEachRemaining(e -> {
      JsonNode k = e.getValue();
      if (k.has("state")) {
        parts.add(e.getKey() + " " + k.get("state").asText() + " #" + k.path("sequence").asText()
            + (k.has("reason") ? " (" + k.get("reason").asText() + ")" : ""));
      }
    });
    return parts.isEmpty() ? "-" : String.join(", ", parts);
  }
}
