package io.fieldcap.cli;

import io.fieldcap.config.ConfigLoader;
import io.fieldcap.config.ServerConfig;
import io.fieldcap.server.Server;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fieldcap server}: the ingest server. */
@Command(name = "server", mixinStandardHelpOptions = true, subcommands = ServerMigrateCommand.class,
    description = {"Run the ingest server: receive frames over MQTT, verify and store them, ack them.",
        "Runs until SIGTERM or Ctrl-C."})
final class ServerCommand implements Callable<Integer> {
  @Option(names = "--broker", paramLabel = "URI", description = "tcp://host:1883 or ssl://host:8883 (sets mqtt.broker).")
  String broker;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Where images and fieldcap.db go (sets server.data-dir).")
  Path dataDir;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "A YAML file with server: and mqtt: sections.")
  Path config;

  @Option(names = "--http", paramLabel = "HOST:PORT",
      description = "Serve the web app and API here, e.g. 127.0.0.1:8080 (sets server.http.listen; needs a tokens file).")
  String http;

  @Option(names = "--tokens-file", paramLabel = "FILE", description = "The web app's tokens (sets server.http.tokens-file).")
  Path tokensFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key; repeatable.")
  List<String> sets = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<String> all = new ArrayList<>(sets);
    if (broker != null) {
      all.add("mqtt.broker=" + broker);
    }
    if (dataDir != null) {
      all.add("server.data-dir=" + dataDir);
    }
    if (http != null) {
      all.add("server.http.listen=" + http);
    }
    if (tokensFile != null) {
      all.add("server.http.tokens-file=" + tokensFile);
    }
    ServerConfig c = ConfigLoader.loadServer(config, all);
    Preflight.check(c);
    Server server = new Server(c, InstantSource.system());
    StopSignals.onTermOrInt(server::stop);
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "shutdown"));
    server.start();
    server.awaitStop();
    return ExitCodes.OK;
  }
}
