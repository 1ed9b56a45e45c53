package io.fieldcap.bench;

import io.fieldcap.agent.Agent;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.config.FieldcapConfig;
import io.fieldcap.config.MqttConfig;
import io.fieldcap.config.SpoolConfig.WhenFull;
import io.fieldcap.model.DeviceId;
import io.fieldcap.model.FrameId;
import io.fieldcap.protocol.Manifest;
import io.fieldcap.server.Server;
import io.fieldcap.spool.Spool;
import io.fieldcap.spool.SpoolEntry;
import io.fieldcap.sync.SyncService;
import io.fieldcap.transport.MqttLink;
import io.fieldcap.transport.MqttOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sync throughput against raw Paho publishing of the same bytes through the same broker, and
 * end-to-end latency from capture to the server's ack.
 */
public final class SyncBench {
  private final String broker;
  private final Path work;
  private final PrintWriter out;
  private int window = Integer.getInteger("fieldcap.bench.window", 16);
  /** Where the CPU of the fieldcap run goes, by thread (Paho names its threads "MQTT Rec: CLIENT" and so on). */
  static final List<String> CPU_GROUPS = List.of("serverReceive", "serverLanes", "serverOther", "deviceSync", "deviceMqtt");
  static final List<String> RAW_CPU_GROUPS = List.of("subscriberReceive", "publisher");
  private Map<String, Double> cpu = Map.of();
  private Map<String, Double> rawCpu = Map.of();

  public SyncBench(String broker, Path work, PrintWriter out) {
    this.broker = broker;
    this.work = work;
    this.out = out;
  }

