package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.image.OpenCv;
import io.fieldcap.keys.SigningKeys;
import io.fieldcap.spool.SpoolException;
import java.io.PrintWriter;
import org.eclipse.paho.mqttv5.common.MqttException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code fieldcap}: the entry point of the jar. */
@Command(
    name = "fieldcap",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Edge capture and labeling agent: capture frames, keep what is worth labeling, spool and sync them.",
    subcommands = {AgentCommand.class, ServerCommand.class, ExportCommand.class, DemoCommand.class, BenchCommand.class,
        LabelCommand.class, ModelsCommand.class, EvalCommand.class, TrainCommand.class,
        ConfigCommand.class, KeysCommand.class, ImportCommand.class, ReportCommand.class, DatasetCommand.class, CleanCommand.class, CheckCommand.class, PrelabelCommand.class, TokensCommand.class, FleetCommand.class, PushCommand.class,
        SpoolCommand.class, CaptureNowCommand.class, ClipsCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  public static void main(String[] args) {
    try {
      System.exit(run(args));
    } catch (LinkageError e) {
      if (!OpenCv.missing(e)) {
        throw e;
      }
      System.err.println("fieldcap: " + OpenCv.MISSING);
      System.exit(ExitCodes.FAILURE);
    }
  }

  /** Runs a command line and returns its exit code (for tests). */
  public static int run(String... args) {
    CommandLine cl = commandLine();
    return cl.execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExitCodeExceptionMapper(e -> e instanceof ConfigException || e instanceof CommandLine.ParameterException
        ? ExitCodes.USAGE : ExitCodes.FAILURE);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      PrintWriter err = cmd.getErr();
      if (e instanceof CommandLine.ParameterException pe) {
        err.println("fieldcap: " + pe.getMessage());
        pe.getCommandLine().usage(err);
        return ExitCodes.USAGE;
      }
      if (e instanceof ConfigException ce) {
        err.println("fieldcap: invalid configuration:");
        ce.errors().forEach(line -> err.println("  " + line));
        return ExitCodes.USAGE;
      }
      if (e instanceof SpoolException) {
        err.println("fieldcap: " + e.getMessage());
        return ExitCodes.FAILURE;
      }
      if (e instanceof SigningKeys.KeyFileException) {
        err.println("fieldcap: key file " + e.getMessage());
        return ExitCodes.USAGE;
      }
      if (e instanceof MqttException me) {
        Throwable c = me.getCause();
        err.println("fieldcap: the broker: " + me.getMessage() + (c != null && c.getMessage() != null ? " (" + c.getMessage() + ")" : "")
            + "; check --broker, and -c FILE for its TLS and user settings");
        return ExitCodes.FAILURE;
      }
      if (OpenCv.missing(e)) {
        err.println("fieldcap: " + cmd.getCommandName() + ": " + OpenCv.MISSING);
        return ExitCodes.FAILURE;
      }
      err.println("fieldcap: " + cmd.getCommandName() + " failed: " + e);
      e.printStackTrace(err);
      return ExitCodes.FAILURE;
    });
    return cl;
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"fieldcap " + (v == null ? "(development build)" : v)};
    }
  }
}
