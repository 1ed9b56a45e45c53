package io.fieldcap.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.agent.Agent;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.config.FieldcapConfig;
import io.fieldcap.config.ServerConfig;
import io.fieldcap.dataset.format.CocoExporter;
import io.fieldcap.json.Json;
import io.fieldcap.model.Sha256;
import io.fieldcap.server.Server;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.StoredFrame;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.Closer;
import io.fieldcap.testing.Mosquitto;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Agent to server to COCO export through a real Mosquitto, real ffmpeg and real footage. */
class SyncIT {
  @TempDir Path tmp;
  private final Closer cleanup = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    cleanup.close();
  }

  private Mosquitto broker() throws Exception {
    Mosquitto m = Mosquitto.plain(tmp.resolve("mosquitto")).start();
    cleanup.add(m);
    return m;
  }

  static FieldcapConfig agentConfig(Path tmp, String device, String broker, Path clip, String... more) throws Exception {
    List<String> sets = new ArrayList<>(List.of("device.id=" + device, "source.uri=file://" + clip, "source.fps=2",
        "source.realtime=false", "spool.dir=" + tmp.resolve("spool-" + device), "mqtt.broker=" + broker,
        "mqtt.ack-timeout=3s"));
    sets.addAll(List.of(more));
    return ConfigLoader.load(null, sets);
  }

  private Server server(String broker, Path data, String... more) throws Exception {
    List<String> sets = new ArrayList<>(List.of("mqtt.broker=" + broker, "server.data-dir=" + data));
    sets.addAll(List.of(more));
    ServerConfig c = ConfigLoader.loadServer(null, sets);
    Server s = new Server(c, InstantSource.system());
    s.start();
    cleanup.add(s::stop);
    return s;
  }

  private Agent agent(FieldcapConfig c) throws Exception {
    Agent a = new Agent(c, InstantSource.system());
    a.start();
    cleanup.add(a::stop);
    return a;
  }

  static void waitFor(BooleanSupplier cond, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!cond.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static List<StoredFrame> stored(Path data) throws Exception {
    List<StoredFrame> out = new ArrayList<>();
    try (LocalFrameStore s = LocalFrameStore.open(data)) {
      s.forEach(out::add);
    }
    return out;
  }

  @Test
  void givenARealClip_thenEveryFrameReachesTheServerOnceIntactAndTheCocoExportHasThemAll() throws Exception {
    Mosquitto m = broker();
    Path data = tmp.resolve("data");
    Server server = server(m.uri(), data);
    assertThat(server.awaitConnected(Duration.ofSeconds(10))).isTrue();
    // 10 s of clip at 2 fps: 20 frames; chunks of 16 KiB so every frame travels in several pieces
    Agent agent = agent(agentConfig(tmp, "cam-e2e", m.uri(), TestMedia.vtestMp4(10), "mqtt.chunk-bytes=16KiB",
        "tags.site=north-gate", "tags.project=pedestrians-2026"));
    waitFor(() -> server.ingest().stored() >= 20 && agent.spool().stats().pending() == 0
        && agent.spool().stats().inFlight() == 0, Duration.ofSeconds(60), "20 frames stored");
    var s = agent.spool().stats();
    assertThat(s.captured()).isEqualTo(20);
    assertThat(s.acked()).isEqualTo(20);
    assertThat(s.bytes()).as("acked frames are deleted locally").isZero();
    List<StoredFrame> frames = stored(data);
    assertThat(frames).hasSize(20);
    assertThat(frames).extracting(StoredFrame::frameId).doesNotHaveDuplicates();
    for (StoredFrame f : frames) {
      assertThat(f.image().fetch()).exists();
      assertThat(Sha256.hex(Files.readAllBytes(f.image().fetch()))).isEqualTo(f.sha256());
      assertThat(f.image().key()).startsWith("images/cam-e2e/" + f.capturedAt().toString().substring(0, 10) + "/");
      assertThat(f.width()).isEqualTo(768);
      assertThat(f.meta()).as("the rule that kept it and the config's tags travel with the frame")
          .containsEntry("keptBy", "all")
          .containsEntry("tags", java.util.Map.of("site", "north-gate", "project", "pedestrians-2026"));
    }
    assertThat(server.ingest().rejected()).isEmpty();

    Path out = tmp.resolve("coco");
    new CocoExporter().export(LocalFrameStore.open(data), out);
    JsonNode coco = Json.MAPPER.readTree(out.resolve("annotations.json").toFile());
    assertThat(coco.get("images")).hasSize(20);
    for (JsonNode img : coco.get("images")) {
      Path file = out.resolve("images").resolve(img.get("file_name").asText());
      assertThat(Sha256.hex(Files.readAllBytes(file))).isEqualTo(img.get("sha256").asText());
    }
  }

  @Test
  void givenBlazeFaceOnTheAgent_thenFacesInMegamindArriveAsCocoAnnotations() throws Exception {
    Mosquitto m = broker();
    Path data = tmp.resolve("data");
    server(m.uri(), data);
    Path model = Path.of("models/face_detection_front_128x128_barracuda.onnx");
    assertThat(model).as("run scripts/fetch-models.sh").exists();
    Agent agent = agent(agentConfig(tmp, "cam-faces", m.uri(), TestMedia.samples().resolve("Megamind.avi"),
        "model.path=" + model, "model.confidence=0.5", "model.iou=0.3"));
    waitFor(() -> agent.spool().stats().captured() >= 20 && agent.spool().stats().pending() == 0
        && agent.spool().stats().inFlight() == 0, Duration.ofSeconds(60), "frames labeled and synced");
    List<StoredFrame> frames = stored(data);
    assertThat(frames.stream().filter(f -> f.labels() != null && !f.labels().detections().isEmpty()).count())
        .as("frames with a face").isGreaterThanOrEqualTo(10);
    assertThat(frames.get(0).labels().model()).isEqualTo("face_detection_front_128x128_barracuda.onnx");
    Path out = tmp.resolve("coco");
    new CocoExporter().export(LocalFrameStore.open(data), out);
    JsonNode coco = Json.MAPPER.readTree(out.resolve("annotations.json").toFile());
    assertThat(coco.get("categories")).hasSize(1);
    assertThat(coco.get("categories").get(0).get("name").asText()).isEqualTo("face");
    assertThat(coco.get("annotations").size()).isGreaterThanOrEqualTo(10);
    assertThat(coco.get("annotations").get(0).get("score").asDouble()).isGreaterThan(0.5);
  }

  /**
   * Semantic masks can make a label set larger than a broker's message limit (AWS IoT Core: 128 KB). Through
   * a real Mosquitto that refuses messages over 20,000 bytes, a frame whose labels are about 90 KB is sent
   * with them after its image in the chunked transfer and stored with the same labels; a frame with small
   * labels keeps them in its manifest.
   */
  @Test
  void givenLabelsLargerThanTheBrokersMessageLimit_thenTheyTravelInTheChunkedTransferAndAreStoredWithTheFrame()
      throws Exception {
    Mosquitto m = Mosquitto.plain(tmp.resolve("mosquitto"), "message_size_limit 20000\n").start();
    cleanup.add(m);
    // the broker's limit is real: a message over it is not delivered (Mosquitto drops the sender's connection)
    try (io.fieldcap.testing.MqttWatcher receiver = new io.fieldcap.testing.MqttWatcher(m.uri(), "receiver", "probe/#");
        io.fieldcap.testing.MqttWatcher sender = new io.fieldcap.testing.MqttWatcher(m.uri(), "sender", "unused/#")) {
      try {
        sender.publish("probe/big", new byte[30_000]);
      } catch (Exception refused) {
        // refused by the client or the broker: either way it does not get through
      }
      assertThat(receiver.next(Duration.ofSeconds(2))).isNull();
    }
    Path data = tmp.resolve("data");
    server(m.uri(), data);
    byte[] jpeg = Files.readAllBytes(TestMedia.samples().resolve("fruits.jpg")); // 512x480
    java.util.Random rnd = new java.util.Random(17);
    byte[] noise = new byte[480 * 512];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (byte) (rnd.nextInt(4) == 0 ? 1 : 0);
    }
    io.fieldcap.model.LabelSet big = new io.fieldcap.model.LabelSet("seg.onnx", List.of(new io.fieldcap.model.Detection(
        "weed", 0.7, new io.fieldcap.model.Box(0, 0, 512, 480), null, io.fieldcap.model.Rle.fromRowMajor(480, 512, noise))));
    io.fieldcap.model.LabelSet small = new io.fieldcap.model.LabelSet("seg.onnx", List.of(new io.fieldcap.model.Detection(
        "weed", 0.7, new io.fieldcap.model.Box(0, 0, 512, 480), null, io.fieldcap.model.Rle.fromRowMajor(512, 512, new byte[512 * 512]))));
    byte[] baboon = Files.readAllBytes(TestMedia.samples().resolve("baboon.jpg")); // 512x512
    String bigJson = Json.MAPPER.writeValueAsString(big);
    assertThat(bigJson.length()).isGreaterThan(60_000);
    FieldcapConfig c = agentConfig(tmp, "cam-masks", m.uri(), TestMedia.vtestMp4(2), "mqtt.chunk-bytes=16KiB");
    java.time.Instant at = java.time.Instant.parse("2026-11-29T10:00:00Z");
    try (io.fieldcap.spool.Spool spool = io.fieldcap.spool.Spool.open(c.spool().dir(), 1 << 30, 0,
        io.fieldcap.config.SpoolConfig.WhenFull.EVICT_OLDEST, InstantSource.system())) {
      spool.put(new io.fieldcap.spool.SpoolEntry(io.fieldcap.model.FrameId.of(at, 0), spool.nextSequence(), at, 512, 480,
          jpeg, null, 0, "all", bigJson));
      spool.put(new io.fieldcap.spool.SpoolEntry(io.fieldcap.model.FrameId.of(at, 1), spool.nextSequence(), at, 512, 512,
          baboon, null, 0, "all", Json.MAPPER.writeValueAsString(small)));
      SyncService sync = new SyncService(c.device(), c.mqtt(), spool, false, InstantSource.system(), SyncListener.NONE);
      sync.start();
      try {
        waitFor(() -> spool.stats().acked() == 2, Duration.ofSeconds(30), "both frames stored");
      } finally {
        sync.stop(Duration.ofSeconds(2));
      }
    }
    List<StoredFrame> frames = stored(data);
    assertThat(frames).hasSize(2);
    for (StoredFrame f : frames) {
      boolean first = f.frameId().endsWith("0");
      assertThat(f.sha256()).isEqualTo(Sha256.hex(first ? jpeg : baboon));
      assertThat(f.labels()).isEqualTo(first ? big : small);
    }
  }

  @Test
  void givenASemanticSegmentationModel_thenEachClassMaskTravelsToTheServerAndIntoCocoAsRle() throws Exception {
    Mosquitto m = broker();
    Path data = tmp.resolve("data");
    server(m.uri(), data);
    // h264 footage, 768x576, letterboxed into the model's 128x128 (scale 1/6, 16 px of padding top and bottom)
    Agent agent = agent(agentConfig(tmp, "cam-seg", m.uri(), TestMedia.vtestMp4(4),
        "model.path=src/test/resources/models/semantic.onnx", "model.resize=letterbox"));
    waitFor(() -> agent.spool().stats().captured() >= 8 && agent.spool().stats().pending() == 0
        && agent.spool().stats().inFlight() == 0, Duration.ofSeconds(60), "frames segmented and synced");
    // water: output pixels x 4..11, y 4..11 = input 16..47 = frame x 96..287, y 0..191; road: output x 16..31,
    // y 20..31 = input x 64..127, y 80..127 = frame x 384..767, y 384..575 (input rows under 112 are the image)
    byte[] water = io.fieldcap.model.RleTest.rect(768, 576, 96, 0, 288, 192);
    byte[] road = io.fieldcap.model.RleTest.rect(768, 576, 384, 384, 768, 576);
    List<StoredFrame> frames = stored(data);
    assertThat(frames).hasSizeGreaterThanOrEqualTo(8);
    for (StoredFrame f : frames) {
      var by = f.labels().detections().stream().collect(java.util.stream.Collectors.toMap(
          io.fieldcap.model.Detection::label, d -> d));
      assertThat(by).containsOnlyKeys("background", "road", "water");
      assertThat(io.fieldcap.model.RleTest.iou(io.fieldcap.model.RleTest.decodeCoco(576, 768, by.get("water").mask().counts()), water)).isGreaterThanOrEqualTo(0.99);
      assertThat(io.fieldcap.model.RleTest.iou(io.fieldcap.model.RleTest.decodeCoco(576, 768, by.get("road").mask().counts()), road)).isGreaterThanOrEqualTo(0.99);
    }
    Path out = tmp.resolve("coco");
    new CocoExporter().export(LocalFrameStore.open(data), out);
    JsonNode coco = Json.MAPPER.readTree(out.resolve("annotations.json").toFile());
    java.util.Map<Integer, String> names = new java.util.HashMap<>();
    coco.get("categories").forEach(c -> names.put(c.get("id").asInt(), c.get("name").asText()));
    assertThat(names.values()).containsExactlyInAnyOrder("road", "water"); // a semantic background is no category
    assertThat(coco.get("annotations")).hasSize(2 * frames.size());
    for (JsonNode a : coco.get("annotations")) {
      JsonNode seg = a.get("segmentation");
      assertThat(seg.get("size").get(0).asInt()).isEqualTo(576);
      assertThat(seg.get("size").get(1).asInt()).isEqualTo(768);
      assertThat(a.get("iscrowd").asInt()).isZero();
      byte[] mask = io.fieldcap.model.RleTest.decodeCoco(576, 768, seg.get("counts").asText());
      long set = 0;
      for (byte b : mask) {
        set += b;
      }
      assertThat(a.get("area").asLong()).isEqualTo(set);
      String name = names.get(a.get("category_id").asInt());
      assertThat(io.fieldcap.model.RleTest.iou(mask, name.equals("water") ? water : road)).as(name).isGreaterThanOrEqualTo(0.99);
    }

    // COCO with --polygons: one polygon annotation per region instead of RLE
    Path cocoPolygons = tmp.resolve("coco-polygons");
    new CocoExporter().export(LocalFrameStore.open(data), cocoPolygons, new io.fieldcap.dataset.ExportOptions(null, "detect",
        false, io.fieldcap.dataset.ExportOptions.LABEL_STUDIO_URL, io.fieldcap.dataset.Selection.ALL, null, true));
    JsonNode polys = Json.MAPPER.readTree(cocoPolygons.resolve("annotations.json").toFile());
    assertThat(polys.get("annotations")).hasSize(2 * frames.size());
    for (JsonNode a : polys.get("annotations")) {
      assertThat(a.get("segmentation").isArray()).isTrue();
      assertThat(a.get("segmentation").get(0).size()).isGreaterThanOrEqualTo(8).matches(n -> n % 2 == 0);
      assertThat(a.get("area").asDouble()).isCloseTo(names.get(a.get("category_id").asInt()).equals("water") ? 191 * 191 : 383 * 191,
          org.assertj.core.data.Percentage.withPercentage(2));
    }

    // Label Studio: brushlabels, decoded by the test's reader of Label Studio's brush format
    Path ls = tmp.resolve("labelstudio");
    new io.fieldcap.dataset.format.LabelStudioExporter().export(LocalFrameStore.open(data), ls);
    assertThat(Files.readString(ls.resolve("labeling-config.xml"))).contains("<BrushLabels name=\"mask\" toName=\"image\">",
        "<Label value=\"road\"/>", "<Label value=\"water\"/>").doesNotContain("background");
    ChildProcess brush = ChildProcess.start(List.of("/usr/bin/python3", "src/test/resources/readers/ls_brush.py",
        ls.resolve("tasks.json").toString()));
    assertThat(brush.waitFor(Duration.ofSeconds(120))).as(brush::output).isZero();
    JsonNode brushes = Json.MAPPER.readTree(brush.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
    assertThat(brushes.size()).isEqualTo(2 * frames.size());
    for (int t = 0; t < frames.size(); t++) {
      assertThat(brushes.get(t + "/water").get("area").asInt()).isEqualTo(192 * 192);
      assertThat(brushes.get(t + "/water").get("box").toString()).isEqualTo("[96,0,287,191]");
      assertThat(brushes.get(t + "/road").get("area").asInt()).isEqualTo(384 * 192);
      assertThat(brushes.get(t + "/road").get("box").toString()).isEqualTo("[384,384,767,575]");
    }

    // VOC: SegmentationClass palette PNGs, read with Pillow as VOC trainers do; labelmap: background, road, water
    Path voc = tmp.resolve("voc");
    new io.fieldcap.dataset.format.VocExporter().export(LocalFrameStore.open(data), voc);
    assertThat(Files.readAllLines(voc.resolve("labelmap.txt"))).containsSequence("background:0,0,0::", "road:128,0,0::",
        "water:0,128,0::");
    List<String> segmented = Files.readAllLines(voc.resolve("ImageSets/Segmentation/train.txt"));
    assertThat(segmented).hasSize(frames.size());
    ChildProcess p = ChildProcess.start(List.of("/usr/bin/python3", "src/test/resources/readers/voc_class_map.py",
        voc.resolve("SegmentationClass").resolve(segmented.get(0) + ".png").toString(), "150,100", "500,500", "700,50"));
    assertThat(p.waitFor(Duration.ofSeconds(60))).as(p::output).isZero();
    JsonNode png = Json.MAPPER.readTree(p.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
    assertThat(png.get("mode").asText()).isEqualTo("P");
    assertThat(png.get("at").toString()).isEqualTo("[2,1,0]"); // water, road, background
    assertThat(png.at("/counts/2").asDouble()).isCloseTo(192 * 192, org.assertj.core.data.Percentage.withPercentage(1));
    assertThat(png.at("/counts/1").asDouble()).isCloseTo(384 * 192, org.assertj.core.data.Percentage.withPercentage(1));
    assertThat(Files.readString(voc.resolve("Annotations").resolve(segmented.get(0) + ".xml")))
        .contains("<segmented>1</segmented>").doesNotContain("<object>");

    // polygons: YOLO segment lines rasterised here; labelme through labelme's own reader; background is no object
    Path yolo = tmp.resolve("yolo");
    new io.fieldcap.dataset.format.YoloExporter().export(LocalFrameStore.open(data), yolo,
        new io.fieldcap.dataset.ExportOptions(null, "segment", false));
    assertThat(Files.readString(yolo.resolve("data.yaml"))).contains("0: \"road\"", "1: \"water\"").doesNotContain("background");
    try (var files = Files.list(yolo.resolve("labels/train"))) {
      for (Path f : files.toList()) {
        List<String> lines = Files.readAllLines(f);
        assertThat(lines).hasSize(2);
        for (String line : lines) {
          String[] v = line.split(" ");
          java.awt.geom.Path2D.Double poly = new java.awt.geom.Path2D.Double();
          for (int i = 1; i < v.length; i += 2) {
            double x = Double.parseDouble(v[i]) * 768;
            double y = Double.parseDouble(v[i + 1]) * 576;
            if (i == 1) {
              poly.moveTo(x, y);
            } else {
              poly.lineTo(x, y);
            }
          }
          poly.closePath();
          byte[] raster = new byte[768 * 576];
          for (int y = 0; y < 576; y++) {
            for (int x = 0; x < 768; x++) {
              raster[y * 768 + x] = (byte) (poly.contains(x, y) ? 1 : 0); // outline through edge pixel centres
            }
          }
          assertThat(io.fieldcap.model.RleTest.iou(raster, v[0].equals("0") ? road : water)).as(line).isGreaterThanOrEqualTo(0.98);
        }
      }
    }
    Path labelme = tmp.resolve("labelme");
    new io.fieldcap.dataset.format.LabelmeExporter().export(LocalFrameStore.open(data), labelme,
        new io.fieldcap.dataset.ExportOptions(null, "segment", false));
    p = ChildProcess.start(List.of("/usr/bin/python3", "src/test/resources/readers/read_labelme.py", labelme.toString()));
    assertThat(p.waitFor(Duration.ofSeconds(120))).as(p::output).isZero();
    JsonNode read = Json.MAPPER.readTree(p.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
    assertThat(read.size()).isEqualTo(frames.size());
    for (JsonNode img : read) {
      assertThat(img.get("shapes")).hasSize(2);
      for (JsonNode shape : img.get("shapes")) {
        assertThat(shape.get(0).asText()).isIn("road", "water");
        assertThat(shape.get(1).asText()).isEqualTo("polygon");
      }
    }
  }

  @Test
  void givenTheBrokerIsDownWhenTheAgentStarts_thenFramesWaitInTheSpoolAndDrainOnceItComesUp() throws Exception {
    Mosquitto m = Mosquitto.plain(tmp.resolve("mosquitto"));
    cleanup.add(m);
    Agent agent = agent(agentConfig(tmp, "cam-late", m.uri(), TestMedia.vtestMp4(10)));
    waitFor(() -> agent.spool().stats().pending() == 20, Duration.ofSeconds(30), "capture while offline");
    Thread.sleep(2000);
    assertThat(agent.spool().stats().acked()).isZero();
    assertThat(agent.spool().stats().captured()).isEqualTo(20);
    m.start();
    Path data = tmp.resolve("data");
    Server server = server(m.uri(), data);
    waitFor(() -> agent.spool().stats().acked() == 20, Duration.ofSeconds(60), "the backlog to drain");
    assertThat(stored(data)).hasSize(20);
    assertThat(server.ingest().duplicates()).isZero();
  }

  @Test
  void givenTwoAgentsAtOnce_thenEachDevicesFramesArriveUnderItsOwnId() throws Exception {
    Mosquitto m = broker();
    Path data = tmp.resolve("data");
    Server server = server(m.uri(), data);
    Agent a = agent(agentConfig(tmp, "cam-a", m.uri(), TestMedia.vtestMp4(10)));
    Agent b = agent(agentConfig(tmp, "cam-b", m.uri(), TestMedia.vtestMp4(10), "source.fps=1"));
    waitFor(() -> a.spool().stats().acked() == 20 && b.spool().stats().acked() == 10, Duration.ofSeconds(60), "both agents");
    List<StoredFrame> frames = stored(data);
    assertThat(frames).filteredOn(f -> f.device().equals("cam-a")).hasSize(20);
    assertThat(frames).filteredOn(f -> f.device().equals("cam-b")).hasSize(10);
    assertThat(server.ingest().stored()).isEqualTo(30);
  }

  @Test
  void givenMoreAcksOutstandingThanTheBrokersReceiveMaximum_thenTheServerKeepsAcking() throws Exception {
    // Mosquitto limited to 2 unacknowledged messages per client: the server's acks queue up behind PUBACKs
    Mosquitto m = Mosquitto.plain(tmp.resolve("mosquitto-small"), "max_inflight_messages 2\n").start();
    cleanup.add(m);
    Server server = server(m.uri(), tmp.resolve("data"));
    Agent a = agent(agentConfig(tmp, "cam-x", m.uri(), TestMedia.vtestMp4(10)));
    Agent b = agent(agentConfig(tmp, "cam-y", m.uri(), TestMedia.vtestMp4(10)));
    waitFor(() -> a.spool().stats().acked() == 20 && b.spool().stats().acked() == 20, Duration.ofSeconds(60),
        "40 frames acked");
    assertThat(server.ingest().stored()).isEqualTo(40);
  }

  @Test
  void givenTwoServersOnOneSharedSubscription_thenFramesAreSplitBetweenThemAndEachIsStoredOnce() throws Exception {
    Mosquitto m = broker();
    Path data = tmp.resolve("data");
    Server one = server(m.uri(), data);
    Server two = server(m.uri(), data);
    assertThat(one.awaitConnected(Duration.ofSeconds(10)) && two.awaitConnected(Duration.ofSeconds(10))).isTrue();
    Agent agent = agent(agentConfig(tmp, "cam-shared", m.uri(), TestMedia.vtestMp4(10), "mqtt.chunk-bytes=16KiB"));
    waitFor(() -> agent.spool().stats().acked() == 20, Duration.ofSeconds(60), "20 frames acked");
    List<StoredFrame> frames = stored(data);
    assertThat(frames).hasSize(20).extracting(StoredFrame::frameId).doesNotHaveDuplicates();
    // Mosquitto hands out messages round-robin: both servers got pieces of frames, which met in the
    // shared staging area (whichever server wrote a frame's last piece stored it).
    assertThat(one.ingest().messages()).isPositive();
    assertThat(two.ingest().messages()).isPositive();
    assertThat(one.ingest().stored() + two.ingest().stored()).isEqualTo(20);
    assertThat(one.ingest().rejected()).isEmpty();
    assertThat(two.ingest().rejected()).isEmpty();
  }

  @Test
  void givenDevicesOnTwoBrokers_thenServersSubscribedToBothStoreEveryFrameOnce_evenWhenOneServerStops() throws Exception {
    Mosquitto m1 = broker();
    Mosquitto m2 = Mosquitto.plain(tmp.resolve("mosquitto-2")).start();
    cleanup.add(m2);
    Path data = tmp.resolve("data");
    String both = "server.brokers=" + m1.uri() + "," + m2.uri();
    Server one = server(m1.uri(), data, both);
    Server two = server(m1.uri(), data, both);
    assertThat(one.awaitConnected(Duration.ofSeconds(10)) && two.awaitConnected(Duration.ofSeconds(10))).isTrue();
    assertThat(one.brokers()).hasSize(2).containsValues(true);
    Agent a = agent(agentConfig(tmp, "cam-m1", m1.uri(), TestMedia.vtestMp4(10), "mqtt.chunk-bytes=16KiB"));
    Agent b = agent(agentConfig(tmp, "cam-m2", m2.uri(), TestMedia.vtestMp4(10), "mqtt.chunk-bytes=16KiB"));
    waitFor(() -> a.spool().stats().acked() + b.spool().stats().acked() >= 10, Duration.ofSeconds(60), "some frames acked");
    one.stop(); // the other server takes over both brokers' shared subscriptions
    waitFor(() -> a.spool().stats().acked() == 20 && b.spool().stats().acked() == 20, Duration.ofSeconds(90),
        "every frame of both devices acked, each on its own broker");
    List<StoredFrame> frames = stored(data);
    assertThat(frames).hasSize(40).extracting(f -> f.device() + "/" + f.frameId()).doesNotHaveDuplicates();
    assertThat(frames).extracting(StoredFrame::device).containsOnly("cam-m1", "cam-m2");
    for (StoredFrame f : frames) {
      assertThat(Sha256.hex(Files.readAllBytes(f.image().fetch()))).isEqualTo(f.sha256());
    }
    assertThat(two.ingest().rejected()).isEmpty();
  }

  @Test
  void givenServerBrokers_thenEachIsCheckedAndMqttBrokerMustBeAmongThem() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.loadServer(null, List.of("server.data-dir=/tmp/d",
        "server.brokers=tcp://a:1883,http://b", "mqtt.broker=tcp://a:1883"))).hasMessageContaining("server.brokers: 'http://b'");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.loadServer(null, List.of("server.data-dir=/tmp/d",
        "server.brokers=tcp://a:1883,tcp://b:1883", "mqtt.broker=tcp://c:1883"))).hasMessageContaining("is not one of server.brokers");
  }
}
