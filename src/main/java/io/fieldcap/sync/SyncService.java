package io.fieldcap.sync;

import io.fieldcap.config.MqttConfig;
import io.fieldcap.config.Redact;
import io.fieldcap.keys.SigningKeys;
import io.fieldcap.metrics.Histogram;
import io.fieldcap.model.DeviceId;
import io.fieldcap.model.FrameId;
import io.fieldcap.protocol.Ack;
import io.fieldcap.protocol.AckSignature;
import io.fieldcap.protocol.AckStatus;
import io.fieldcap.protocol.Codec;
import io.fieldcap.protocol.RejectReason;
import io.fieldcap.protocol.Topics;
import io.fieldcap.spool.Counters;
import io.fieldcap.spool.PendingFrame;
import io.fieldcap.spool.Spool;
import io.fieldcap.spool.SpoolException;
import io.fieldcap.transport.MqttLink;
import io.fieldcap.transport.MqttOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves frames from the spool to the server. One thread owns all state; Paho's callbacks only
 * queue events for it. For each frame: publish the manifest; the server answers {@code send} with
 * the chunks it lacks (all of them for a new frame, only the missing ones after a cut), the device
 * sends those; the server answers {@code stored} or {@code duplicate} once the image and its row
 * are durable, and only then is the frame acknowledged in the spool. A frame without an answer for
 * {@code mqtt.ack-timeout} is offered again (the server then says what it still lacks). At most
 * {@code mqtt.window} frames, and never more than the broker's receive maximum, are in flight.
 *
 * <p>Lifecycle: {@link #start()}, {@link #stop(Duration)} once.
 */
public final class SyncService {
  private static final Logger log = LoggerFactory.getLogger(SyncService.class);
  private static final int MAX_REFUSALS = 5;

  private sealed interface Event permits AckEvent, Lost, Stored {}

  /** A frame was stored in the spool: fill the window now. */
  private record Stored() implements Event {}

  private record AckEvent(Ack ack) implements Event {}

  private record Lost(String why) implements Event {}

  private final DeviceId device;
  private final MqttConfig config;
  private final Spool spool;
  private final boolean keepAcked;
  private final InstantSource clock;
  private final SyncListener listener;
  private final Topics topics;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final Map<String, InFlight> inFlight = new LinkedHashMap<>();
  private final MqttLink link;
  private final ByteRate rate;
  private final Chunks chunks;
  private final CommandHandler commands;
  private volatile boolean running;
  private volatile boolean connected;
  private Thread thread;
  private long lastStatusNanos;
  private volatile int inFlightCount;
  private final AckSignature.Verifier verifier;
  private final AckGate acks;
  private final StatusMessage status;

  public SyncService(DeviceId device, MqttConfig config, Spool spool, boolean keepAcked, InstantSource clock,
      SyncListener listener) {
    this(device, config, spool, keepAcked, clock, listener, null);
  }

  /** With {@code commands}, what arrives on {@code ROOT/DEVICE/commands} reaches it. */
  public SyncService(DeviceId device, MqttConfig config, Spool spool, boolean keepAcked, InstantSource clock,
      SyncListener listener, CommandHandler commands) {
    this.device = device;
    this.config = config;
    this.spool = spool;
    this.keepAcked = keepAcked;
    this.clock = clock;
    this.listener = listener;
    this.topics = new Topics(config.topicRoot());
    this.rate = new ByteRate(config.maxBytesPerSecond());
    this.commands = commands;
    this.status = new StatusMessage(device, spool, clock);
    try {
      this.verifier = config.serverKey() == null ? null : new AckSignature.Verifier(SigningKeys.readPublic(config.serverKey()));
    } catch (IOException e) {
      throw new UncheckedIOException("mqtt.server-key: " + e.getMessage(), e);
    }
    this.acks = new AckGate(device.value(), verifier, () -> spool.count(Counters.FORGED_ACKS, 1), System::nanoTime);
    String commandTopic = topics.commands(device);
    String clientId = config.clientId() != null ? config.clientId() : "fieldcap-" + device;
    this.link = new MqttLink(clientId, MqttOptions.from(config, topics.status(device), status.brief("offline")),
        new MqttLink.Listener() {
          @Override
          public void message(String topic, byte[] payload) {
            if (extra.test(topic, payload)) {
              return;
            }
            if (topic.equals(commandTopic)) {
              if (commands == null || !commands.command(payload)) {
                log.warn("ignoring an unknown command on {}", topic);
              }
              return;
            }
            try {
              events.add(new AckEvent(Codec.ack(payload)));
            } catch (IOException | RuntimeException e) {
              log.warn("ignoring an unreadable ack on {}: {}", topic, e.getMessage());
            }
          }

          @Override
          public void lost(String why) {
            events.add(new Lost(why));
          }
        });
    this.chunks = new Chunks(device, spool, link, topics, rate, config.chunkBytes());
  }

  private final Histogram ackLatency = new Histogram();

  /** From a frame's first offer to the server's stored (or duplicate) ack, for the metrics. */
  public Histogram ackLatency() {
    return ackLatency;
  }

  private volatile List<String> extraFilters = List.of();
  private volatile BiPredicate<String, byte[]> extra = (t, p) -> false;
  private volatile Runnable onConnect = () -> {};
  private volatile boolean statusNow;

  /**
   * Another user of this connection (the updater): {@code filters} are subscribed on every
   * connection, after {@code onConnect} has run; {@code handler} sees every message first (on
   * Paho's thread) and returns whether it took it. Set before {@link #start()}.
   */
  public void share(List<String> filters, BiPredicate<String, byte[]> handler, Runnable onConnect) {
    this.extraFilters = List.copyOf(filters);
    this.extra = handler;
    this.onConnect = onConnect;
  }

  /** Subscribes on the live connection (not from Paho's callback thread). */
  public void subscribe(String filter) throws MqttException {
    link.subscribe(filter);
  }

  public void unsubscribe(String filter) throws MqttException {
    link.unsubscribe(filter);
  }

  /** Publishes at QoS 1 on the live connection (not from Paho's callback thread). */
  public void publish(String topic, byte[] payload, boolean retained) throws MqttException, InterruptedException {
    link.publish(topic, payload, retained);
  }

  /** Publishes the status message at the next turn of the sync loop instead of when due. */
  public void statusSoon() {
    statusNow = true;
  }

  /** What the status message says of the model and the position; set before {@link #start()}. */
  public void about(Supplier<Map<String, Object>> about) {
    status.about(about);
  }

  /** What the status message says of the agent's stages; set before {@link #start()}. */
  public void health(Supplier<Map<String, Object>> health) {
    status.health(health);
  }

  public boolean connected() {
    return connected;
  }

  public synchronized void start() {
    spool.onStored(() -> {
      if (connected && inFlightCount < config.window()) {
        events.add(new Stored());
      }
    });
    if (verifier == null) {
      log.warn("sync: acks are unauthenticated (no mqtt.server-key): any client allowed to publish on this device's"
          + " ack topic can make it give up frames that name their SHA-256; see docs/security.md");
    }
    running = true;
    thread = new Thread(this::run, "sync");
    thread.start();
  }

  /** Stops sending; frames in flight stay in flight in the spool and are offered again at the next start. */
  public void stop(Duration timeout) throws InterruptedException {
    running = false;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
      t.join(timeout.toMillis());
    }
    // the flag may already be down (the sync thread leaves its loop first): the link knows if it is still connected
    link.disconnect(status.brief("offline"), topics.status(device));
    link.close();
  }

  private void run() {
    Duration backoff = Duration.ofSeconds(1);
    String broker = Redact.uri(config.broker().toString());
    boolean announcedDown = false;
    while (running) {
      try {
        connect();
        log.info("sync: connected to {} (receive maximum {}, window {})", broker, link.receiveMaximum(), window());
        announcedDown = false;
        backoff = Duration.ofSeconds(1);
        serve();
      } catch (InterruptedException e) {
        break;
      } catch (MqttException | RuntimeException e) {
        if (!running) {
          break;
        }
        connected = false;
        inFlight.clear();
        if (e instanceof SpoolException) {
          log.error("sync: {}; retrying with backoff", e.getMessage());
        } else if (!announcedDown) {
          log.warn("sync: broker {} unreachable: {}; frames stay in the spool, retrying with backoff", broker, describe(e));
          announcedDown = true;
        } else {
          log.debug("sync: still unreachable: {}", describe(e));
        }
        try {
          TimeUnit.MILLISECONDS.sleep(backoff.toMillis());
        } catch (InterruptedException ie) {
          break;
        }
        backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : backoff.multipliedBy(2);
      }
    }
    connected = false;
  }

  private static String describe(Exception e) {
    Throwable c = e.getCause() != null ? e.getCause() : e;
    return e.getMessage() + (c != e && c.getMessage() != null ? " (" + c.getMessage() + ")" : "");
  }

  private int window() {
    return Math.max(1, Math.min(config.window(), link.receiveMaximum()));
  }

  private void connect() throws MqttException {
    events.clear();
    link.connect();
    link.subscribe(topics.acks(device.value()));
    if (commands != null) {
      link.subscribe(topics.commands(device));
    }
    onConnect.run();
    for (String f : extraFilters) {
      link.subscribe(f);
    }
    spool.requeue(null); // whatever was in flight before is offered again; the server dedups
    inFlight.clear();
    connected = true;
    lastStatusNanos = 0;
  }

  /** The connected loop: keep the window full, handle answers, re-offer what went quiet. */
  private void serve() throws MqttException, InterruptedException {
    List<Event> batch = new ArrayList<>();
    while (running) {
      fillWindow();
      publishStatusIfDue();
      Event first = events.poll(200, TimeUnit.MILLISECONDS);
      batch.clear();
      if (first != null) {
        batch.add(first);
        events.drainTo(batch, 255);
      }
      Map<InFlight, Boolean> stored = new LinkedHashMap<>(); // frame -> whether the answer was duplicate
      for (Event e : batch) {
        if (e instanceof Lost lost) {
          throw new MqttException(new IOException("connection lost: " + lost.why()));
        }
        if (!(e instanceof AckEvent ae)) {
          continue;
        }
        Ack ack = ae.ack();
        InFlight fl = acks.trusted(ack, inFlight);
        if (fl == null) {
          continue;
        }
        if (ack.status() == AckStatus.STORED || ack.status() == AckStatus.DUPLICATE) {
          if (!stored.containsKey(fl)) {
            ackLatency.observeNanos(System.nanoTime() - fl.startNanos);
          }
          stored.putIfAbsent(fl, ack.status() == AckStatus.DUPLICATE);
        } else {
          handle(ack, fl);
        }
      }
      if (!stored.isEmpty()) {
        acked(stored);
      }
      reofferQuiet();
    }
  }

  /** Every trusted stored/duplicate ack that arrived together, in one spool commit. */
  private void acked(Map<InFlight, Boolean> frames) {
    List<FrameId> ids = new ArrayList<>();
    for (InFlight fl : frames.keySet()) {
      ids.add(fl.frame.id());
    }
    Set<FrameId> done = new HashSet<>(spool.acked(ids, keepAcked));
    frames.forEach((fl, duplicate) -> {
      inFlight.remove(fl.frame.id().value());
      if (done.contains(fl.frame.id())) {
        listener.acked(fl.frame, clock.instant(), duplicate);
      }
    });
  }

  private void fillWindow() throws MqttException, InterruptedException {
    inFlightCount = inFlight.size();
    int free = window() - inFlight.size();
    if (free <= 0) {
      return;
    }
    for (PendingFrame f : spool.takePending(free, config.drain())) {
      InFlight fl = new InFlight(f, System.nanoTime());
      inFlight.put(f.id().value(), fl);
      offer(fl);
    }
  }

  private void offer(InFlight fl) throws MqttException, InterruptedException {
    PendingFrame f = fl.frame;
    Offer o = Offer.of(device, f, config.chunkBytes());
    fl.labelsTail = o.labelsTail();
    fl.offers++;
    fl.lastActivityNanos = System.nanoTime();
    link.publish(topics.manifest(device, f.id()), o.manifest(), false);
  }

  private void handle(Ack ack, InFlight fl) throws MqttException, InterruptedException {
    FrameId id = fl.frame.id();
    switch (ack.status()) {
      case SEND -> {
        if (!chunks.send(fl, ack.missing() == null ? List.of() : ack.missing())) {
          inFlight.remove(id.value());
        }
      }
      case CONFLICT -> {
        inFlight.remove(id.value());
        PendingFrame renamed = spool.rekey(id);
        if (renamed != null) {
          log.warn("sync: the server holds another image under frame id {}; offering this one again as {}", id, renamed.id());
          InFlight again = new InFlight(renamed, System.nanoTime());
          inFlight.put(renamed.id().value(), again);
          offer(again);
        }
      }
      case REJECTED -> {
        RejectReason reason = RejectReason.fromCode(ack.reason());
        fl.refusals++;
        boolean terminal = reason != null && !reason.retryable() && ack.sha256() != null;
        if (!terminal && fl.refusals < MAX_REFUSALS || ack.sha256() == null) {
          log.info("sync: frame {} refused for now ({}: {}); it will be offered again", id, ack.reason(), ack.message());
          fl.lastActivityNanos = System.nanoTime(); // re-offered after the ack timeout
        } else {
          inFlight.remove(id.value());
          spool.failed(id, "server rejected it: " + ack.reason() + ": " + ack.message());
        }
      }
      default -> log.warn("sync: unknown ack status for {}", id);
    }
  }

  private void reofferQuiet() throws MqttException, InterruptedException {
    long now = System.nanoTime();
    long timeout = config.ackTimeout().toNanos();
    for (InFlight fl : List.copyOf(inFlight.values())) {
      if (now - fl.lastActivityNanos > timeout) {
        log.debug("sync: no answer about {} for {}; offering it again (offer {})", fl.frame.id(), config.ackTimeout(),
            fl.offers + 1);
        offer(fl);
      }
    }
  }

  private void publishStatusIfDue() throws MqttException, InterruptedException {
    long now = System.nanoTime();
    if (!statusNow && lastStatusNanos != 0 && now - lastStatusNanos < config.statusInterval().toNanos()) {
      return;
    }
    statusNow = false;
    double seconds = lastStatusNanos == 0 ? 0 : (now - lastStatusNanos) / 1e9;
    lastStatusNanos = now;
    link.publish(topics.status(device), status.full("online", seconds), true);
  }
}
