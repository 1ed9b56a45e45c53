package io.fieldcap.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.agent.Agent;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Rle;
import io.fieldcap.model.Sha256;
import io.fieldcap.protocol.Ack;
import io.fieldcap.protocol.AckStatus;
import io.fieldcap.protocol.Codec;
import io.fieldcap.protocol.Manifest;
import io.fieldcap.server.Server;
import io.fieldcap.testing.Mosquitto;
import io.fieldcap.testing.MqttWatcher;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server against hostile and broken input from a raw MQTT client, while a well-behaved agent
 * keeps ingesting through the same broker.
 */
class IngestIT {
  @TempDir Path tmp;
  private Mosquitto broker;
  private Server server;
  private Agent agent;
  private MqttWatcher raw;
  private final List<String> ackTopics = new java.util.ArrayList<>();
  private byte[] image;

  @BeforeEach
  void setUp() throws Exception {
    broker = Mosquitto.plain(tmp.resolve("mosquitto")).start();
    server = new Server(ConfigLoader.loadServer(null, List.of("mqtt.broker=" + broker.uri(),
        "server.data-dir=" + tmp.resolve("data"), "server.max-frame-bytes=1MiB",
        "server.max-staged-bytes-per-device=2MiB", "server.max-chunk-bytes=256KiB")), InstantSource.system());
    server.start();
    assertThat(server.awaitConnected(Duration.ofSeconds(10))).isTrue();
    agent = new Agent(ConfigLoader.load(null, List.of("device.id=good-cam", "source.uri=file://" + TestMedia.vtestMp4(20),
        "source.fps=2", "spool.dir=" + tmp.resolve("spool"), "mqtt.broker=" + broker.uri())), InstantSource.system());
    agent.start();
    raw = new MqttWatcher(broker.uri(), "hostile", "fieldcap/v1/+/acks");
    image = Files.readAllBytes(TestMedia.samples().resolve("fruits.jpg"));
  }

  @AfterEach
  void tearDown() throws Exception {
    raw.close();
    agent.stop();
    server.stop();
    broker.close();
  }

  private Manifest manifest(String device, String frameId, byte[] data, int chunkSize) {
    return new Manifest(1, frameId, device, Instant.parse("2026-11-29T10:00:00Z"), 7, Sha256.hex(data), data.length,
        chunkSize, Manifest.chunkCount(data.length, chunkSize), "image/jpeg", 512, 480,
        new LabelSet("test-model", List.of()), Map.of("site", "north"));
  }

  private void publish(String topic, byte[] payload) throws Exception {
    raw.publish(topic, payload);
  }

