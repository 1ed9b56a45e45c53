package io.fieldcap.update;

import io.fieldcap.config.FieldcapConfig;
import io.fieldcap.fs.Durable;
import io.fieldcap.fs.Trees;
import io.fieldcap.inference.Detector;
import io.fieldcap.inference.ModelException;
import io.fieldcap.inference.OnnxDetector;
import io.fieldcap.model.Sha256;
import io.fieldcap.protocol.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device side of signed updates (docs/fleet.md), on its own thread: takes bundle manifests from
 * the broker, refuses what does not verify against the pinned {@code update.key}, is not for this
 * device, is expired, replays an old sequence or needs a newer agent; downloads the files (retained
 * chunks) and checks their SHA-256; stages and checks a model beside the running one, or validates a
 * config as {@code config check} does; then switches, and watches through {@code update.probation},
 * rolling back on inference errors, a collapse of the detection rate, a lost broker (config) or a
 * crash loop. Every step is saved in {@link UpdateState} before it takes effect.
 */
public final class Updater {
  private static final Logger log = LoggerFactory.getLogger(Updater.class);
  private static final Duration DOWNLOAD_QUIET = Duration.ofMinutes(2);

  /** The broker, through the agent's own connection. Never called on Paho's callback thread. */
  public interface Link {
    void subscribe(String filter) throws Exception;

    void unsubscribe(String filter) throws Exception;

    void publish(String topic, byte[] payload, boolean retained) throws Exception;

    boolean connected();
  }

  /** The running model: which one, and switching to another between two frames. */
  public interface Models {
    Detector current();

    void swap(Detector next);
  }

  /** Builds and validates the config a bundle would make, exactly as {@code config check} does. */
  public interface Configs {
    FieldcapConfig validate(Path file, List<String> settings) throws Exception;
  }

  private sealed interface Event permits ManifestEvent, ChunkEvent {}

  private record ManifestEvent(String topic, byte[] payload) implements Event {}

  private record ChunkEvent(String sha256, int index, byte[] payload) implements Event {}

  private final FieldcapConfig config;
  private final UpdateState state;
  private final PublicKey key;
  private final Topics topics;
  private final Link link;
  private final Models models;
  private final Watch watch;
  private final Configs configs;
  private final Consumer<String> restart;
  private final Runnable statusSoon;
  private final InstantSource clock;
  private final String agentVersion;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final ArrayDeque<ManifestEvent> deferred = new ArrayDeque<>();
  private final Set<String> seen = ConcurrentHashMap.newKeySet(); // cleared on the sync thread
  private volatile boolean running;
  private volatile boolean everConnected;
  private Thread thread;
  private Watch.Counts baseline;

  public Updater(FieldcapConfig config, UpdateState state, PublicKey key, Link link, Models models, Watch watch,
      Configs configs, Consumer<String> restart, Runnable statusSoon, InstantSource clock,
      String agentVersion) {
    this.config = config;
    this.state = state;
    this.key = key;
    this.topics = new Topics(config.mqtt().topicRoot());
    this.link = link;
    this.models = models;
    this.watch = watch;
    this.configs = configs;
    this.restart = restart;
    this.statusSoon = statusSoon;
    this.clock = clock;
    this.agentVersion = agentVersion;
    UpdateState.Kind k = state.kind(Bundle.MODEL);
    if (k.inProbation() && k.baselineFrames > 0) {
      baseline = new Watch.Counts(k.baselineFrames, k.baselineDetections, 0); // the probation goes on after a restart
    }
  }

  /** The topics to subscribe to on every (re)connection. */
  public List<String> subscriptions() {
    return topics.updateSubscriptions(config.device(), config.groups());
  }

  /** Whether a message on {@code topic} is for the updater; if so it is queued. Called on Paho's thread. */
  public boolean offer(String topic, byte[] payload) {
    if (topics.updateKind(topic) != null) {
      events.add(new ManifestEvent(topic, payload));
      return true;
    }
    String[] blob = topics.blobOf(topic);
    if (blob != null) {
      if (blob[1].matches("\\d{1,9}")) {
        events.add(new ChunkEvent(blob[0], Integer.parseInt(blob[1]), payload));
      }
      return true;
    }
    return false;
  }

  /** The broker connection came up (for the probation of a config). */
  public void connected() {
    everConnected = true;
    seen.clear(); // retained manifests come again; one that failed to download is tried again
  }

