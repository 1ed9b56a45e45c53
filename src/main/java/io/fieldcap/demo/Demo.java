package io.fieldcap.demo;

import io.fieldcap.agent.Agent;
import io.fieldcap.config.ConfigException;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.config.FieldcapConfig;
import io.fieldcap.config.ServerConfig;
import io.fieldcap.export.CocoExporter;
import io.fieldcap.export.Exporter;
import io.fieldcap.server.Server;
import io.fieldcap.spool.SpoolStats;
import io.fieldcap.store.LocalFrameStore;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Broker, server and agent in one process: the agent plays a sample clip as a camera, the server
 * stores what arrives, and at the end the dataset is exported as COCO.
 */
public final class Demo {
  private final Path dataDir;
  private final Path clip;
  private final PrintWriter out;
  private final CountDownLatch stop = new CountDownLatch(1);

  public Demo(Path dataDir, Path clip, PrintWriter out) {
    this.dataDir = dataDir.toAbsolutePath();
    this.clip = clip.toAbsolutePath();
    this.out = out;
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
      ServerConfig sc = ConfigLoader.loadServer(null, List.of("mqtt.broker=" + broker,
          "server.data-dir=" + dataDir.resolve("server")));
      Server server = new Server(sc, InstantSource.system());
      server.start();
      Agent agent = new Agent(agentConfig(broker), InstantSource.system());
      try {
        server.awaitConnected(Duration.ofSeconds(30));
        agent.start();
        out.printf("demo: agent 'demo-cam' is capturing %s at 2 fps; server stores into %s%n", clip.getFileName(),
            dataDir.resolve("server"));
        out.flush();
        long start = System.nanoTime();
        while (!stop.await(2, TimeUnit.SECONDS)) {
          SpoolStats st = agent.spool().stats();
          out.printf("demo: captured %d, sent and stored %d, waiting in the spool %d%n", st.captured(),
              server.ingest().stored(), st.pending() + st.inFlight());
          out.flush();
          if (seconds > 0 && System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(seconds)) {
            break;
          }
        }
      } finally {
        agent.stop();
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

  private FieldcapConfig agentConfig(String broker) throws ConfigException {
    return ConfigLoader.load(null, List.of("device.id=demo-cam", "source.uri=file://" + clip, "source.fps=2", "source.loop=true",
            "spool.dir=" + dataDir.resolve("spool"), "mqtt.broker=" + broker, "agent.summary-interval=1m"));
  }
}