  /** The next ack to a device other than the well-behaved one. */
  private Ack next() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      MqttWatcher.Message m = raw.next(Duration.ofMillis(200));
      if (m != null && !m.topic().startsWith("fieldcap/v1/good-cam/")) {
        ackTopics.add(m.topic());
        return Codec.ack(m.payload());
      }
    }
    throw new AssertionError("no ack from the server within 10 s");
  }

  private void expectRejected(String reason) throws Exception {
    Ack a = next();
    assertThat(a.status()).isEqualTo(AckStatus.REJECTED);
    assertThat(a.reason()).isEqualTo(reason);
    assertThat(a.message()).isNotBlank();
  }

  private static final String FID = "20261129T100000000Z-000000000007";

  @Test
  void everyKindOfBadInputIsRejectedWithItsReasonWhileAWellBehavedAgentKeepsIngesting() throws Exception {
    String t = "fieldcap/v1/bad-cam/frames/" + FID;
    publish(t + "/manifest", "{not json".getBytes());
    expectRejected("malformed-json");

    publish(t + "/manifest", "{\"v\":1,\"frameId\":\"x\"}".getBytes());
    expectRejected("bad-manifest");

    Manifest wrongVersion = new Manifest(2, FID, "bad-cam", Instant.now(), 1, Sha256.hex(image), image.length, 65536,
        Manifest.chunkCount(image.length, 65536), "image/jpeg", 1, 1, null, null);
    publish(t + "/manifest", Json.encode(wrongVersion));
    expectRejected("unsupported-version");

    byte[] big = new byte[2 * 1024 * 1024];
    publish(t + "/manifest", Json.encode(manifest("bad-cam", FID, big, 131072)));
    expectRejected("too-large");

    publish(t + "/chunk/0", new byte[100]);
    expectRejected("unknown-frame");

    publish("fieldcap/v1/../frames/" + FID + "/manifest", Json.encode(manifest("..", FID, image, 65536)));
    expectRejected("bad-device-id");
    publish("fieldcap/v1/cam$1/frames/" + FID + "/manifest", Json.encode(manifest("cam$1", FID, image, 65536)));
    expectRejected("bad-device-id");

    publish("fieldcap/v1/bad-cam/telemetry", "{}".getBytes());
    // the server only subscribes to frames/#: a topic outside it is never seen; one inside it that it does not know is rejected
    publish("fieldcap/v1/bad-cam/frames/" + FID + "/thumbnail", "{}".getBytes());
    expectRejected("unknown-topic");

    // a real manifest, then a chunk index out of range and a chunk of the wrong size
    int chunk = 65536;
    publish(t + "/manifest", Json.encode(manifest("bad-cam", FID, image, chunk)));
    Ack send = next();
    assertThat(send.status()).isEqualTo(AckStatus.SEND);
    int chunks = Manifest.chunkCount(image.length, chunk);
    assertThat(send.missing()).hasSize(chunks);
    publish(t + "/chunk/" + chunks, new byte[10]);
    expectRejected("chunk-out-of-range");
    publish(t + "/chunk/0", new byte[10]);
    expectRejected("bad-chunk");

    // all chunks with one byte flipped: the SHA-256 check catches it and nothing is stored
    byte[] corrupt = image.clone();
    corrupt[1000] ^= 0x55;
    for (int i = 0; i < chunks; i++) {
      publish(t + "/chunk/" + i, Arrays.copyOfRange(corrupt, i * chunk, Math.min(corrupt.length, (i + 1) * chunk)));
    }
    expectRejected("checksum-mismatch");
    assertThat(Files.exists(tmp.resolve("data/images/bad-cam"))).isFalse();

    // meanwhile, the well-behaved agent was never disturbed
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (agent.spool().stats().acked() < 5) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(100);
    }
    assertThat(server.ingest().rejected()).containsKeys("malformed-json", "bad-manifest", "unsupported-version",
        "too-large", "unknown-frame", "bad-device-id", "unknown-topic", "chunk-out-of-range", "bad-chunk",
        "checksum-mismatch");
    assertThat(ackTopics).contains("fieldcap/v1/../acks");
  }

  private void sendWhole(String device, Manifest m, byte[] data) throws Exception {
    String t = "fieldcap/v1/" + device + "/frames/" + m.frameId();
    publish(t + "/manifest", Json.encode(m));
    Ack send = next();
    assertThat(send.status()).isEqualTo(AckStatus.SEND);
    for (int i : send.missing()) {
      publish(t + "/chunk/" + i, Arrays.copyOfRange(data, i * m.chunkSize(), Math.min(data.length, (i + 1) * m.chunkSize())));
    }
  }

  @Test
  void givenManifestsThatWouldCostTheServerTooMuch_thenEachIsRefusedWithItsReasonAndOtherDevicesAreUnaffected()
      throws Exception {
    String t = "fieldcap/v1/greedy-cam/frames/" + FID;
    // tiny chunks for a frame of several chunks: per-chunk overhead is the attack
    publish(t + "/manifest", Json.encode(manifest("greedy-cam", FID, image, 1024)));
    Ack small = next();
    assertThat(small.reason()).isEqualTo("bad-manifest");
    assertThat(small.message()).contains("chunkSize must be at least 16384 bytes");
    assertThat(small.sha256()).as("the rejection names the frame, so the device can trust it").isEqualTo(Sha256.hex(image));

    // transfers in progress are capped per device (2 MiB here): two frames of 1 MiB open, the third is refused for now
    for (int i = 0; i < 3; i++) {
      String id = "20261129T100000000Z-00000000010" + i;
      publish("fieldcap/v1/greedy-cam/frames/" + id + "/manifest", Json.encode(manifest("greedy-cam", id, new byte[1024 * 1024], 65536)));
    }
    assertThat(next().status()).isEqualTo(AckStatus.SEND);
    assertThat(next().status()).isEqualTo(AckStatus.SEND);
    Ack full = next();
    assertThat(full.reason()).isEqualTo("staging-full");
    assertThat(full.message()).contains("device 'greedy-cam' already has 2097152 bytes in transfers in progress");
    assertThat(server.ingest().stagedBytes()).isEqualTo(2 * 1024 * 1024);
    // another device is not affected by greedy-cam's transfers
    sendWhole("other-cam", manifest("other-cam", FID, image, 16384), image);
    assertThat(next().status()).isEqualTo(AckStatus.STORED);

    // a message larger than the server's packet limit (max-chunk-bytes + 64 KiB) never reaches it: the broker refuses it
    String huge = "fieldcap/v1/huge-cam/frames/" + FID + "/chunk/0";
    publish(huge, new byte[1024 * 1024]);
    publish(huge, new byte[1000]); // a small one on the same topic does arrive
    expectRejected("unknown-frame");
    assertThat(server.ingest().rejected().get("unknown-frame")).as("the large one was never handled").isEqualTo(1);

    // bytes that are not a JPEG, and a JPEG whose size is not the manifest's: refused after assembly, nothing stored
    byte[] noise = new byte[40_000];
    new java.util.Random(7).nextBytes(noise);
    sendWhole("liar-cam", manifest("liar-cam", FID, noise, 16384), noise);
    Ack notJpeg = next();
    assertThat(notJpeg.reason()).isEqualTo("bad-image");
    assertThat(notJpeg.message()).contains("not a readable JPEG");
    String other = "20261129T100000000Z-000000000008";
    Manifest wrongSize = new Manifest(1, other, "liar-cam", Instant.parse("2026-11-29T10:00:00Z"), 8, Sha256.hex(image),
        image.length, 16384, Manifest.chunkCount(image.length, 16384), "image/jpeg", 640, 480, null, null);
    sendWhole("liar-cam", wrongSize, image);
    Ack lie = next();
    assertThat(lie.reason()).isEqualTo("bad-image");
    assertThat(lie.message()).contains("the manifest says 640x480 but the JPEG is 512x480");
    assertThat(Files.exists(tmp.resolve("data/images/liar-cam"))).isFalse();
    // counted per device: the well-behaved agent may have a frame of its own in transfer at this moment
    assertThat(server.ingest().transfersInProgress("greedy-cam")).as("greedy-cam's two transfers").isEqualTo(2);
    assertThat(server.ingest().transfersInProgress("liar-cam")).as("refused frames leave no transfer").isZero();
    assertThat(server.ingest().transfersInProgress("other-cam")).as("a stored frame leaves no transfer").isZero();

    long acked = agent.spool().stats().acked();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (agent.spool().stats().acked() < acked + 3) {
      assertThat(System.nanoTime()).as("the well-behaved agent keeps being acked").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /** {@code jpeg} with its frame header (SOF0 or SOF2) saying {@code width} x {@code height}. */
  private static byte[] claiming(byte[] jpeg, int width, int height) {
    byte[] out = jpeg.clone();
    for (int i = 2; i + 9 < out.length; i++) {
      if ((out[i] & 0xFF) == 0xFF && ((out[i + 1] & 0xFF) == 0xC0 || (out[i + 1] & 0xFF) == 0xC2)) {
        out[i + 5] = (byte) (height >> 8);
        out[i + 6] = (byte) height;
        out[i + 7] = (byte) (width >> 8);
        out[i + 8] = (byte) width;
        return out;
      }
    }
    throw new AssertionError("no frame header");
  }

  /**
   * The probe (issue 27): a 7 KB JPEG claiming 20000x20000 was stored, and measuring and thumbnailing
   * it took the server's memory up by gigabytes; a class name with a control character or a mask far
   * larger than its frame was stored and broke exports later. Each is refused now, with its reason.
   */
  @Test
  void aDecompressionBombAndLabelsNoFormatCanWriteAreRefusedWithTheirReason() throws Exception {
    byte[] bomb = claiming(image, 20000, 20000);
    String t = "fieldcap/v1/bomb-cam/frames/" + FID;
    publish(t + "/manifest", Json.encode(new Manifest(1, FID, "bomb-cam", Instant.parse("2026-11-29T10:00:00Z"), 7,
        Sha256.hex(bomb), bomb.length, 65536, Manifest.chunkCount(bomb.length, 65536), "image/jpeg", 20000, 20000, null, null)));
    Ack tooLarge = next();
    assertThat(tooLarge.reason()).isEqualTo("too-large");
    assertThat(tooLarge.message()).contains("20000x20000 (400000000 pixels) is over this server's limit of 67108864 pixels");
    // a manifest that says the right size for a JPEG that claims more is refused after assembly, unmeasured
    sendWhole("bomb-cam", manifest("bomb-cam", FID, bomb, 65536), bomb);
    assertThat(next().reason()).isEqualTo("bad-image");

    String other = "20261129T100000000Z-000000000009";
    Manifest bell = new Manifest(1, other, "label-cam", Instant.parse("2026-11-29T10:00:00Z"), 9, Sha256.hex(image),
        image.length, 65536, Manifest.chunkCount(image.length, 65536), "image/jpeg", 512, 480,
        new LabelSet("m", List.of(new Detection("car\u0007", 0.9, new Box(1, 1, 10, 10)))), null);
    publish("fieldcap/v1/label-cam/frames/" + other + "/manifest", Json.encode(bell));
    Ack control = next();
    assertThat(control.reason()).isEqualTo("bad-manifest");
    assertThat(control.message()).contains("class 'car\\u0007' contains a control character");
    Manifest huge = new Manifest(1, other, "label-cam", Instant.parse("2026-11-29T10:00:00Z"), 9, Sha256.hex(image),
        image.length, 65536, Manifest.chunkCount(image.length, 65536), "image/jpeg", 512, 480,
        new LabelSet("m", List.of(new Detection("road", 0.9, new Box(0, 0, 512, 480), null, new Rle(List.of(60000, 60000), "0")))),
        null);
    publish("fieldcap/v1/label-cam/frames/" + other + "/manifest", Json.encode(huge));
    Ack mask = next();
    assertThat(mask.reason()).isEqualTo("bad-manifest");
    assertThat(mask.message()).contains("mask of 'road' is 60000x60000 on a frame of 512x480");
    assertThat(Files.exists(tmp.resolve("data/images/bomb-cam"))).isFalse();
    assertThat(Files.exists(tmp.resolve("data/images/label-cam"))).isFalse();
  }

  @Test
  void afterACutTransferOnlyTheMissingChunksAreAskedForAndASecondOfferIsADuplicate() throws Exception {
    int chunk = 16384;
    int chunks = Manifest.chunkCount(image.length, chunk);
    String t = "fieldcap/v1/resume-cam/frames/" + FID;
    Manifest m = manifest("resume-cam", FID, image, chunk);
    publish(t + "/manifest", Json.encode(m));
    assertThat(next().missing()).hasSize(chunks);
    for (int i = 0; i < 3; i++) { // the link drops after three chunks
      publish(t + "/chunk/" + i, Arrays.copyOfRange(image, i * chunk, (i + 1) * chunk));
    }
    Thread.sleep(300);
    publish(t + "/manifest", Json.encode(m)); // the device offers the frame again
    Ack resume = next();
    assertThat(resume.status()).isEqualTo(AckStatus.SEND);
    assertThat(resume.missing()).doesNotContain(0, 1, 2).hasSize(chunks - 3);
    for (int i : resume.missing()) {
      publish(t + "/chunk/" + i, Arrays.copyOfRange(image, i * chunk, Math.min(image.length, (i + 1) * chunk)));
    }
    Ack stored = next();
    assertThat(stored.status()).isEqualTo(AckStatus.STORED);
    assertThat(stored.frameId()).isEqualTo(FID);
    Path file = tmp.resolve("data/images/resume-cam/2026-11-29/" + FID + ".jpg");
    assertThat(Files.readAllBytes(file)).isEqualTo(image);

    publish(t + "/manifest", Json.encode(m)); // the ack was lost, the device offers it again
    assertThat(next().status()).isEqualTo(AckStatus.DUPLICATE);
    assertThat(server.ingest().duplicates()).isEqualTo(1);
  }

  /** A label set of {@code n} whole-frame detections: large, like a semantic model's masks. */
  private static LabelSet bigLabels(int n) {
    List<io.fieldcap.model.Detection> ds = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      ds.add(new io.fieldcap.model.Detection("class-" + i, 0.5, new io.fieldcap.model.Box(i, i, 10, 10)));
    }
    return new LabelSet("seg-model", ds);
  }

  private static Manifest withTail(Manifest m, byte[] tail, String tailSha) {
    return new Manifest(1, m.frameId(), m.deviceId(), m.capturedAt(), m.seq(), m.sha256(), m.bytes(), m.chunkSize(),
        Manifest.chunkCount(m.bytes() + tail.length, m.chunkSize()), "image/jpeg", m.width(), m.height(), null, m.meta(),
        tail.length, tailSha);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void givenLabelsSentAfterTheImageInItsTransfer_thenTheyAreStoredWithTheFrameAndDamagedOrUnreadableOnesAreRejected()
      throws Exception {
    LabelSet labels = bigLabels(2000);
    byte[] json = Json.encode(labels);
    assertThat(json.length).isGreaterThan(100_000);
    String device = "seg-cam";
    // damaged on the way: the labels' bytes do not match their SHA-256
    String badFid = "20261129T100000000Z-000000000008";
    Manifest damaged = withTail(manifest(device, badFid, image, 16384), json, Sha256.hex(json));
    byte[] tampered = json.clone();
    tampered[tampered.length - 3] ^= 1;
    sendWhole(device, damaged, concat(image, tampered));
    Ack a = next();
    assertThat(a.status()).isEqualTo(AckStatus.REJECTED);
    assertThat(a.reason()).isEqualTo("checksum-mismatch");
    assertThat(a.message()).contains("labels");
    // bytes that are not a label set
    byte[] notLabels = "[1, 2, 3]".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    sendWhole(device, withTail(manifest(device, badFid, image, 16384), notLabels, Sha256.hex(notLabels)),
        concat(image, notLabels));
    a = next();
    assertThat(a.reason()).isEqualTo("bad-manifest");
    assertThat(a.message()).contains("labels sent after the image are not a label set");
    // labels both in the manifest and in the transfer
    Manifest both = new Manifest(1, badFid, device, Instant.parse("2026-11-29T10:00:00Z"), 7, Sha256.hex(image), image.length,
        16384, Manifest.chunkCount(image.length + json.length, 16384), "image/jpeg", 512, 480, labels, null, json.length,
        Sha256.hex(json));
    publish("fieldcap/v1/" + device + "/frames/" + badFid + "/manifest", Json.encode(both));
    a = next();
    assertThat(a.reason()).isEqualTo("bad-manifest");
    assertThat(a.message()).contains("labels must be left out");

    // a good one: the image is stored as it was sent and the labels come out of the transfer
    Manifest good = withTail(manifest(device, FID, image, 16384), json, Sha256.hex(json));
    sendWhole(device, good, concat(image, json));
    Ack stored = next();
    assertThat(stored.status()).isEqualTo(AckStatus.STORED);
    assertThat(Files.readAllBytes(tmp.resolve("data/images/" + device + "/2026-11-29/" + FID + ".jpg"))).isEqualTo(image);
    try (var store = io.fieldcap.store.LocalFrameStore.open(tmp.resolve("data"))) {
      io.fieldcap.store.StoredFrame f = store.frame(device, FID);
      assertThat(f.sha256()).isEqualTo(Sha256.hex(image));
      assertThat(f.labels()).isEqualTo(labels);
    }
  }

  /** A clip manifest: video/mp4, meta.clip, the frame-by-frame labels after the video. */
  private static Manifest clipManifest(String device, String fid, byte[] video, byte[] labels, Map<String, Object> meta) {
    return new Manifest(1, fid, device, Instant.parse("2026-11-29T10:00:00Z"), 9, Sha256.hex(video), video.length, 16384,
        Manifest.chunkCount(video.length + labels.length, 16384), Manifest.CLIP_TYPE, 64, 48, null, meta, labels.length,
        Sha256.hex(labels));
  }

  @Test
  void givenEventClips_thenAGoodOneIsStoredAndEveryBadOneIsRefusedWithWhatIsWrong() throws Exception {
    // a real 16-frame H.264 clip from Debian's ffmpeg, 64x48
    Path mp4 = tmp.resolve("clip.mp4");
    io.fieldcap.testing.TestMedia.run(List.of("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
        "testsrc=size=64x48:rate=5:duration=3.2", "-c:v", "libx264", "-pix_fmt", "yuv420p", mp4.toString()));
    byte[] video = Files.readAllBytes(mp4);
    List<io.fieldcap.model.ClipLabels.Frame> frames = new java.util.ArrayList<>();
    for (int i = 0; i < 16; i++) {
      frames.add(new io.fieldcap.model.ClipLabels.Frame(100 + i, Instant.parse("2026-11-29T10:00:00Z").plusMillis(200L * i),
          new LabelSet("m.onnx", List.of(new io.fieldcap.model.Detection("car", 0.9, new io.fieldcap.model.Box(i, 5, 10, 8))
              .withTrack(3)))));
    }
    byte[] labels = Json.encode(new io.fieldcap.model.ClipLabels(5, 10, frames));
    Map<String, Object> meta = Map.of("keptBy", "cars", "clip", Map.of("fps", 5.0, "frames", 16));
    String device = "clip-cam";
    // no meta.clip
    publish("fieldcap/v1/" + device + "/frames/" + FID + "/manifest", Json.encode(clipManifest(device, FID, video, labels,
        Map.of("keptBy", "cars"))));
    Ack a = next();
    assertThat(a.reason()).isEqualTo("bad-manifest");
    assertThat(a.message()).contains("a video/mp4 clip needs meta.clip");
    // a JPEG under video/mp4
    sendWhole(device, clipManifest(device, FID, image, labels, meta), concat(image, labels));
    a = next();
    assertThat(a.reason()).isEqualTo("bad-image");
    assertThat(a.message()).contains("the clip is not an MP4");
    // labels whose trigger is outside the clip
    byte[] badTrigger = Json.encode(new io.fieldcap.model.ClipLabels(5, 16, frames));
    sendWhole(device, clipManifest(device, FID, video, badTrigger, meta), concat(video, badTrigger));
    a = next();
    assertThat(a.reason()).isEqualTo("bad-manifest");
    assertThat(a.message()).contains("trigger must be a frame of the clip (0..15), was 16");
    // a score of 7 in frame 4 (written by hand: fieldcap's own types refuse to hold it)
    com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(labels);
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree.at("/frames/4/labels/detections/0")).put("score", 7);
    byte[] badScore = Json.MAPPER.writeValueAsBytes(tree);
    sendWhole(device, clipManifest(device, FID, video, badScore, meta), concat(video, badScore));
    a = next();
    assertThat(a.reason()).isEqualTo("bad-manifest");
    assertThat(a.message()).contains("not a clip's labels", "score must be in 0..1, was 7.0");
    // the good one, twice: stored, then a duplicate
    sendWhole(device, clipManifest(device, FID, video, labels, meta), concat(video, labels));
    assertThat(next().status()).isEqualTo(AckStatus.STORED);
    sendWhole(device, clipManifest(device, FID, video, labels, meta), concat(video, labels));
    assertThat(next().status()).isEqualTo(AckStatus.DUPLICATE);
    try (var store = io.fieldcap.store.LocalFrameStore.open(tmp.resolve("data"))) {
      io.fieldcap.store.Clips.Clip c = store.clips().get(device, FID);
      assertThat(c.frames()).isEqualTo(16);
      assertThat(c.trigger()).isEqualTo(10);
      assertThat(c.rule()).isEqualTo("cars");
      assertThat(Files.readAllBytes(store.clips().video(device, FID))).isEqualTo(video);
      assertThat(store.contains(device, FID)).as("a clip is not a frame: not in the gallery, not in exports").isFalse();
    }
  }
}