  public void start() {
    running = true;
    thread = new Thread(this::run, "updater");
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops the thread; a clean stop clears the "running" mark that crash-loop detection reads. */
  public void stop() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The agent is stopping because a stage died: during a probation, that rolls the update back. */
  public void died(String why) {
    for (String kind : List.of(Bundle.MODEL, Bundle.CONFIG)) {
      if (state.kind(kind).inProbation()) {
        log.error("updates: {} died during the probation of {}; rolling back at the next start", why, kind);
        state.rollBack(kind, "the agent failed during probation: " + why, clock.instant());
      }
    }
  }

  private void run() {
    while (running) {
      try {
        Event e = deferred.isEmpty() ? events.poll(1, TimeUnit.SECONDS) : deferred.poll();
        if (e instanceof ManifestEvent m) {
          manifest(m);
        }
        probation();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.error("updates: {}", e.toString(), e);
      }
    }
  }

  private void manifest(ManifestEvent m) throws InterruptedException {
    String kind = topics.updateKind(m.topic());
    if (m.payload().length == 0 || !seen.add(m.topic() + " " + Sha256.hex(m.payload()))) {
      return; // cleared, or already handled in this run
    }
    Instant now = clock.instant();
    Bundle b;
    Signed signed;
    try {
      signed = Signed.decode(m.payload());
      b = signed.verify(key);
    } catch (Signed.Refused r) {
      refusedAside(kind, "a bundle on " + m.topic() + " was refused: " + r.getMessage());
      return;
    }
    UpdateState.Kind k = state.kind(b.kind());
    String digest = signed.digest();
    if (k.active != null && digest.equals(k.active.digest)) {
      clearIfMine(b);
      return; // applied already (it came again on another topic, or after a reconnection)
    }
    if (k.refused.contains(digest)) {
      clearIfMine(b);
      return; // refused or rolled back before: never again, and said so then
    }
    try {
      if (!b.kind().equals(kind)) {
        throw new Signed.Refused("a " + b.kind() + " bundle on the " + kind + " topic " + m.topic());
      }
      if (!b.targets(config.device().value(), config.groups())) {
        throw new Signed.Refused("it is for " + b.target() + ", not this device (groups " + config.groups() + ")");
      }
      if (b.sequence() <= k.lastSequence) {
        throw new Signed.Refused("sequence " + b.sequence() + " is not above " + k.lastSequence
            + ", the last applied (an old bundle, replayed or delivered late)");
      }
    } catch (Signed.Refused r) {
      refusedAside(b.kind(), b.describe() + " was refused: " + r.getMessage());
      return;
    }
    log.info("updates: received {} for {}", b.describe(), b.target());
    state.set(b.kind(), b, "received", null, now);
    statusSoon.run();
    try {
      if (b.expires().isBefore(now)) {
        throw new Signed.Refused("it expired at " + b.expires());
      }
      if (b.minAgent() != null && agentVersion != null && Versions.compare(agentVersion, b.minAgent()) < 0) {
        throw new Signed.Refused("it needs agent " + b.minAgent() + " or newer; this is " + agentVersion);
      }
      if (b.kind().equals(Bundle.MODEL) && config.model() == null) {
        throw new Signed.Refused("this device has no model section; push a config with one first");
      }
      Path dir = download(b);
      if (dir == null) {
        seen.remove(m.topic() + " " + Sha256.hex(m.payload()));
        state.set(b.kind(), b, "received", "its files did not all arrive; tried again on the next connection", clock.instant());
        return;
      }
      state.set(b.kind(), b, "verified", null, clock.instant());
      statusSoon.run();
      if (b.kind().equals(Bundle.MODEL)) {
        applyModel(b, digest, dir);
      } else {
        applyConfig(b, digest, dir);
      }
    } catch (Signed.Refused r) {
      log.warn("updates: {} refused: {}", b.describe(), r.getMessage());
      synchronized (state) {
        UpdateState.remember(k, digest);
        state.set(b.kind(), b, "refused", r.getMessage(), clock.instant());
      }
      clearIfMine(b);
      statusSoon.run();
    }
  }

  private void refusedAside(String kind, String reason) {
    log.warn("updates: {}", reason);
    state.refusedAside(kind == null ? "unknown" : kind, reason, clock.instant());
    statusSoon.run();
  }

  /** Fetches the bundle's files into a fresh folder and checks them; null when they did not all arrive. */
  private Path download(Bundle b) throws Signed.Refused, InterruptedException {
    Path dir = state.dir().resolve("incoming").resolve(Long.toString(b.sequence()));
    try (BundleFiles files = new BundleFiles(b, dir)) {
      for (Bundle.FileEntry f : b.files()) {
        link.subscribe(topics.blobSubscription(f.sha256()));
      }
      long quietUntil = System.nanoTime() + DOWNLOAD_QUIET.toNanos();
      while (!files.complete()) {
        Event e = events.poll(200, TimeUnit.MILLISECONDS);
        if (!running) {
          return null;
        }
        if (e == null) {
          if (System.nanoTime() > quietUntil) {
            log.warn("updates: the files of {} stopped arriving; it is tried again on the next connection", b.describe());
            return null;
          }
          continue;
        }
        if (e instanceof ManifestEvent m) {
          deferred.add(m);
          continue;
        }
        ChunkEvent c = (ChunkEvent) e;
        if (files.write(c.sha256(), c.index(), c.payload())) {
          quietUntil = System.nanoTime() + DOWNLOAD_QUIET.toNanos();
        }
      }
      return files.verified();
    } catch (IOException e) {
      throw new Signed.Refused("cannot write its files here: " + e.getMessage());
    } catch (InterruptedException | Signed.Refused e) {
      throw e;
    } catch (Exception e) {
      log.warn("updates: cannot fetch the files of {}: {}", b.describe(), e.getMessage());
      return null;
    } finally {
      for (Bundle.FileEntry f : b.files()) {
        try {
          link.unsubscribe(topics.blobSubscription(f.sha256()));
        } catch (Exception e) {
          // the connection is gone; so is the subscription
        }
      }
    }
  }

  private void applyModel(Bundle b, String digest, Path incoming) throws Signed.Refused {
    OnnxDetector staged = Staging.check(config.model(), b, incoming);
    state.set(b.kind(), b, "staged", null, clock.instant());
    Path dir = keep(b, incoming);
    UpdateState.Applied a = applied(b, digest, dir);
    if (b.files().size() > 1 && !Staging.isImage(b.files().get(1).name())) {
      a.labels = b.files().get(1).name();
    }
    baseline = watch.counts(models.current());
    synchronized (state) {
      state.kind(Bundle.MODEL).baselineFrames = baseline.frames();
      state.kind(Bundle.MODEL).baselineDetections = baseline.detections();
    }
    activate(b, a);
    models.swap(staged);
    log.info("updates: {} is running (model {} with classes {}); on probation for {}", b.describe(), b.name(),
        staged.info().names(), config.update().probation());
    statusSoon.run();
  }

  private void applyConfig(Bundle b, String digest, Path incoming) throws Signed.Refused {
    Path file = b.files().isEmpty() ? null : incoming.resolve(b.files().get(0).name());
    try {
      configs.validate(file, b.settings() == null ? List.of() : b.settings());
    } catch (Exception e) {
      throw new Signed.Refused("the config is not valid here: " + e.getMessage());
    }
    state.set(b.kind(), b, "staged", null, clock.instant());
    Path dir = keep(b, incoming);
    UpdateState.Applied a = applied(b, digest, dir);
    a.settings = b.settings();
    activate(b, a);
    log.info("updates: {} validated; restarting the pipeline with it (probation {})", b.describe(),
        config.update().probation());
    restart.accept(b.describe());
  }

  private UpdateState.Applied applied(Bundle b, String digest, Path dir) {
    UpdateState.Applied a = new UpdateState.Applied();
    a.sequence = b.sequence();
    a.digest = digest;
    a.name = b.name();
    a.sha256 = b.mainSha256();
    a.dir = dir.toString();
    return a;
  }

  private void activate(Bundle b, UpdateState.Applied a) {
    synchronized (state) {
      UpdateState.Kind k = state.kind(b.kind());
      if (k.previous != null && !k.previous.dir.equals(a.dir)) {
        deleteTree(Path.of(k.previous.dir)); // only the running and the one before are kept
      }
      k.previous = k.active;
      k.active = a;
      k.lastSequence = b.sequence();
      k.probationUntil = clock.instant().plus(config.update().probation());
      k.crashes = 0;
      state.set(b.kind(), b, "probation", null, clock.instant());
    }
  }

  /** Moves the checked files to {@code updates/KIND/SEQUENCE}, where they stay while active or previous. */
  private Path keep(Bundle b, Path incoming) throws Signed.Refused {
    Path dir = state.dir().resolve(b.kind()).resolve(Long.toString(b.sequence()));
    try {
      Durable.createDirectories(dir.getParent());
      deleteTree(dir);
      Files.move(incoming, dir, StandardCopyOption.ATOMIC_MOVE);
      Durable.syncDir(incoming.getParent());
      Durable.syncDir(dir.getParent()); // before the state that names it is saved
      return dir;
    } catch (IOException e) {
      throw new Signed.Refused("cannot keep its files: " + e.getMessage());
    }
  }

  /** Ends probations that are over, and rolls back what fails during one. */
  private void probation() {
    Instant now = clock.instant();
    UpdateState.Kind model = state.kind(Bundle.MODEL);
    if (model.inProbation()) {
      String why = Watch.verdict(watch.counts(models.current()), baseline, config.update().minFrames(),
          config.update().collapseRatio());
      if (why != null) {
        rollBackModel(why);
      } else if (!now.isBefore(model.probationUntil)) {
        String missing = Watch.unproven(watch.counts(models.current()), baseline, config.update().minFrames());
        if (missing == null) {
          passed(Bundle.MODEL, model, "active");
        } else if (!now.isBefore(model.probationUntil.minus(config.update().probation()).plus(config.update().probationMax()))) {
          log.warn("updates: model {} #{} is unproven after {}: {}", model.stateName, model.stateSequence,
              config.update().probationMax(), missing);
          passed(Bundle.MODEL, model, "unproven"); // kept running, but never reported as proven good
        } else if (!missing.equals(model.waiting)) {
          model.waiting = missing;
          log.info("updates: model {} #{} stays on probation: {}", model.stateName, model.stateSequence, missing);
        }
      }
    }
    UpdateState.Kind cfg = state.kind(Bundle.CONFIG);
    if (cfg.inProbation() && !now.isBefore(cfg.probationUntil)) {
      if (config.mqtt() != null && !everConnected) {
        log.error("updates: the broker was never reached with config #{}; rolling back", cfg.stateSequence);
        state.rollBack(Bundle.CONFIG, "the broker was not reachable with this config during probation", now);
        restart.accept("rollback of config #" + cfg.stateSequence);
      } else {
        passed(Bundle.CONFIG, cfg, "active");
      }
    }
  }

  /** Ends a probation: {@code active} (passed), or {@code unproven} (its maximum ran out before the evidence came). */
  private void passed(String kind, UpdateState.Kind k, String outcome) {
    synchronized (state) {
      k.probationUntil = null;
      k.crashes = 0;
      k.state = outcome;
      k.reason = outcome.equals("unproven") ? k.waiting : null;
      k.waiting = null;
      k.at = clock.instant();
      state.save();
    }
    log.info("updates: {} {} #{} {}", kind, k.stateName, k.stateSequence,
        outcome.equals("active") ? "passed probation" : "ended its probation unproven");
    clearIfMine(kind, k);
    statusSoon.run();
  }

  private void rollBackModel(String why) {
    UpdateState.Kind k = state.kind(Bundle.MODEL);
    log.error("updates: rolling back model {} #{}: {}", k.stateName, k.stateSequence, why);
    UpdateState.Applied previous = k.previous;
    Path file = previous == null ? config.model().path() : Path.of(previous.dir).resolve(previous.name);
    Path labels = previous == null ? config.model().labels() : previous.labels == null ? null : Path.of(previous.dir).resolve(previous.labels);
    try {
      Detector back = Staging.open(config.model(), file, labels, previous != null);
      models.swap(back);
    } catch (ModelException e) {
      log.error("updates: the previous model {} does not load any more ({}); keeping the new one", file, e.getMessage());
      return;
    }
    state.rollBack(Bundle.MODEL, why, clock.instant());
    clearIfMine(Bundle.MODEL, k);
    statusSoon.run();
  }

  private void clearIfMine(Bundle b) {
    if (b.target().equals("device:" + config.device().value())) {
      clear(b.kind());
    }
  }

  private void clearIfMine(String kind, UpdateState.Kind k) {
    if (("device:" + config.device().value()).equals(k.stateTarget)) {
      clear(kind);
    }
  }

  /** Clears this device's retained bundle of {@code kind}: the device has answered it. */
  private void clear(String kind) {
    try {
      link.publish(topics.update("device:" + config.device().value(), kind), new byte[0], true);
    } catch (Exception e) {
      log.debug("updates: cannot clear the retained bundle now: {}", e.getMessage());
    }
  }

  private static String sha256(Path file) throws Signed.Refused {
    try {
      return Sha256.file(file);
    } catch (IOException e) {
      throw new Signed.Refused("cannot read " + file.getFileName() + ": " + e.getMessage());
    }
  }

  static void deleteTree(Path dir) {
    try {
      Trees.delete(dir);
    } catch (IOException e) {
      log.warn("updates: cannot remove {}: {}", dir, e.getMessage());
    }
  }

}
