package io.fieldcap.cli;

import io.fieldcap.agent.Supervisor;
import io.fieldcap.config.ConfigException;
import io.fieldcap.config.FieldcapConfig;
import io.fieldcap.inference.ModelException;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code fieldcap agent}: runs the device agent until SIGTERM or Ctrl-C. */
@Command(name = "agent", mixinStandardHelpOptions = true,
    description = {"Run the device agent: capture frames from the configured source into the spool.",
        "Runs until SIGTERM or Ctrl-C, then stops within agent.stop-timeout (4 s by default)."})
final class AgentCommand implements Callable<Integer> {
  @Mixin ConfigOptions options = new ConfigOptions();

  @Override
  public Integer call() throws Exception {
    FieldcapConfig config = options.load();
    Preflight.check(config.mqtt());
    Supervisor supervisor = new Supervisor(options.config, options.sets, InstantSource.system(), Preflight::deep);
    // SIGTERM (systemd stop) and SIGINT (Ctrl-C) stop the agent and exit 0; the hook covers other exits.
    StopSignals.onTermOrInt(supervisor::stop);
    Runtime.getRuntime().addShutdownHook(new Thread(supervisor::stop, "shutdown"));
    try {
      return supervisor.run() ? ExitCodes.OK : ExitCodes.FAILURE;
    } catch (ModelException e) {
      throw new ConfigException("model: " + e.getMessage());
    }
  }
}
