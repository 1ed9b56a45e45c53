package io.fieldcap.agent;

import io.fieldcap.Version;
import io.fieldcap.capture.CaptureLoop;
import io.fieldcap.capture.DirectorySource;
import io.fieldcap.capture.FrameBuffers;
import io.fieldcap.capture.FrameSink;
import io.fieldcap.capture.FrameSource;
import io.fieldcap.config.FieldcapConfig;
import io.fieldcap.config.Sizes;
import io.fieldcap.geo.PositionSource;
import io.fieldcap.image.JpegEncoder;
import io.fieldcap.inference.Detector;
import io.fieldcap.inference.ModelException;
import io.fieldcap.keys.SigningKeys;
import io.fieldcap.metrics.Histogram;
import io.fieldcap.metrics.MetricsEndpoint;
import io.fieldcap.model.Fix;
import io.fieldcap.model.Frame;
import io.fieldcap.privacy.Redactor;
import io.fieldcap.select.DuplicateFilter;
import io.fieldcap.select.ManualCapture;
import io.fieldcap.select.QualityGate;
import io.fieldcap.select.Rules;
import io.fieldcap.spool.Counters;
import io.fieldcap.spool.Spool;
import io.fieldcap.spool.SpoolException;
import io.fieldcap.spool.SpoolStats;
import io.fieldcap.sync.SyncListener;
import io.fieldcap.sync.SyncService;
import io.fieldcap.update.UpdateState;
import io.fieldcap.update.Updater;
import io.fieldcap.update.Watch;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device agent: capture into the spool, and sync from it. Threads: one capture thread, the
 * {@link Pipeline}'s three (preparer, labeler, spool writer), sync's, and one housekeeping thread
 * (counter flush each second, a summary line each {@code agent.summary-interval}).
 * Live capture never waits: when the writer falls behind a camera or stream, the newest frame is
 * dropped and counted; a folder or a clip decoded faster than real time waits instead.
 *
 * <p>Lifecycle: {@link #start()}, then {@link #stop()} once (from a signal handler or a test);
 * {@link #awaitStop()} blocks until then.
 */
public final class Agent {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  private final FieldcapConfig config;
  private final InstantSource clock;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private Spool spool;
  private PositionSource positions;
  private volatile Supplier<Fix> where = () -> null;
  private MetricsEndpoint metricsEndpoint;
  private final Histogram noAcks = new Histogram();
  private final ManualCapture manual = new ManualCapture();
  private CaptureLoop capture;
  private Pipeline pipeline;
  private ScheduledExecutorService housekeeping;
  private SpoolStats lastSummary;
  private SyncService sync;
  private final AtomicReference<Detector> model = new AtomicReference<>();
  private final Watch watch = new Watch();
  private UpdateState updates;
  private Updater updater;
  private Updater.Configs configs;
  private Consumer<String> restart;
  private SyncListener syncListener = SyncListener.NONE;
  private volatile String failure;
  private Rules rules;
  private volatile Tracking tracking;
  private volatile ClipRecorder clips;
  private volatile FrameBuffers frameBuffers;
  private static final String RULES_STATE = "capture-rules";

  public Agent(FieldcapConfig config, InstantSource clock) {
    this.config = config;
    this.clock = clock;
  }

  /**
   * Takes signed updates (with {@code update.key} and an mqtt section): {@code state} is the spool's
   * update record, already through {@link io.fieldcap.update.UpdateState#boot}; {@code configs}
   * validates a pushed config; {@code restart} is told when one is to be applied (the agent is then
   * stopped and started again with it). Set before {@link #start()}; without it the agent runs its
   * configured model and config and takes no updates.
   */
  public void updates(UpdateState state, Updater.Configs configs,
      Consumer<String> restart) {
    this.updates = state;
    this.configs = configs;
    this.restart = restart;
  }

  /** Observes acks (benchmarks, tests); set before {@link #start()}. */
  public void onAcked(SyncListener listener) {
    this.syncListener = listener;
  }

  /**
   * Starts capture (and sync, with an mqtt section).
   *
   * @throws ModelException when the configured model cannot be loaded and {@code model.required} is true
   */
  public synchronized void start() throws ModelException {
    Detector detector = ModelLoader.open(config.model(), updates);
    Redactor redactor = ModelLoader.redactor(config.privacy(), detector);
    var sc = config.spool();
    spool = Spool.open(sc.dir(), sc.maxBytes(), sc.minFreeBytes(), sc.whenFull(), clock);
    spool.keepSetAside(sc.keepFailed());
    positions = ModelLoader.positions(config.geo());
    PositionSource ps = positions;
    where = ps == null ? () -> null : () -> ps.latest(config.geo().maxAge());
    BlockingQueue<Frame> queue = new ArrayBlockingQueue<>(sc.queueFrames());
    boolean live = switch (config.source().kind()) {
      case DIR -> false;
      case FILE -> config.source().realtime();
      default -> true;
    };
    // the frames that can be in flight: the capture queue, one being prepared, one ready, one labeled,
    // two waiting to be written, one being written, and one being read
    FrameBuffers buffers = frameBuffers = new FrameBuffers(sc.queueFrames() + 7);
    FrameSink sink = new CaptureSink(queue, live, where, spool, buffers);
    FrameSource source = Sources.create(config.source(), spool::isTaken, sink, buffers);
    model.set(detector);
    rules = new Rules(config.capture(), System.nanoTime());
    rules.restore(spool.loadState(RULES_STATE)); // budgets already spent in this minute, hour and day stay spent
    BlockingQueue<Preparer.Ready> ready = new ArrayBlockingQueue<>(1);
    BlockingQueue<Labeled> labeled = new ArrayBlockingQueue<>(2);
    pipeline = new Pipeline(
        new Preparer(queue, ready, spool, model::get, new QualityGate(config.quality()), buffers),
        new Labeler(ready, labeled, spool, model::get, watch, tracking = new Tracking(config.tracking())),
        new SpoolWriter(labeled, spool,
            new Selector(manual, new DuplicateFilter(config.quality()), rules, spool::skip, spool::fill),
            new Redaction(redactor, config.privacy().labelFaces(),
                () -> spool.captured(Counters.REJECTED_PREFIX + Redaction.REJECTED, 1)),
            new FrameEncoder(JpegEncoder.open(sc.jpegEncoder()), sc.jpegQuality(), config.geo().override(), config.tags()),
            clips = ClipRecorder.of(config, spool), config.agent().stopTimeout().dividedBy(3), buffers),
        detector == null ? 0 : config.agent().nice(), this::died);
    pipeline.start();
    capture = new CaptureLoop(source, sink, spool::nextSequence, clock, config.source().reconnectMaxDelay());
    capture.onCrash(e -> died("capture", e));
    startHousekeeping(source);
    log.info("agent {} started: source {} at {} fps, spool {} (quota {})", config.device(), source.describe(),
        config.source().fps(), sc.dir(), Sizes.format(sc.maxBytes()));
    capture.start();
    if (config.mqtt() != null) {
      sync = new SyncService(config.device(), config.mqtt(), spool, sc.keepAcked(), clock, syncListener, manual::command);
      sync.health(this::health);
      sync.about(this::about);
      startUpdater();
      sync.start();
    } else {
      log.info("no mqtt section: frames stay in the spool (capture only)");
    }
    if (updates != null) {
      updates.started();
    }
    startMetrics();
  }

  /** Counters flushed each second, the spool pruned each hour, capture-now requests read, a summary line now and then. */
  private void startHousekeeping(FrameSource source) {
    housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "housekeeping");
      t.setDaemon(true);
      return t;
    });
    housekeeping.scheduleAtFixedRate(this::flushQuietly, 1, 1, TimeUnit.SECONDS);
    // bounded over weeks unattended: set-aside images by age and size, the folder ledger by what is still there
    housekeeping.scheduleAtFixedRate(() -> prune(source), 0, 1, TimeUnit.HOURS);
    Path requests = config.spool().dir().resolve("requests");
    housekeeping.scheduleAtFixedRate(() -> manual.poll(requests), 250, 250, TimeUnit.MILLISECONDS);
    long summary = config.agent().summaryInterval().toMillis();
    housekeeping.scheduleAtFixedRate(this::summary, summary, summary, TimeUnit.MILLISECONDS);
  }

  private void startMetrics() {
    String listen = config.agent().metricsListen();
    if (listen == null) {
      return;
    }
    int colon = listen.lastIndexOf(':');
    try {
      metricsEndpoint = new MetricsEndpoint(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)),
          this::metrics);
      log.info("metrics for Prometheus at http://{}:{}/metrics", listen.substring(0, colon), metricsEndpoint.port());
    } catch (IOException e) {
      throw new SpoolException("agent.metrics-listen " + listen + ": " + e.getMessage(), e);
    }
  }

  private void startUpdater() {
    if (!config.update().enabled() || updates == null) {
      log.info("updates: off ({})", !config.update().enabled() ? "no update.key"
          : "this agent was started without an update record");
      return;
    }
    PublicKey key;
    try {
      key = SigningKeys.pinned(config.update().publicKey(), config.update().key());
    } catch (IOException e) {
      throw new SpoolException("update.key: " + e.getMessage(), e);
    }
    SyncService s = sync;
    updater = new Updater(config, updates, key, UpdaterLinks.of(s), UpdaterLinks.of(model), watch, configs, restart, s::statusSoon, clock, Version.current());
    s.share(updater.subscriptions(), updater::offer, updater::connected);
    updater.start();
    log.info("updates: signed bundles accepted for {} (groups {}), verified with {}; probation {}", config.device(),
        config.groups(), config.update().source(), config.update().probation());
  }

  /** The agent's metrics in Prometheus' text format. */
  public String metrics() {
    return AgentMetrics.render(spool.stats(), spool.freeBytes(), sync == null ? null : sync.connected(), about(),
        pipeline.inference(), sync == null ? noAcks : sync.ackLatency());
  }

  /** The metrics endpoint's port, or -1 when there is none. */
  public int metricsPort() {
    return metricsEndpoint == null ? -1 : metricsEndpoint.port();
  }

  /**
   * A stage died (an Error, or capture failing unexpectedly): the agent cannot do its job, so it stops
   * and exits with 1 (systemd restarts it) instead of running on silently without that stage.
   */
  private void died(String stage, Throwable t) {
    if (failure != null) {
      return;
    }
    failure = stage + ": " + t;
    if (updater != null) {
      updater.died(failure);
    }
    log.error("the {} stage died ({}); stopping the agent with exit code 1 so that it is restarted", stage, t.toString(), t);
    Thread stopper = new Thread(this::stop, "stop-after-failure");
    stopper.start();
  }

  /** Why the agent stopped on its own (a stage died), or null. */
  public String failure() {
    return failure;
  }

  /** The pixel arrays the pipeline hands back to the source (null before {@link #start()}). */
  FrameBuffers frameBuffers() {
    return frameBuffers;
  }

  /** The model the agent pre-labels with (file name and weights' version) and its current position, for the status message. */
  public Map<String, Object> about() {
    Map<String, Object> m = AgentMetrics.about(model.get(), config.groups(), updates, where.get());
    Tracking t = tracking;
    if (t != null && t.enabled()) {
      m.put("tracks", t.status());
    }
    ClipRecorder c = clips;
    if (c != null) {
      m.put("clips", c.status());
    }
    return m;
  }

  /** Each stage's state, for the status message: capture's state, and ok / failing / dead for the others. */
  public Map<String, Object> health() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("capture", capture.state().name().toLowerCase(Locale.ROOT));
    pipeline.health(h);
    return h;
  }

  private void prune(FrameSource source) {
    try {
      spool.pruneSidelined();
      if (source instanceof DirectorySource dir) {
        int n = spool.forgetTaken(dir::stillThere);
        if (n > 0) {
          log.info("spool: forgot {} taken file(s) that are no longer in the folder", n);
        }
      }
    } catch (RuntimeException e) {
      log.warn("could not prune the spool: {}", e.getMessage());
    }
  }

  private void flushQuietly() {
    try {
      spool.flush();
      spool.saveState(RULES_STATE, rules.state());
    } catch (RuntimeException e) {
      log.warn("could not write spool counters: {}", e.getMessage());
    }
  }

  private void summary() {
    try {
      SpoolStats s = spool.stats();
      SpoolStats p = lastSummary;
      lastSummary = s;
      log.info("summary: source {}{}, captured {} (+{}), pending {}, {} in spool, acked {}, dropped {}, evicted {}, rejected {}{}",
          capture.state().name().toLowerCase(Locale.ROOT),
          capture.lastError() == null || capture.state() == CaptureLoop.State.STREAMING ? "" : " (" + capture.lastError() + ")",
          s.captured(), p == null ? s.captured() : s.captured() - p.captured(), s.pending(), Sizes.format(s.bytes()),
          s.acked(), s.dropped(), s.evicted(), s.rejected(),
          sync == null ? "" : sync.connected() ? ", broker connected" : ", broker offline");
    } catch (RuntimeException e) {
      log.warn("could not read spool stats: {}", e.getMessage());
    }
  }

  /**
   * Per-stage time so far, in nanoseconds: preparing model inputs (including any wait for a free
   * input buffer), inference and decoding, JPEG encoding, storing; then frames stored.
   */
  public long[] stageNanos() {
    return pipeline.stageNanos();
  }

  /** The name of the JPEG encoder the spool writer uses. */
  public String jpegEncoder() {
    return pipeline.encoderName();
  }

  /** How long capture waited to hand over a frame, at percentile {@code p} of the last 4096 frames, in ns. */
  public long captureHandOverNanos(double p) {
    return capture.handOverNanos(p);
  }

  /** The capture loop's state, for tests and status. */
  public CaptureLoop.State captureState() {
    return capture.state();
  }

  public Spool spool() {
    return spool;
  }

  /**
   * Stops within {@code agent.stop-timeout}: capture stops first, the writer stores the frames in
   * hand while time allows (the rest are counted as dropped), then the spool is closed.
   */
  public synchronized void stop() {
    if (stopped.getCount() == 0 || spool == null) {
      return;
    }
    if (metricsEndpoint != null) {
      metricsEndpoint.close();
    }
    long deadline = System.nanoTime() + config.agent().stopTimeout().toNanos();
    try {
      Duration third = config.agent().stopTimeout().dividedBy(3);
      capture.stop(third);
      pipeline.drain(deadline, third);
      if (updater != null) {
        updater.stop();
      }
      if (sync != null) {
        sync.stop(Duration.ofMillis(Math.max(100, (deadline - System.nanoTime()) / 1_000_000)));
      }
      housekeeping.shutdownNow();
      if (positions != null) {
        positions.close();
      }
      spool.close();
      if (updates != null && failure == null) {
        updates.stopped();
      }
      if (pipeline.labelerStopped()) { // never under a labeler still inside an inference: the process is exiting anyway
        Detector retired = pipeline.retired();
        if (retired != null) {
          retired.close();
        }
        if (model.get() != null) {
          model.get().close();
        }
      }
      log.info("agent {} stopped", config.device());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stopped.countDown();
    }
  }

  public void awaitStop() throws InterruptedException {
    stopped.await();
  }
}