  private static final byte[] JPEG_640X480_HEADER = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xC0, 0x00, 0x11,
      0x08, 0x01, (byte) 0xE0, 0x02, (byte) 0x80, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01};

  private static String cpuGroup(String thread) {
    if (thread.startsWith("MQTT Rec: fieldcap-server")) {
      return "serverReceive";
    }
    if (thread.startsWith("ingest-")) {
      return "serverLanes";
    }
    if (thread.startsWith("MQTT") && thread.contains("fieldcap-server") || thread.startsWith("server-")) {
      return "serverOther";
    }
    if (thread.equals("sync")) {
      return "deviceSync";
    }
    return thread.startsWith("MQTT") && thread.contains("fieldcap-bench") ? "deviceMqtt" : null;
  }

  private static String rawCpuGroup(String thread) {
    if (thread.startsWith("MQTT Rec: bench-raw-sub")) {
      return "subscriberReceive";
    }
    return thread.startsWith("MQTT") && thread.contains("bench-raw-pub") || thread.equals("main") ? "publisher" : null;
  }

  /** CPU milliseconds per frame of the last fieldcap throughput run, by thread group ({@link #CPU_GROUPS}, other). */
  public Map<String, Double> cpuMsPerFrame() {
    return cpu;
  }

  /** The same for the last raw run ({@link #RAW_CPU_GROUPS}, other). */
  public Map<String, Double> rawCpuMsPerFrame() {
    return rawCpu;
  }

  /**
   * Frames of {@code bytes} each, {@code frames} of them, after a discarded warm-up round of {@code
   * warmUp} of them; returns MB/s for raw and for fieldcap.
   */
  public double[] throughput(int frames, int bytes, int chunk, int warmUp) throws Exception {
    byte[][] images = new byte[frames][];
    Random r = new Random(42);
    for (int i = 0; i < frames; i++) {
      images[i] = new byte[bytes];
      r.nextBytes(images[i]);
      // a JPEG's start and frame header (640x480), which the server checks against the manifest; the rest is noise
      System.arraycopy(JPEG_640X480_HEADER, 0, images[i], 0, JPEG_640X480_HEADER.length);
    }
    // A warm-up round of both, discarded: the JIT compiles each side's code first (measured: about 2 s of the
    // compiler threads' CPU inside a cold 4 s run, on 2 cores), which a server running for weeks pays once.
    byte[][] warm = Arrays.copyOf(images, Math.min(images.length, warmUp));
    if (warm.length > 0) {
      raw(warm, chunk);
      fieldcap(warm, chunk);
    }
    double raw = raw(images, chunk);
    double ours = fieldcap(images, chunk);
    double mb = (double) frames * bytes / 1e6;
    out.printf("throughput, %d frames of %d bytes (%.1f MB), chunks of %d bytes, after a warm-up round of %d:%n",
        frames, bytes, mb, chunk, warm.length);
    out.printf("  raw Paho QoS 1, publisher to subscriber: %8.1f MB/s%n", mb / raw);
    out.printf("  fieldcap sync, spool to stored + acked:  %8.1f MB/s%n", mb / ours);
    out.printf("  ratio fieldcap / raw:                    %8.2f%n", raw / ours);
    out.printf("  CPU ms per frame in this process (the broker is another), raw: %s%n", rawCpu);
    out.printf("  fieldcap: %s%n", cpu);
    out.flush();
    return new double[] {mb / raw, mb / ours};
  }

  private MqttConfig mqtt(String... more) throws Exception {
    List<String> sets = new ArrayList<>(List.of("device.id=bench", "source.uri=0", "spool.dir=" + work.resolve("x"),
        "mqtt.broker=" + broker));
    sets.addAll(List.of(more));
    return ConfigLoader.load(null, sets).mqtt();
  }

  /** Seconds for a raw publisher to get the same bytes, chunked the same way, to a subscriber. */
  private double raw(byte[][] images, int chunk) throws Exception {
    int messages = 0;
    for (byte[] img : images) {
      messages += Manifest.chunkCount(img.length, chunk);
    }
    CountDownLatch received = new CountDownLatch(messages);
    MqttConfig c = mqtt();
    MqttLink sub = new MqttLink("bench-raw-sub", MqttOptions.from(c, null, null), new MqttLink.Listener() {
      @Override
      public void message(String topic, byte[] payload) {
        received.countDown();
      }

      @Override
      public void lost(String why) {}
    });
    MqttLink pub = new MqttLink("bench-raw-pub", MqttOptions.from(c, null, null), new MqttLink.Listener() {
      @Override
      public void message(String topic, byte[] payload) {}

      @Override
      public void lost(String why) {}
    });
    try {
      sub.connect();
      sub.subscribe("bench/raw/#");
      pub.connect();
      Map<String, Long> cpu0 = CpuTimes.now(RAW_CPU_GROUPS, SyncBench::rawCpuGroup);
      long t0 = System.nanoTime();
      for (int i = 0; i < images.length; i++) {
        for (int k = 0; k < Manifest.chunkCount(images[i].length, chunk); k++) {
          pub.publish("bench/raw/" + i + "/" + k,
              Arrays.copyOfRange(images[i], k * chunk, Math.min(images[i].length, (k + 1) * chunk)), false);
        }
      }
      if (!received.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException("raw messages did not all arrive");
      }
      double s = (System.nanoTime() - t0) / 1e9;
      rawCpu = CpuTimes.perFrame(cpu0, CpuTimes.now(RAW_CPU_GROUPS, SyncBench::rawCpuGroup), images.length);
      return s;
    } finally {
      pub.disconnect(null, null);
      pub.close();
      sub.disconnect(null, null);
      sub.close();
    }
  }

  /** Seconds for fieldcap to move the same frames from a spool to the server's disk, acked. */
  private double fieldcap(byte[][] images, int chunk) throws Exception {
    Path run = Files.createDirectories(work.resolve("tp-" + System.nanoTime()));
    Server server = new Server(ConfigLoader.loadServer(null, List.of("mqtt.broker=" + broker,
        "server.data-dir=" + run.resolve("data"))), InstantSource.system());
    server.start();
    server.awaitConnected(Duration.ofSeconds(30));
    Spool spool = Spool.open(run.resolve("spool"), Long.MAX_VALUE / 4, 0, WhenFull.REJECT_NEW, InstantSource.system());
    try {
      Instant now = Instant.now();
      for (byte[] img : images) {
        long seq = spool.nextSequence();
        spool.put(new SpoolEntry(FrameId.of(now, seq), seq, now, 640, 480, img, null, 0, "bench", null));
      }
      CountDownLatch acked = new CountDownLatch(images.length);
      SyncService sync = new SyncService(new DeviceId("bench"), mqtt("mqtt.chunk-bytes=" + chunk, "mqtt.window=" + window), spool, false,
          InstantSource.system(), (f, at, dup) -> acked.countDown());
      Map<String, Long> cpu0 = CpuTimes.now(CPU_GROUPS, SyncBench::cpuGroup);
      long t0 = System.nanoTime();
      sync.start();
      if (!acked.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException("frames were not all acked");
      }
      double s = (System.nanoTime() - t0) / 1e9;
      cpu = CpuTimes.perFrame(cpu0, CpuTimes.now(CPU_GROUPS, SyncBench::cpuGroup), images.length);
      sync.stop(Duration.ofSeconds(2));
      return s;
    } finally {
      spool.close();
      server.stop();
    }
  }

  /** Capture-to-ack latency of a live agent on {@code clip} at {@code fps} for {@code seconds}. */
  public long[] latency(Path clip, double fps, int seconds) throws Exception {
    Path run = Files.createDirectories(work.resolve("lat-" + System.nanoTime()));
    Server server = new Server(ConfigLoader.loadServer(null, List.of("mqtt.broker=" + broker,
        "server.data-dir=" + run.resolve("data"))), InstantSource.system());
    server.start();
    server.awaitConnected(Duration.ofSeconds(30));
    FieldcapConfig c = ConfigLoader.load(null, List.of("device.id=bench-live", "source.uri=file://" + clip,
        "source.fps=" + fps, "source.loop=true", "spool.dir=" + run.resolve("spool"), "mqtt.broker=" + broker));
    List<Long> ms = Collections.synchronizedList(new ArrayList<>());
    AtomicLong bytes = new AtomicLong();
    Agent agent = new Agent(c, InstantSource.system());
    agent.onAcked((f, at, dup) -> {
      ms.add(Duration.between(f.capturedAt(), at).toMillis());
      bytes.addAndGet(f.bytes());
    });
    agent.start();
    Thread.sleep(seconds * 1000L);
    agent.stop();
    server.stop();
    List<Long> sorted = new ArrayList<>(ms);
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      throw new IllegalStateException("no frame was acked in " + seconds + " s");
    }
    long median = sorted.get(sorted.size() / 2);
    long p99 = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1));
    out.printf("latency, capture to server ack, live clip %s at %s fps for %d s (%d frames, mean %d KB):%n",
        clip.getFileName(), fps, seconds, sorted.size(), bytes.get() / sorted.size() / 1000);
    out.printf("  median %d ms, p99 %d ms, max %d ms%n", median, p99, sorted.get(sorted.size() - 1));
    out.flush();
    return new long[] {median, p99};
  }
}
