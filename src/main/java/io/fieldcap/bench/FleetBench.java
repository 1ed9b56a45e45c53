package io.fieldcap.bench;

import io.fieldcap.config.ConfigLoader;
import io.fieldcap.config.MqttConfig;
import io.fieldcap.image.Images;
import io.fieldcap.image.OpenCv;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.DeviceId;
import io.fieldcap.model.FrameId;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Sha256;
import io.fieldcap.protocol.Ack;
import io.fieldcap.protocol.AckStatus;
import io.fieldcap.protocol.Codec;
import io.fieldcap.protocol.Manifest;
import io.fieldcap.protocol.Topics;
import io.fieldcap.transport.MqttLink;
import io.fieldcap.transport.MqttOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.opencv.core.Mat;

/**
 * A load generator for the server side: simulated devices, each with its own MQTT connection,
 * speaking the real protocol (manifest with labels, the chunks the server asks for, re-offers after
 * {@code ackTimeout}), spread round-robin over the brokers. Counts a frame stored when the server
 * first acks it {@code stored} or {@code duplicate}; {@code lost} are frames never acked, {@code
 * duplicated} frames acked {@code stored} twice (stored twice). Later {@code duplicate} acks answer
 * re-offers and are only counted ({@code extraAcks}). Images are real JPEGs of about the requested size (one per device, new ids each
 * frame), so the server's header check, SHA-256 and image measurements do their real work.
 */
public final class FleetBench {
  /** What one run measured. */
  public record Result(int devices, int brokers, double seconds, long offered, long stored, long lost, long duplicated,
      long reoffers, long extraAcks, double framesPerSecond, double megabytesPerSecond, Map<String, Long> latencyMs, int frameBytes) {}

  private final List<String> brokers;
  private final String topicRoot;
  private final int devices;
  private final double fps;
  private final int frameBytes;
  private final int chunkBytes;
  private final Duration ackTimeout;

  public FleetBench(List<String> brokers, String topicRoot, int devices, double fps, int frameBytes, int chunkBytes,
      Duration ackTimeout) {
    this.brokers = brokers;
    this.topicRoot = topicRoot;
    this.devices = devices;
    this.fps = fps;
    this.frameBytes = frameBytes;
    this.chunkBytes = chunkBytes;
    this.ackTimeout = ackTimeout;
  }

  /** One frame offered and not yet settled. */
  private static final class Pending {
    final Manifest manifest;
    final long capturedNanos;
    volatile long lastOfferNanos;

    Pending(Manifest manifest, long capturedNanos) {
      this.manifest = manifest;
      this.capturedNanos = capturedNanos;
      this.lastOfferNanos = capturedNanos;
    }
  }

  /** One simulated device. */
  private final class Device {
    final DeviceId id;
    final MqttLink link;
    final byte[] image;
    final String sha256;
    final int width;
    final int height;
    final Map<String, Pending> pending = new ConcurrentHashMap<>();
    final Map<String, Boolean> settled = new ConcurrentHashMap<>();
    final AtomicLong seq = new AtomicLong();

    Device(DeviceId id, MqttLink link, byte[] image, int width, int height) {
      this.id = id;
      this.link = link;
      this.image = image;
      this.sha256 = Sha256.hex(image);
      this.width = width;
      this.height = height;
    }
  }

  private final LongAdder offered = new LongAdder();
  private final LongAdder stored = new LongAdder();
  private final LongAdder duplicated = new LongAdder();
  private final LongAdder reoffers = new LongAdder();
  private final LongAdder extraAcks = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final long[] latencies = new long[1 << 22];
  private final AtomicLong latencyCount = new AtomicLong();

