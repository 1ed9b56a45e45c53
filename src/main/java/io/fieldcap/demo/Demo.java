package io.fieldcap.demo;

import io.fieldcap.agent.Agent;
import io.fieldcap.config.ConfigException;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.config.FieldcapConfig;
import io.fieldcap.config.ServerConfig;
import io.fieldcap.dataset.format.CocoExporter;
import io.fieldcap.dataset.format.Exporter;
import io.fieldcap.server.Server;
import io.fieldcap.spool.SpoolStats;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.web.Tokens;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Broker, server with its web app, and two agents in one process: a street camera playing vtest.avi,
 * and a camera playing Megamind.avi with the BlazeFace model pre-labeling faces (when the model is
 * there: scripts/fetch-models.sh); the server stores what arrives and serves the fleet and the
 * gallery; at the end the dataset is exported as COCO.
 */
public final class Demo {
  /** The face model the second agent pre-labels with (fetched by scripts/fetch-models.sh). */
  static final Path FACE_MODEL = Path.of("models/face_detection_front_128x128_barracuda.onnx");

  private final Path dataDir;
  private final Path clip;
  private final PrintWriter out;
  private final String http;
  private final CountDownLatch stop = new CountDownLatch(1);

  public Demo(Path dataDir, Path clip, PrintWriter out) {
    this(dataDir, clip, out, null);
  }

  /** @param http where the web app listens (HOST:PORT), or null for none */
  public Demo(Path dataDir, Path clip, PrintWriter out, String http) {
    this.dataDir = dataDir.toAbsolutePath();
    this.clip = clip.toAbsolutePath();
    this.out = out;
    this.http = http;
  }
  public static boolean available() {
    return EmbeddedBroker.available();
  }

  /** Ends the demo early (Ctrl-C). */
  public void stop() {
    stop.countDown();
  }

  /** Runs for {@code seconds} (0: until {@link #stop()}), then exports; returns the number of frames stored. */
  public long run(int seconds) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String broker = "tcp://127.0.0.1:" + port;
    out.printf("demo: starting an MQTT 5 broker on %s%n", broker);
    out.flush();
    try (EmbeddedBroker b = EmbeddedBroker.start(dataDir.resolve("broker"), port)) {
      List<String> serverSets = new ArrayList<>(List.of("mqtt.broker=" + broker,
          "server.data-dir=" + dataDir.resolve("server")));
      String viewer = null;
      String reviewer = null;
      if (http != null) {
        Path tokens = dataDir.resolve("tokens");
        Files.createDirectories(dataDir);
        Files.deleteIfExists(tokens); // this run's tokens only
        viewer = Tokens.add(tokens, "demo-viewer", Tokens.Role.VIEWER);
        reviewer = Tokens.add(tokens, "demo-reviewer", Tokens.Role.REVIEWER);
        serverSets.add("server.http.listen=" + http);
        serverSets.add("server.http.tokens-file=" + tokens);
      }
      ServerConfig sc = ConfigLoader.loadServer(null, serverSets);
      Server server = new Server(sc, InstantSource.system());
      server.start();
      List<Agent> agents = new ArrayList<>(List.of(new Agent(agentConfig(broker, "street-cam", clip, null),
          InstantSource.system())));
      Path megamind = clip.resolveSibling("Megamind.avi");
      boolean faces = Files.isRegularFile(FACE_MODEL);
      if (Files.isRegularFile(megamind)) {
        agents.add(new Agent(agentConfig(broker, "megamind-cam", megamind, faces ? FACE_MODEL : null), InstantSource.system()));
      }
      try {
        server.awaitConnected(Duration.ofSeconds(30));
        for (Agent a : agents) {
          a.start();
        }
        out.printf("demo: agent 'street-cam' is capturing %s at 2 fps%s; server stores into %s%n", clip.getFileName(),
            agents.size() > 1 ? ", agent 'megamind-cam' Megamind.avi" + (faces ? " with BlazeFace pre-labeling faces"
                : " (no face model: run scripts/fetch-models.sh)") : "", dataDir.resolve("server"));
        if (server.webUrl() != null) {
          out.printf("demo: the web app is at %s  (log in with the viewer token %s ; reviewer: %s)%n", server.webUrl(), viewer,
              reviewer);
        }
        out.flush();
        long start = System.nanoTime();
        while (!stop.await(2, TimeUnit.SECONDS)) {
          long captured = 0;
          long waiting = 0;
          for (Agent a : agents) {
            SpoolStats st = a.spool().stats();
            captured += st.captured();
            waiting += st.pending() + st.inFlight();
          }
          out.printf("demo: captured %d, sent and stored %d, waiting in the spool %d%n", captured,
              server.ingest().stored(), waiting);
          out.flush();
          if (seconds > 0 && System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(seconds)) {
            break;
          }
        }
      } finally {
        for (Agent a : agents) {
          a.stop();
        }
        server.stop();
      }
    }
    Path coco = dataDir.resolve("coco");
    try (LocalFrameStore store = LocalFrameStore.open(dataDir.resolve("server"))) {
      Exporter.Result r = new CocoExporter().export(store, coco);
      out.printf("demo: %d frames arrived at the server; COCO export: %s (%d images)%n", r.images(),
          coco.resolve("annotations.json"), r.images());
      out.flush();
      return r.images();
    }
  }

  private FieldcapConfig agentConfig(String broker, String device, Path video, Path model) throws ConfigException {
    List<String> sets = new ArrayList<>(List.of("device.id=" + device, "source.uri=file://" + video, "source.fps=2",
        "source.loop=true", "spool.dir=" + dataDir.resolve("spool-" + device), "mqtt.broker=" + broker,
        "agent.summary-interval=1m", "mqtt.status-interval=2s"));
    if (model != null) {
      sets.addAll(List.of("model.path=" + model.toAbsolutePath(), "model.confidence=0.5", "model.iou=0.3", "model.threads=1"));
    }
    return ConfigLoader.load(null, sets);
  }
}
