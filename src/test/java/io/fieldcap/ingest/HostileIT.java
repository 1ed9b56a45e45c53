package io.fieldcap.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.agent.Agent;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.image.JpegHeader;
import io.fieldcap.json.Json;
import io.fieldcap.model.Sha256;
import io.fieldcap.protocol.Codec;
import io.fieldcap.protocol.Manifest;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.StoredFrame;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.Closer;
import io.fieldcap.testing.Mosquitto;
import io.fieldcap.testing.MqttWatcher;
import io.fieldcap.testing.TestMedia;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server, in its own process with a small heap, against a hostile client sharing the
 * broker with a good agent; and a 64 MiB frame through a server run with {@code -Xmx128m}.
 */
class HostileIT {
  private static final long MIB = 1024 * 1024;
  private static final int HEAP_MB = 128;
  private static final double RATE = Double.parseDouble(System.getProperty("hostile.rate", "1000"));
  @TempDir Path tmp;
  private final Closer cleanup = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    cleanup.close();
  }

  private ChildProcess server(Mosquitto m, Path data) throws Exception {
    ChildProcess p = ChildProcess.fieldcapWithJvm(List.of("-Xmx" + HEAP_MB + "m"), Map.of(), "server",
        "--broker", m.uri(), "--data-dir", data.toString());
    cleanup.add(p);
    assertThat(p.waitForLine(l -> l.contains("server: connected"), Duration.ofSeconds(30))).as(p::output).isTrue();
    return p;
  }

  /** 40 frames from a good agent capturing in real time (10 s at 4 fps); returns the median capture-to-stored time in ms. */
  private long goodRun(Mosquitto m, Path data, String device) throws Exception {
    Agent agent = new Agent(ConfigLoader.load(null, List.of("device.id=" + device,
        "source.uri=file://" + TestMedia.vtestMp4(10), "source.fps=4", "source.realtime=true",
        "spool.dir=" + tmp.resolve("spool-" + device), "mqtt.broker=" + m.uri(), "mqtt.ack-timeout=5s",
        "quality.duplicates=false")), InstantSource.system());
    agent.start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (agent.spool().stats().acked() < 40) {
        assertThat(System.nanoTime()).as("40 frames of " + device + " stored; " + agent.spool().stats()).isLessThan(deadline);
        Thread.sleep(100);
      }
      assertThat(agent.spool().stats().captured()).isEqualTo(40);
    } finally {
      agent.stop();
    }
    List<Long> ms = new ArrayList<>();
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      st.forEach(f -> {
        if (f.device().equals(device)) {
          ms.add(Duration.between(f.capturedAt(), f.receivedAt()).toMillis());
        }
      });
    }
    assertThat(ms).hasSize(40);
    ms.sort(Long::compare);
    return ms.get(ms.size() / 2);
  }

  private static Manifest manifest(String device, String frameId, long bytes, int chunkSize, String sha) {
    return new Manifest(1, frameId, device, Instant.parse("2026-11-29T10:00:00Z"), 1, sha, bytes, chunkSize,
        Manifest.chunkCount(bytes, chunkSize), "image/jpeg", 512, 480, null, null);
  }

  private static String fid(int n) {
    return "20261129T100000000Z-" + String.format("%012d", n);
  }

  @Test
  void givenAHostileClientFloodingTheServer_thenAGoodAgentsFramesAllArriveAbout2xAsFastAsWithoutIt() throws Exception {
    Mosquitto m = Mosquitto.plain(tmp.resolve("mosquitto")).start();
    cleanup.add(m);
    Path data = tmp.resolve("data");
    ChildProcess server = server(m, data);
    long baseline = goodRun(m, data, "good-a");

    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong sent = new AtomicLong();
    var fast = new org.eclipse.paho.mqttv5.client.MqttConnectionOptions(); // no Nagle: as fast as the broker takes it
    fast.setSocketFactory(new io.fieldcap.transport.NoDelaySocketFactory(javax.net.SocketFactory.getDefault()));
    MqttWatcher evil = new MqttWatcher(m.uri(), "hostile", fast);
    evil.subscribe("fieldcap/v1/evil-cam/acks");
    cleanup.add(evil);
    String sha = "0".repeat(64);
    Thread hostile = new Thread(() -> {
      String root = "fieldcap/v1/evil-cam/frames/";
      // 1 KiB chunks for a 64 MiB frame, then hundreds of transfers of 64 MiB each, then chunks into all of them
      publishAnyway(evil, root + fid(0) + "/manifest", Json.encode(manifest("evil-cam", fid(0), 64 * MIB, 1024, sha)), sent);
      for (int j = 1; j <= 300; j++) {
        publishAnyway(evil, root + fid(j) + "/manifest", Json.encode(manifest("evil-cam", fid(j), 64 * MIB, 16384, sha)), sent);
      }
      byte[] small = new byte[1024];
      byte[] chunk = new byte[16384];
      long start = System.nanoTime();
      for (int k = 0; !stop.get(); k++) {
        long due = start + (long) (k * 2 / RATE * 1e9);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
        publishAnyway(evil, root + fid(0) + "/chunk/" + (k % 65536), small, sent);
        publishAnyway(evil, root + fid(1 + k % 300) + "/chunk/" + (k / 300 % 4096), chunk, sent);
        if (k % 100 == 0) {
          evil.drain();
        }
      }
    }, "hostile");
    hostile.start();
    long underAttack;
    try {
      Thread.sleep(2000); // the flood is on before the good agent starts
      underAttack = goodRun(m, data, "good-b");
    } finally {
      stop.set(true);
      hostile.join(5000);
    }
    long rss = server.peakRssBytes();
    System.out.printf("HostileIT: median capture-to-stored %d ms alone, %d ms beside a hostile client that sent %d messages;"
        + " server peak RSS %d MB with -Xmx%dm%n", baseline, underAttack, sent.get(), rss / MIB, HEAP_MB);
    assertThat(sent.get()).as("the hostile client kept flooding").isGreaterThan(1000);
    assertThat(underAttack).as("median capture-to-stored beside the hostile client, against %d ms alone", baseline)
        .isLessThanOrEqualTo(Math.max(2 * baseline, baseline + 20));
    assertThat(rss).as("server peak RSS").isLessThan((HEAP_MB + 150) * MIB);
    assertThat(server.alive()).isTrue();
  }

  /** Publishes, and when Paho's own window is full, waits a moment and moves on: a flood does not stop for that. */
  private static void publishAnyway(MqttWatcher client, String topic, byte[] payload, AtomicLong sent) {
    try {
      client.publish(topic, payload);
      sent.incrementAndGet();
    } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A real JPEG (fruits.jpg) padded to about {@code size} bytes with comment segments: still a valid 512x480 JPEG. */
  private static byte[] bigJpeg(long size) throws Exception {
    byte[] jpeg = Files.readAllBytes(TestMedia.samples().resolve("fruits.jpg"));
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
    out.write(jpeg, 0, 2);
    byte[] segment = new byte[0xFFFF + 2];
    segment[0] = (byte) 0xFF;
    segment[1] = (byte) 0xFE;
    segment[2] = (byte) 0xFF;
    segment[3] = (byte) 0xFF;
    new java.util.Random(1).nextBytes(Arrays.copyOfRange(segment, 4, 64));
    while (out.size() + segment.length + jpeg.length < size) {
      segment[4] = (byte) out.size(); // no two segments alike
      out.write(segment);
    }
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  @Test
  void givenA64MiBFrame_thenAServerWithA128MiBHeapStoresItIntact() throws Exception {
    Mosquitto m = Mosquitto.plain(tmp.resolve("mosquitto")).start();
    cleanup.add(m);
    Path data = tmp.resolve("data");
    ChildProcess server = server(m, data);
    byte[] image = bigJpeg(64 * MIB - 4096);
    assertThat(JpegHeader.read(new java.io.ByteArrayInputStream(image))).isEqualTo(new JpegHeader.Size(512, 480));
    int chunk = 1024 * 1024;
    Manifest mf = manifest("big-cam", fid(1), image.length, chunk, Sha256.hex(image));
    MqttWatcher raw = new MqttWatcher(m.uri(), "big", "fieldcap/v1/big-cam/acks");
    cleanup.add(raw);
    String t = "fieldcap/v1/big-cam/frames/" + fid(1);
    raw.publish(t + "/manifest", Json.encode(mf));
    MqttWatcher.Message send = raw.next(Duration.ofSeconds(10));
    assertThat(send).isNotNull();
    assertThat(Codec.ack(send.payload()).missing()).hasSize(mf.chunks());
    for (int i = 0; i < mf.chunks(); i++) {
      raw.publish(t + "/chunk/" + i, Arrays.copyOfRange(image, i * chunk, Math.min(image.length, (i + 1) * chunk)));
    }
    MqttWatcher.Message stored = raw.next(Duration.ofSeconds(60));
    assertThat(stored).as(server::output).isNotNull();
    assertThat(Codec.ack(stored.payload()).status().wire()).isEqualTo("stored");
    List<StoredFrame> frames = new ArrayList<>();
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      st.forEach(frames::add);
    }
    assertThat(frames).singleElement().satisfies(f -> {
      assertThat(Files.size(f.image().fetch())).isEqualTo(image.length);
      assertThat(Sha256.hex(Files.readAllBytes(f.image().fetch()))).isEqualTo(Sha256.hex(image));
    });
    System.out.printf("HostileIT: a %d MiB frame stored by a server with -Xmx%dm; server peak RSS %d MB%n",
        image.length / MIB, HEAP_MB, server.peakRssBytes() / MIB);
    assertThat(server.output()).doesNotContain("OutOfMemoryError");
  }
}
