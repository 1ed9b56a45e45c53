package io.fieldcap.cli;

import io.fieldcap.config.FieldcapConfig;
import io.fieldcap.select.ManualCapture;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fieldcap capture-now}: asks the running agent to keep its next frame. */
@Command(name = "capture-now", mixinStandardHelpOptions = true,
    description = {"Ask the agent running with this config to keep its next frame (that passes the quality gate),",
        "whatever its capture rules say, with priority 100. Works offline: the request is a file in the spool.",
        "Over MQTT: publish {\"cmd\":\"capture\",\"tag\":\"...\"} to ROOT/DEVICE/commands."})
final class CaptureNowCommand implements Callable<Integer> {
  @Mixin ConfigOptions options = new ConfigOptions();

  @Option(names = "--tag", paramLabel = "TAG", description = "Recorded with the frame as manual:TAG.")
  String tag;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    FieldcapConfig c = options.load();
    Path request = ManualCapture.writeRequest(c.spool().dir().resolve("requests"), tag);
    spec.commandLine().getOut().printf("capture requested (%s); the agent keeps its next frame%n", request.getFileName());
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
