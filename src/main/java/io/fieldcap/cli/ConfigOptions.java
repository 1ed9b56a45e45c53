package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.config.FieldcapConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of every command that reads a device config: {@code --config} and {@code --set}. */
final class ConfigOptions {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The device's YAML config file.")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override a config key (dotted, e.g. source.uri=rtsp://cam/1); repeatable.")
  List<String> sets = new ArrayList<>();

  FieldcapConfig load() throws ConfigException {
    if (config == null && sets.isEmpty()) {
      throw new ConfigException("no configuration: give --config FILE and/or --set key=value");
    }
    return ConfigLoader.load(config, sets);
  }
}
