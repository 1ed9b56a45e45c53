package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.config.FieldcapConfig;
import io.fieldcap.config.Sizes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code fieldcap config}: configuration tools. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Configuration tools.",
    subcommands = ConfigCommand.Check.class)
final class ConfigCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (check)");
  }

  /** {@code fieldcap config check FILE}: validate without running. */
  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {"Validate a device config without running anything.",
          "Exit code 0 when valid, 2 with every problem listed when not. Beyond the file itself: key",
          "and certificate files are parsed, the model and face model loaded, the MAVLink port bound."})
  static final class Check implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The device's YAML config file.")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key; repeatable.")
    List<String> sets = new ArrayList<>();

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws ConfigException {
      FieldcapConfig c = ConfigLoader.load(file, sets);
      Preflight.deep(c);
      var out = spec.commandLine().getOut();
      out.printf(Locale.ROOT, "%s: valid%n", file);
      out.printf(Locale.ROOT, "  device  %s%n", c.device());
      out.printf(Locale.ROOT, "  source  %s (%s) at %s fps%n", c.source().uri(),
          c.source().kind().name().toLowerCase(Locale.ROOT), c.source().fps());
      out.printf(Locale.ROOT, "  spool   %s, quota %s, keep %s free, when full: %s%n", c.spool().dir(),
          Sizes.format(c.spool().maxBytes()), Sizes.format(c.spool().minFreeBytes()),
          c.spool().whenFull().name().toLowerCase(Locale.ROOT).replace('_', '-'));
      out.printf(Locale.ROOT, "  mqtt    %s%n", c.mqtt() == null ? "none (capture only)" : c.mqtt().broker()
          + (c.mqtt().serverKey() == null ? ", acks unauthenticated (no mqtt.server-key)" : ", acks signed by " + c.mqtt().serverKey()));
      var q = c.quality();
      out.printf(Locale.ROOT, "  quality blur-min %s, dark below %s, bright above %s, duplicates %s%n", q.blurMin(),
          q.darkBelow(), q.brightAbove(), q.duplicates() ? "within " + q.duplicateDistance() + " bits for "
              + q.duplicateWindow().toMinutes() + " min" : "kept");
      out.printf(Locale.ROOT, "  capture %s%n", c.capture().rules().isEmpty() ? "every frame that passes the filters"
          : c.capture().rules().stream().map(r -> r.name() + " (" + r.type().name().toLowerCase(Locale.ROOT)
              .replace('_', '-') + ", priority " + r.priority() + ")").collect(Collectors.joining(", ")));
      return ExitCodes.OK;
    }
  }
}