  public Result run(Duration length, Duration drain, PrintWriter progress) throws Exception {
    Topics topics = new Topics(topicRoot);
    ExecutorService workers = Executors.newFixedThreadPool(Math.max(4, Math.min(64, devices / 8)), r -> {
      Thread t = new Thread(r, "fleet-bench");
      t.setDaemon(true);
      return t;
    });
    List<Device> fleet = new ArrayList<>();
    Random random = new Random(7);
    byte[][] images = images(Math.min(devices, 16), random);
    try {
      for (int i = 0; i < devices; i++) {
        String broker = brokers.get(i % brokers.size());
        DeviceId id = new DeviceId(String.format("sim-%05d", i));
        MqttConfig mqtt = ConfigLoader.loadMqtt(null, List.of("mqtt.broker=" + broker, "mqtt.topic-root=" + topicRoot));
        Device[] self = new Device[1];
        MqttLink link = new MqttLink("fieldcap-" + id, MqttOptions.from(mqtt, null, null), new MqttLink.Listener() {
          @Override
          public void message(String topic, byte[] payload) {
            workers.execute(() -> answer(self[0], topics, payload));
          }

          @Override
          public void lost(String why) {}
        });
        byte[] image = images[i % images.length];
        Mat m = Images.decode(image);
        self[0] = new Device(id, link, image, m.cols(), m.rows());
        m.release();
        fleet.add(self[0]);
      }
      // connected in parallel: one after the other, Paho takes a noticeable time per connection
      List<Future<?>> connects = new ArrayList<>();
      ExecutorService connector = Executors.newFixedThreadPool(32);
      for (Device d : fleet) {
        connects.add(connector.submit(() -> {
          d.link.connect();
          d.link.subscribe(topics.acks(d.id.value()));
          return null;
        }));
      }
      try {
        for (Future<?> f : connects) {
          f.get();
        }
      } finally {
        connector.shutdownNow();
      }
      progress.printf("fleet bench: %d devices connected over %d broker(s), %d-byte frames, %.2f fps each%n", devices,
          brokers.size(), images[0].length, fps);
      progress.flush();
      ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
      long periodNanos = (long) (1e9 / fps);
      long start = System.nanoTime();
      for (int i = 0; i < fleet.size(); i++) {
        Device d = fleet.get(i);
        long offset = periodNanos * i / Math.max(1, fleet.size()); // staggered, as real cameras are
        clock.scheduleAtFixedRate(() -> workers.execute(() -> capture(d, topics)), offset, periodNanos, TimeUnit.NANOSECONDS);
      }
      clock.scheduleAtFixedRate(() -> reofferQuiet(fleet, topics, workers), 1, 1, TimeUnit.SECONDS);
      Thread.sleep(length.toMillis());
      long offerEnd = System.nanoTime();
      clock.shutdownNow();
      clock = Executors.newScheduledThreadPool(1);
      clock.scheduleAtFixedRate(() -> reofferQuiet(fleet, topics, workers), 1, 1, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + drain.toNanos();
      while (System.nanoTime() < deadline && fleet.stream().anyMatch(d -> !d.pending.isEmpty())) {
        Thread.sleep(100);
      }
      clock.shutdownNow();
      double seconds = (offerEnd - start) / 1e9;
      long lost = fleet.stream().mapToLong(d -> d.pending.size()).sum();
      long[] sorted = Arrays.copyOf(latencies, (int) Math.min(latencies.length, latencyCount.get()));
      Arrays.sort(sorted);
      Map<String, Long> lat = new LinkedHashMap<>();
      lat.put("p50", percentile(sorted, 0.50));
      lat.put("p90", percentile(sorted, 0.90));
      lat.put("p99", percentile(sorted, 0.99));
      lat.put("max", sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
      long settled = stored.sum();
      double elapsed = (System.nanoTime() - start) / 1e9;
      return new Result(devices, brokers.size(), Math.round(seconds * 10) / 10.0, offered.sum(), settled, lost,
          duplicated.sum(), reoffers.sum(), extraAcks.sum(), Math.round(settled / elapsed * 10) / 10.0,
          Math.round(bytes.sum() / elapsed / 1e6 * 100) / 100.0, lat, images[0].length);
    } finally {
      workers.shutdownNow();
      for (Device d : fleet) {
        d.link.disconnect(null, null);
        d.link.close();
      }
    }
  }

  private static long percentile(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
  }

  private void capture(Device d, Topics topics) {
    long now = System.nanoTime();
    Instant at = Instant.now();
    long seq = d.seq.incrementAndGet();
    FrameId fid = FrameId.of(at, seq);
    LabelSet labels = new LabelSet("bench.onnx",
        List.of(new Detection("person", 0.9, new Box(10, 20, 40, 80)), new Detection("car", 0.6, new Box(200, 100, 60, 30))),
        "000000000000");
    Manifest m = new Manifest(Manifest.VERSION, fid.value(), d.id.value(), at, seq, d.sha256, d.image.length, chunkBytes,
        Manifest.chunkCount(d.image.length, chunkBytes), "image/jpeg", d.width, d.height, labels,
        Map.of("keptBy", "bench"));
    d.pending.put(fid.value(), new Pending(m, now));
    offered.increment();
    offer(d, topics, d.pending.get(fid.value()));
  }

  private void offer(Device d, Topics topics, Pending p) {
    try {
      p.lastOfferNanos = System.nanoTime();
      d.link.publish(topics.manifest(d.id, new FrameId(p.manifest.frameId())), Json.encode(p.manifest), false);
    } catch (Exception e) {
      // the re-offer after the ack timeout tries again
    }
  }

  private void answer(Device d, Topics topics, byte[] payload) {
    Ack ack;
    try {
      ack = Codec.ack(payload);
    } catch (IOException e) {
      return;
    }
    if (ack.frameId() == null) {
      return;
    }
    if (ack.status() == AckStatus.STORED || ack.status() == AckStatus.DUPLICATE) {
      Pending p = d.pending.remove(ack.frameId());
      boolean storedNow = ack.status() == AckStatus.STORED;
      Boolean before = d.settled.putIfAbsent(ack.frameId(), storedNow);
      if (before != null) {
        // settled already: a "duplicate" answers a re-offer (normal); a second "stored" means it was stored twice
        if (storedNow && before) {
          duplicated.increment();
        } else if (storedNow) {
          d.settled.put(ack.frameId(), true);
        }
        extraAcks.increment();
        return;
      }
      stored.increment();
      if (p != null) {
        long n = latencyCount.getAndIncrement();
        if (n < latencies.length) {
          latencies[(int) n] = (System.nanoTime() - p.capturedNanos) / 1_000_000;
        }
      }
      return;
    }
    Pending p = d.pending.get(ack.frameId());
    if (p == null || ack.status() != AckStatus.SEND || ack.missing() == null) {
      return; // rejected for now and the like: offered again after the ack timeout
    }
    for (int i : ack.missing()) {
      if (i < 0 || i >= p.manifest.chunks()) {
        continue;
      }
      byte[] part = Arrays.copyOfRange(d.image, i * chunkBytes, Math.min(d.image.length, (i + 1) * chunkBytes));
      try {
        d.link.publish(topics.chunk(d.id, new FrameId(p.manifest.frameId()), i), part, false);
        bytes.add(part.length);
        p.lastOfferNanos = System.nanoTime();
      } catch (Exception e) {
        return;
      }
    }
  }

  private void reofferQuiet(List<Device> fleet, Topics topics, ExecutorService workers) {
    long now = System.nanoTime();
    for (Device d : fleet) {
      for (Pending p : d.pending.values()) {
        if (now - p.lastOfferNanos > ackTimeout.toNanos()) {
          reoffers.increment();
          p.lastOfferNanos = now;
          workers.execute(() -> offer(d, topics, p));
        }
      }
    }
  }

  /** Real JPEGs of about {@link #frameBytes}: noise over a gradient, at the JPEG quality that comes closest. */
  private byte[][] images(int n, Random random) {
    OpenCv.load();
    byte[][] out = new byte[n][];
    int w = 1280;
    int h = 720;
    for (int k = 0; k < n; k++) {
      byte[] bgr = new byte[w * h * 3];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int i = (y * w + x) * 3;
          int noise = random.nextInt(40);
          bgr[i] = (byte) ((x * 255 / w + noise + k * 13) & 0xff);
          bgr[i + 1] = (byte) ((y * 255 / h + noise) & 0xff);
          bgr[i + 2] = (byte) (((x + y) * 128 / (w + h) + noise) & 0xff);
        }
      }
      byte[] best = null;
      for (int q = 95; q >= 5; q -= 5) {
        byte[] jpeg = Images.encodeJpeg(w, h, bgr, q);
        if (best == null || Math.abs(jpeg.length - frameBytes) < Math.abs(best.length - frameBytes)) {
          best = jpeg;
        }
        if (jpeg.length < frameBytes) {
          break;
        }
      }
      out[k] = best;
    }
    return out;
  }
}
