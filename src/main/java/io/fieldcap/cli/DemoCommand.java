package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.demo.Demo;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fieldcap demo}: broker, server and agent in one process. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run an embedded MQTT 5 broker, the server and an agent on a sample clip in one process,",
        "then export what arrived as COCO. Needs fieldcap-server.jar (the device jar carries no broker)."})
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--seconds", paramLabel = "N", description = "Run for N seconds (default: until Ctrl-C).")
  int seconds;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "fieldcap-demo",
      description = "Where the spool, the server's data and the export go (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--clip", paramLabel = "FILE", description = "The clip to play (default: opencv-doc's vtest.avi).")
  Path clip;

  @Option(names = "--http", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080",
      description = "Where the web app listens (default ${DEFAULT-VALUE}; 'off' for none).")
  String http;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!Demo.available()) {
      throw new ConfigException("the demo needs fieldcap-server.jar: this jar (fieldcap.jar, for devices) carries no MQTT broker");
    }
    if (seconds < 0) {
      throw new ConfigException("--seconds: '" + seconds + "' is out of range; expected 0 (until Ctrl-C) or more");
    }
    Path c = Samples.clip(clip);
    Demo demo = new Demo(dataDir, c, spec.commandLine().getOut(), http.equals("off") ? null : http);
    StopSignals.onTermOrInt(demo::stop);
    return demo.run(seconds) > 0 ? ExitCodes.OK : ExitCodes.FAILURE;
  }
}
