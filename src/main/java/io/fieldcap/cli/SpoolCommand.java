package io.fieldcap.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fieldcap.config.FieldcapConfig;
import io.fieldcap.config.Sizes;
import io.fieldcap.spool.Spool;
import io.fieldcap.spool.SpoolStats;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code fieldcap spool}: inspect the local spool. */
@Command(name = "spool", mixinStandardHelpOptions = true, description = "Inspect the local spool.",
    subcommands = SpoolCommand.Stats.class)
final class SpoolCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (stats)");
  }

  /** {@code fieldcap spool stats}: counts, whether or not the agent is running. */
  @Command(name = "stats", mixinStandardHelpOptions = true,
      description = "Print the spool's counts; works while the agent runs and when it does not.")
  static final class Stats implements Callable<Integer> {
    @Mixin ConfigOptions options = new ConfigOptions();

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      FieldcapConfig c = options.load();
      SpoolStats s = Spool.readStats(c.spool().dir(), c.spool().maxBytes());
      var out = spec.commandLine().getOut();
      if (json) {
        out.println(new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(s));
      } else {
        out.printf(Locale.ROOT, "spool %s%n", c.spool().dir());
        out.printf(Locale.ROOT, "  captured  %d%n  pending   %d%n  inFlight  %d%n  acked     %d%n", s.captured(),
            s.pending(), s.inFlight(), s.acked());
        out.printf(Locale.ROOT, "  evicted   %d%n  dropped   %d%n  failed    %d%n  rejected  %d %s%n", s.evicted(),
            s.dropped(), s.failed(), s.rejected(), s.rejectedBy().isEmpty() ? "" : s.rejectedBy());
        out.printf(Locale.ROOT, "  bytes     %s of %s%n", Sizes.format(s.bytes()), Sizes.format(s.maxBytes()));
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
