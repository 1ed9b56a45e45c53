package io.fieldcap.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.config.Redact;
import io.fieldcap.config.ServerConfig;
import io.fieldcap.ingest.DeviceLanes;
import io.fieldcap.ingest.DeviceThrottle;
import io.fieldcap.ingest.Ingest;
import io.fieldcap.json.Json;
import io.fieldcap.keys.SigningKeys;
import io.fieldcap.model.DeviceId;
import io.fieldcap.protocol.AckSignature;
import io.fieldcap.protocol.Topics;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.transport.MqttLink;
import io.fieldcap.transport.MqttOptions;
import io.fieldcap.web.WebApp;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code fieldcap server}: subscribes to every device's frames through a shared subscription on
 * each broker of {@code server.brokers}, stores them, and acks each device on the broker its frames
 * came from. Reconnects to each broker with backoff; drops stale staged transfers.
 *
 * <p>Lifecycle: {@link #start()}, {@link #stop()} once.
 */
public final class Server {
  private static final Logger log = LoggerFactory.getLogger(Server.class);

  private final ServerConfig config;
  private final InstantSource clock;
  private final Topics topics;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private LocalFrameStore store;
  private WebApp web;
  private volatile String webUrl;
  private Ingest ingest;
  private final List<Uplink> links = new ArrayList<>();
  /** The broker each device was last heard on: its acks go back there. */
  private final Map<String, Uplink> deviceLinks = new ConcurrentHashMap<>();
  private ScheduledExecutorService housekeeping;
  private DeviceLanes lanes;
  private DeviceThrottle throttle;
  private ExecutorService ackSender;
  private volatile boolean running;
  private Thread connector;

  /** One broker: its connection and whether it is up. */
  private static final class Uplink {
    final String broker;
    final MqttLink link;
    volatile boolean connected;
    boolean announced;
    long backoff = 1000;
    long nextTry;

    Uplink(String broker, MqttLink link) {
      this.broker = broker;
      this.link = link;
    }
  }

  public Server(ServerConfig config, InstantSource clock) {
    this.config = config;
    this.clock = clock;
    this.topics = new Topics(config.mqtt().topicRoot());
  }

  public synchronized void start() throws IOException {
    AckSignature.Signer signer = null;
    if (config.signingKey() != null) {
      signer = new AckSignature.Signer(SigningKeys.readPrivate(config.signingKey()));
    } else {
      log.warn("server: no server.signing-key: acks go out unsigned, and devices that pin a server key will ignore them"
          + " (fieldcap keys generate --out DIR makes a key pair; see docs/security.md)");
    }
    store = openStore();
    String clientId = config.mqtt().clientId() != null ? config.mqtt().clientId()
        : "fieldcap-server-" + UUID.randomUUID().toString().substring(0, 8);
    Object wake = new Object();
    // per-device lanes: 4 threads; at most 256 messages waiting per device and 1024 in all (then Paho's thread waits)
    // a lane that runs dry commits its device's completed frames as one group (Ingest.flush)
    lanes = new DeviceLanes(4, 256, 1024, device -> ingest.flush(device));
    throttle = new DeviceThrottle(config.maxDeviceMessagesPerSecond(), config.maxDeviceBytesPerSecond(), System::nanoTime);
    for (URI broker : config.brokers()) {
      var options = MqttOptions.from(config.mqttFor(broker), null, null);
      // the broker refuses (does not forward) anything larger than a chunk and its topic, instead of the server buffering it
      options.setMaximumPacketSize(config.maxChunkBytes() + 64 * 1024);
      Uplink[] self = new Uplink[1];
      MqttLink link = new MqttLink(clientId, options, new MqttLink.Listener() {
        @Override
        public void message(String topic, byte[] payload) {
          String statusOf = topics.statusDevice(topic);
          if (statusOf != null) {
            status(statusOf, payload);
            return;
          }
          String device = topics.parse(topic).device();
          if (!throttle.admit(device, payload.length)) {
            return; // over the device's budget: dropped before any work (the device re-offers what it lacks)
          }
          if (device != null && deviceLinks.get(device) != self[0]) {
            deviceLinks.put(device, self[0]);
          }
          try {
            lanes.submit(device, () -> ingest.handle(topic, payload));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }

        @Override
        public void lost(String why) {
          self[0].connected = false;
          log.warn("server: lost the broker {}: {}; reconnecting", self[0].broker, why);
          synchronized (wake) {
            wake.notifyAll();
          }
        }
      });
      self[0] = new Uplink(Redact.uri(broker.toString()), link);
      links.add(self[0]);
    }
    // Acks go out from their own thread: Paho delivers both incoming messages and the PUBACKs that
    // free publish slots on one callback thread, so publishing from a message handler would wait for
    // a slot that only that same thread can free (a deadlock once the broker's receive maximum of
    // acks is outstanding). The queue stays short: the broker sends us no more than our receive
    // maximum of unacknowledged messages.
    ackSender = Executors.newSingleThreadExecutor(r -> new Thread(r, "server-acks"));
    Path dataDir = config.dataDir();
    ingest = new Ingest(topics, store, new Ingest.Limits(config.maxFrameBytes(), config.maxChunkBytes(),
        config.maxStagedBytesPerDevice(), config.maxStagedBytes(), config.minFreeBytes(), config.maxPixels()),
        () -> dataDir.toFile().getUsableSpace(), clock, signer, (device, ack) -> ackSender.execute(() -> {
      Uplink up = deviceLinks.getOrDefault(device, links.get(0));
      try {
        up.link.publish(topics.acks(device), Json.encode(ack), false);
      } catch (MqttException e) {
        log.warn("server: could not send an ack to {}: {} (the device will offer the frame again)", device, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    ingest.measureOnIngest(config.measureOnIngest());
    ingest.groupCommits(true);
    if (config.http() != null) {
      web = new WebApp(store, config.http());
      web.metrics(new ServerMetrics(ingest, store, this::brokers)::render);
      try {
        webUrl = web.start();
      } catch (Exception e) {
        web.close();
        store.close();
        throw new IOException("server.http.listen " + config.http().host() + ":" + config.http().port() + ": " + e.getMessage(), e);
      }
    }
    running = true;
    connector = new Thread(() -> keepConnected(wake), "server-connector");
    connector.start();
    housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "server-housekeeping");
      t.setDaemon(true);
      return t;
    });
    housekeeping.scheduleAtFixedRate(this::expire, 10, 10, TimeUnit.SECONDS);
    housekeeping.scheduleAtFixedRate(this::summary, 60, 60, TimeUnit.SECONDS);
    housekeeping.scheduleAtFixedRate(() -> store.images().trim(), 60, 60, TimeUnit.SECONDS);
    log.info("server: storing into {}, images in {} (frames up to {} bytes), subscribing as {} on {} broker(s)",
        config.dataDir(), store.images().describe(), config.maxFrameBytes(), topics.serverSubscription(config.shareGroup()), links.size());
  }

  private void keepConnected(Object wake) {
    while (running) {
      long now = System.currentTimeMillis();
      long wait = 5000;
      for (Uplink up : links) {
        if (up.connected) {
          continue;
        }
        if (now >= up.nextTry) {
          try {
            up.link.connect();
            up.link.subscribe(topics.serverSubscription(config.shareGroup()));
            up.link.subscribe(topics.statusSubscription());
            up.connected = true;
            up.backoff = 1000;
            up.announced = false;
            log.info("server: connected to {} (receive maximum {})", up.broker, up.link.receiveMaximum());
            continue;
          } catch (MqttException | RuntimeException e) {
            if (!up.announced) {
              log.warn("server: broker {} unreachable: {}; retrying with backoff", up.broker, e.getMessage());
              up.announced = true;
            }
            up.nextTry = now + up.backoff;
            up.backoff = Math.min(up.backoff * 2, 30_000);
          }
        }
        wait = Math.min(wait, Math.max(50, up.nextTry - now));
      }
      synchronized (wake) {
        try {
          wake.wait(wait);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** A device's status message (retained, or its will): recorded for the fleet view; anything malformed is ignored. */
  private void status(String device, byte[] payload) {
    if (DeviceId.problem(device) != null || payload.length > 64 * 1024) {
      return;
    }
    try {
      JsonNode s = Json.MAPPER.readTree(payload);
      if (s == null || !s.isObject() || !device.equals(s.path("device").asText(device))) {
        return;
      }
      store.devices().update(device, s.path("state").asText("unknown"), s.toString(), clock.instant());
    } catch (IOException | RuntimeException e) {
      log.debug("server: ignored a status message from {}: {}", device, e.getMessage());
    }
  }

  /** The web app's URL, or null when it is off. */
  public String webUrl() {
    return webUrl;
  }

  /** The store this server writes to (the web app reads it). */
  public LocalFrameStore store() {
    return store;
  }

  private void expire() {
    lanes.trim();
    throttle.trim();
    try {
      int n = ingest.expire(clock.instant().minus(config.stagingTimeout()).toEpochMilli())
          + store.expireStaged(clock.instant().minus(config.stagingTimeout()));
      if (n > 0) {
        log.info("server: dropped {} incomplete transfer(s) older than {}", n, config.stagingTimeout());
      }
    } catch (IOException | RuntimeException e) {
      log.warn("server: could not clean up staged transfers: {}", e.getMessage());
    }
  }

  private void summary() {
    log.info("server: stored {}, duplicates {}, rejected {}; {} transfer(s) in progress ({} bytes){}", ingest.stored(),
        ingest.duplicates(), ingest.rejected(), ingest.transfersInProgress(), ingest.stagedBytes(),
        lanes.dropped() + throttle.dropped() > 0 ? "; dropped " + throttle.dropped() + " message(s) from devices over their"
            + " rate and " + lanes.dropped() + " from devices with too many waiting" : "");
  }

  /** Whether every broker is connected. */
  public boolean connected() {
    return links.stream().allMatch(u -> u.connected);
  }

  /** Each broker (credentials redacted) and whether it is connected, for the metrics. */
  public Map<String, Boolean> brokers() {
    Map<String, Boolean> m = new LinkedHashMap<>();
    links.forEach(u -> m.put(u.broker, u.connected));
    return m;
  }

  public Ingest ingest() {
    return ingest;
  }

  public synchronized void stop() {
    if (!running) {
      stopped.countDown();
      return;
    }
    running = false;
    connector.interrupt();
    try {
      connector.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    housekeeping.shutdownNow();
    for (Uplink up : links) {
      try {
        up.link.unsubscribe(topics.serverSubscription(config.shareGroup())); // the other servers of the group take over
      } catch (MqttException | RuntimeException e) {
        // not connected: nothing comes in anyway
      }
    }
    lanes.close(); // the messages in hand are handled first; their acks go out below, while the brokers are still connected
    ingest.flushAll(); // frames a lane left in a group when it was stopped
    ackSender.shutdown();
    try {
      ackSender.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ackSender.shutdownNow();
    if (web != null) {
      web.close();
    }
    for (Uplink up : links) {
      up.link.disconnect(null, null);
      up.link.close();
    }
    store.close();
    log.info("server: stopped; stored {}, duplicates {}, rejected {}", ingest.stored(), ingest.duplicates(), ingest.rejected());
    stopped.countDown();
  }

  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /** Waits until connected and subscribed; for the demo and tests. */
  public boolean awaitConnected(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!connected() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return connected();
  }

  /**
   * Opens the store; with PostgreSQL, waits up to a minute for a database that drops or refuses the
   * connection at start (booting at the same time, restarting, failing over), as a service should,
   * instead of exiting at once. Anything else (a wrong URL, a bad schema, SQLite) fails at once.
   */
  private LocalFrameStore openStore() throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (long wait = 500; ; wait = Math.min(wait * 2, 5000)) {
      try {
        return LocalFrameStore.open(config.dataDir(), config.objectStore(), config.database());
      } catch (IOException e) {
        if (config.database() == null || !connectionProblem(e) || System.nanoTime() > deadline) {
          throw e;
        }
        log.warn("server: the database is not reachable yet ({}); trying again in {} ms",
            e.getMessage().lines().findFirst().orElse(""), wait);
        try {
          Thread.sleep(wait);
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static boolean connectionProblem(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException q && q.getSQLState() != null && q.getSQLState().startsWith("08")) {
        return true;
      }
      if (t instanceof ConnectException || t instanceof EOFException
          || String.valueOf(t.getMessage()).contains("Connection is closed")) {
        return true;
      }
    }
    return false;
  }
}
