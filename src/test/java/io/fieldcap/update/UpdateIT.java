package io.fieldcap.update;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.agent.Agent;
import io.fieldcap.agent.Supervisor;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.config.MqttConfig;
import io.fieldcap.json.Json;
import io.fieldcap.keys.SigningKeys;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Sha256;
import io.fieldcap.spool.PendingFrame;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.Mosquitto;
import io.fieldcap.testing.MqttWatcher;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed updates end to end: a real Mosquitto, agents running under the real supervisor with real
 * models on real footage, and bundles pushed with the real {@code fieldcap push} in its own JVM.
 */
class UpdateIT {
  private static final Path MODELS = Path.of("src/test/resources/models");
  private static final String V5 = "yolov5-detect.onnx";
  private static final String V8 = "yolov8-detect.onnx";
  private static final String ZERO = "yolov8-zero.onnx";

  @TempDir Path tmp;
  private Mosquitto broker;
  private final List<Running> agents = new ArrayList<>();

  /** An agent under its supervisor, on a thread of its own. */
  private record Running(Supervisor supervisor, Thread thread) {
    Agent agent() {
      return supervisor.agent();
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    broker = Mosquitto.plain(tmp.resolve("mosquitto")).start();
    SigningKeys.write(SigningKeys.generate(), tmp.resolve("keys"), "update");
    SigningKeys.write(SigningKeys.generate(), tmp.resolve("keys"), "other");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Running r : agents) {
      r.supervisor().stop();
      r.thread().join(10_000);
    }
    broker.close();
  }

  /**
   * The probe (issue 28): with a short probation, a model that detects nothing on live frames became
   * {@code active} because its time ended before {@code min-frames} frames of it were seen. Time alone
   * no longer passes a model: it stays on probation until it has the frames, and is then judged.
   */
  @Test
  void aShortProbationWaitsForItsFramesAndStillCatchesAQuietModel() throws Exception {
    Running cam = start("cam-1", "2s", "update.min-frames=30");
    waitFor(() -> cam.agent().spool().stats().captured() >= 40, "30 frames of the first model to compare with");
    String out = pushed(push("model", "--key", key(), "--device", "cam-1", "--model", MODELS.resolve(ZERO).toString(),
        "--wait", "90s"), 1);
    assertThat(out).contains("cam-1: probation").doesNotContain("cam-1: active")
        .contains("cam-1: rolled-back (the detection rate collapsed: 0.00 detections per frame over ");
    assertThat(model(cam)).isEqualTo(V5);
  }

  /** A probation that never gets its frames (a trail camera, a stopped source) ends unproven, not active. */
  @Test
  void aModelNeverWatchedLongEnoughIsUnprovenNotActive() throws Exception {
    Running cam = start("cam-1", "1s", "update.min-frames=100000", "update.probation-max=4s");
    String out = pushed(push("model", "--key", key(), "--device", "cam-1", "--model", MODELS.resolve(V8).toString(),
        "--wait", "60s"), 1);
    assertThat(out).contains("cam-1: probation").contains("cam-1: unproven (watched on ").contains("of the 100000 it needs)")
        .doesNotContain("cam-1: active");
    assertThat(update(cam, "model")).containsEntry("state", "unproven");
  }

  private List<String> settings(String device, String probation, String... more) throws Exception {
    List<String> s = new ArrayList<>(List.of("device.id=" + device, "device.groups=north",
        "source.uri=file://" + TestMedia.vtestMp4(20), "source.loop=true", "source.fps=5",
        "spool.dir=" + tmp.resolve(device), "mqtt.broker=" + broker.uri(), "mqtt.status-interval=1s",
        "model.path=" + MODELS.resolve(V5), "model.threads=1", "quality.duplicates=false", "quality.blur-min=0",
        "update.key=" + tmp.resolve("keys/update.pub"), "update.probation=" + probation, "update.min-frames=5"));
    s.addAll(List.of(more));
    return s;
  }

  private Running start(String device, String probation, String... more) throws Exception {
    Supervisor sup = new Supervisor(null, settings(device, probation, more), InstantSource.system(), (c, r) -> {});
    Thread t = new Thread(() -> {
      try {
        sup.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, "supervisor-" + device);
    t.start();
    Running r = new Running(sup, t);
    agents.add(r);
    waitFor(() -> r.agent() != null && r.agent().spool() != null && r.agent().spool().stats().captured() >= 10,
        "agent " + device + " captures");
    return r;
  }

  private static void waitFor(java.util.function.BooleanSupplier ok, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!ok.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for: " + what).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private ChildProcess push(String... args) throws Exception {
    List<String> a = new ArrayList<>(List.of("push"));
    a.add(args[0]);
    a.addAll(List.of("--broker", broker.uri(), "--chunk-size", "16KiB"));
    a.addAll(List.of(args).subList(1, args.length));
    return ChildProcess.fieldcap(a.toArray(String[]::new));
  }

  private static String pushed(ChildProcess p, int exit) throws InterruptedException {
    assertThat(p.waitFor(Duration.ofSeconds(120))).as(p::output).isEqualTo(exit);
    return p.output();
  }

  private String key() {
    return tmp.resolve("keys/update.key").toString();
  }

  /** The model's file name the running agent pre-labels with. */
  private static String model(Running r) {
    return String.valueOf(r.agent().about().get("model"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> update(Running r, String kind) {
    return (Map<String, Object>) ((Map<String, Object>) r.agent().about().get("updates")).getOrDefault(kind, Map.of());
  }

  @Test
  void aGoodModelTakesOverBetweenTwoFrames_withoutLosingOne_andTheFleetShowsIt() throws Exception {
    Path tokens = tmp.resolve("tokens");
    String viewer = ChildProcess.fieldcapRun("tokens", "add", "--file", tokens.toString(), "--name", "vera", "--role", "viewer")
        .output().lines().filter(l -> l.startsWith("fc_")).findFirst().orElseThrow();
    Running cam = start("cam-1", "3s");
    Path golden = Files.createDirectories(tmp.resolve("golden"));
    Files.copy(TestMedia.samples().resolve("HappyFish.jpg"), golden.resolve("fish.jpg"));
    String out = pushed(push("model", "--key", key(), "--device", "cam-1", "--model", MODELS.resolve(V8).toString(),
        "--golden", golden.toString(), "--wait", "60s"), 0);
    assertThat(out).contains("cam-1: probation").contains("cam-1: active"); // the golden image passed on the device
    assertThat(model(cam)).isEqualTo(V8);
    assertThat(update(cam, "model")).containsEntry("state", "active")
        .containsEntry("sha256", Sha256.file(MODELS.resolve(V8)));
    long before = cam.agent().spool().stats().captured();
    waitFor(() -> cam.agent().spool().stats().captured() > before + 10, "frames labeled by the new model");

    var stats = cam.agent().spool().stats();
    assertThat(stats.dropped()).as("no frame dropped").isZero();
    assertThat(stats.rejected()).as("no frame rejected").isZero();
    List<PendingFrame> frames = new ArrayList<>(cam.agent().spool().takePending(100_000));
    frames.sort(Comparator.comparingLong(PendingFrame::seq));
    List<String> models = new ArrayList<>();
    for (int i = 0; i < frames.size(); i++) {
      if (i > 0) {
        assertThat(frames.get(i).seq()).as("frame sequence numbers have no gap").isEqualTo(frames.get(i - 1).seq() + 1);
      }
      LabelSet l = Json.MAPPER.readValue(frames.get(i).labels(), LabelSet.class);
      assertThat(l.detections()).as("every frame pre-labeled").isNotEmpty();
      if (models.isEmpty() || !models.get(models.size() - 1).equals(l.model())) {
        models.add(l.model());
      }
    }
    assertThat(models).as("one switch, from the old model to the new").containsExactly(V5, V8);

    ChildProcess fleet = ChildProcess.fieldcap("fleet", "--broker", broker.uri(), "--json");
    JsonNode status = Json.MAPPER.readTree(pushed(fleet, 0)).get("cam-1");
    assertThat(status.get("model").asText()).isEqualTo(V8);
    assertThat(status.get("modelSha256").asText()).isEqualTo(Sha256.file(MODELS.resolve(V8)));
    assertThat(status.at("/updates/model/state").asText()).isEqualTo("active");
    ChildProcess table = ChildProcess.fieldcap("fleet", "--broker", broker.uri());
    assertThat(pushed(table, 0)).contains("cam-1").contains(V8).contains("model active");

    assertThat(retained("fieldcap/v1/cam-1/update/model")).as("the device cleared its answered bundle").isNull();

    // the server (started now, so that the frames above stayed in the spool) has the device's update state
    int port = TestMedia.freePort();
    ChildProcess server = ChildProcess.fieldcap("server", "--broker", broker.uri(), "--data-dir", tmp.resolve("data").toString(),
        "--http", "127.0.0.1:" + port, "--tokens-file", tokens.toString());
    assertThat(server.waitForLine(l -> l.contains("server: connected"), Duration.ofSeconds(30))).as(server::output).isTrue();
    String agentMetrics = cam.agent().metrics();
    assertThat(agentMetrics).contains("fieldcap_agent_update_state{kind=\"model\",state=\"active\"")
        .contains("fieldcap_agent_model_info{model=\"" + V8 + "\"");
    String serverMetrics = "";
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!serverMetrics.contains("state=\"active\"") && System.nanoTime() < deadline) {
      Thread.sleep(250);
      serverMetrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).header("Authorization", "Bearer " + viewer).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }
    assertThat(serverMetrics).contains("fieldcap_device_update_state{device=\"cam-1\",kind=\"model\",state=\"active\"")
        .contains("fieldcap_device_model_info{device=\"cam-1\",model=\"" + V8 + "\"");
    for (String text : List.of(agentMetrics, serverMetrics)) {
      io.fieldcap.testing.Promtool.Result lint = io.fieldcap.testing.Promtool.check(tmp, text);
      assertThat(lint.exitCode()).as(lint.said()).isZero();
      assertThat(lint.said()).as("promtool's lint").isEmpty();
    }
    // the example Grafana dashboard names only metrics that exist
    JsonNode dashboard = Json.MAPPER.readTree(Path.of("docs/grafana-dashboard.json").toFile());
    java.util.regex.Matcher names = java.util.regex.Pattern.compile("fieldcap_[a-z_]+").matcher(dashboard.toString());
    int n = 0;
    while (names.find()) {
      String family = names.group().replaceAll("_(bucket|sum|count)$", "");
      assertThat(agentMetrics + serverMetrics).as("docs/grafana-dashboard.json names " + names.group())
          .contains("# TYPE " + family + " ");
      n++;
    }
    assertThat(n).isGreaterThan(10);
    server.close();
  }

  @Test
  void forgedReplayedExpiredAndTamperedBundlesAreRefused_andTheModelKeepsRunning() throws Exception {
    Running cam = start("cam-1", "2s");
    pushed(push("model", "--key", key(), "--device", "cam-1", "--model", MODELS.resolve(V8).toString(), "--sequence", "100",
        "--wait", "60s"), 0);
    assertThat(model(cam)).isEqualTo(V8);

    // signed with a key the device does not pin
    pushed(push("model", "--key", tmp.resolve("keys/other.key").toString(), "--device", "cam-1", "--model",
        MODELS.resolve(ZERO).toString(), "--sequence", "200"), 0);
    waitFor(() -> String.valueOf(update(cam, "model").get("lastRefusal")).contains("does not verify with update.key"),
        "forged bundle refused: " + update(cam, "model"));
    // an older genuine bundle
    pushed(push("model", "--key", key(), "--device", "cam-1", "--model", MODELS.resolve(ZERO).toString(), "--sequence", "50"), 0);
    waitFor(() -> String.valueOf(update(cam, "model").get("lastRefusal")).contains("sequence 50 is not above 100"),
        "replayed bundle refused: " + update(cam, "model"));
    // expired: signed correctly, long ago
    MqttConfig mqtt = ConfigLoader.loadMqtt(null, List.of("mqtt.broker=" + broker.uri()));
    java.security.PrivateKey k = SigningKeys.readPrivate(tmp.resolve("keys/update.key"));
    Path zero = MODELS.resolve(ZERO);
    Bundle.FileEntry file = new Bundle.FileEntry(ZERO, Sha256.file(zero), Files.size(zero), 16384);
    Instant past = Instant.now().minus(Duration.ofDays(2));
    try (FleetClient p = new FleetClient(mqtt)) {
      p.publishFile(zero, file);
      Bundle expired = new Bundle(Bundle.VERSION, "model", ZERO, "device:cam-1", 300, past, past.plus(Duration.ofDays(1)),
          null, List.of(file), List.of("person", "bicycle", "car"), null, null);
      p.publishManifest(expired, Signed.sign(expired, k));
      waitFor(() -> "refused".equals(update(cam, "model").get("state"))
          && String.valueOf(update(cam, "model").get("reason")).contains("expired"), "expired bundle refused: " + update(cam, "model"));

      // a genuine manifest whose file on the broker was replaced
      byte[] other = Files.readAllBytes(MODELS.resolve(V5));
      Bundle.FileEntry claimed = new Bundle.FileEntry(ZERO, Sha256.hex(other), other.length, 16384);
      Path tampered = tmp.resolve(ZERO);
      byte[] bad = other.clone();
      bad[bad.length / 2] ^= 1;
      Files.write(tampered, bad);
      p.publishFile(tampered, claimed);
      Bundle b = new Bundle(Bundle.VERSION, "model", ZERO, "device:cam-1", 400, Instant.now(), Instant.now().plus(Duration.ofDays(1)),
          null, List.of(claimed), List.of("person", "bicycle", "car"), null, null);
      p.publishManifest(b, Signed.sign(b, k));
      waitFor(() -> "refused".equals(update(cam, "model").get("state"))
          && String.valueOf(update(cam, "model").get("reason")).contains("does not match its SHA-256"),
          "tampered file refused: " + update(cam, "model"));
    }
    assertThat(model(cam)).as("still the good model").isEqualTo(V8);
    assertThat(cam.agent().about().get("version")).isEqualTo(Sha256.file(MODELS.resolve(V8)).substring(0, 12));
    long n = cam.agent().spool().stats().captured();
    waitFor(() -> cam.agent().spool().stats().captured() > n + 5, "still capturing");
  }

  @Test
  void aModelThatFailsItsGoldenImagesIsRefused() throws Exception {
    Running cam = start("cam-1", "2s");
    Path golden = Files.createDirectories(tmp.resolve("golden"));
    Files.copy(TestMedia.samples().resolve("HappyFish.jpg"), golden.resolve("street.jpg"));
    Files.writeString(golden.resolve("expected.json"), "{\"street.jpg\": [{\"label\": \"person\", \"x\": 0, \"y\": 0, \"w\": 10, \"h\": 10}]}");
    String out = pushed(push("model", "--key", key(), "--device", "cam-1", "--model", MODELS.resolve(ZERO).toString(),
        "--golden", golden.toString(), "--wait", "60s"), 1);
    assertThat(out).contains("cam-1: refused (golden images: 0 of 1 expected detections found");
    assertThat(model(cam)).isEqualTo(V5);
  }

  @Test
  void aModelThatGoesQuietOnLiveFramesIsRolledBackWithinItsProbation() throws Exception {
    Running cam = start("cam-1", "60s");
    long t0 = System.nanoTime();
    String out = pushed(push("model", "--key", key(), "--device", "cam-1", "--model", MODELS.resolve(ZERO).toString(),
        "--wait", "90s"), 1);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("rolled back well before the 60 s probation ended")
        .isLessThan(Duration.ofSeconds(50));
    assertThat(out).contains("cam-1: probation").contains("cam-1: rolled-back (the detection rate collapsed: 0.00 detections per frame");
    assertThat(model(cam)).isEqualTo(V5);
    // refused from then on, even when pushed again as the same bundle
    assertThat(update(cam, "model")).containsEntry("state", "rolled-back");
  }

  @Test
  void aConfigWithAnErrorIsRefusedWithTheError_andAGoodOneIsAppliedByRestartingThePipeline() throws Exception {
    Running cam = start("cam-1", "2s");
    String bad = pushed(push("config", "--key", key(), "--device", "cam-1", "--set", "source.fps=fast", "--wait", "60s"), 1);
    assertThat(bad).contains("cam-1: refused (the config is not valid here:").contains("source.fps: 'fast'");
    Agent first = cam.agent();
    String good = pushed(push("config", "--key", key(), "--device", "cam-1", "--set", "tags.site=north-gate",
        "--wait", "60s"), 0);
    assertThat(good).contains("cam-1: probation").contains("cam-1: active");
    assertThat(cam.agent()).as("a new pipeline").isNotSameAs(first);
    assertThat(String.valueOf(cam.agent().about().get("config"))).startsWith("settings #");
  }

  @Test
  void aDeviceThatWasOfflineDuringThePushAppliesItWhenItComesBack() throws Exception {
    Running cam = start("cam-1", "2s");
    cam.supervisor().stop();
    cam.thread().join(10_000);
    agents.clear();
    String out = pushed(push("model", "--key", key(), "--device", "cam-1", "--model", MODELS.resolve(V8).toString()), 0);
    assertThat(out).contains("published to device:cam-1");
    Running back = start("cam-1", "2s");
    waitFor(() -> "active".equals(update(back, "model").get("state")), "the pushed model active: " + update(back, "model"));
    assertThat(model(back)).isEqualTo(V8);
  }

  @Test
  void aCanaryGoesFirst_andTheGroupFollowsOnlyWhenItPasses() throws Exception {
    Running a = start("cam-a", "3s");
    Running b = start("cam-b", "3s");
    String bad = pushed(push("model", "--key", key(), "--group", "north", "--canary", "1", "--model",
        MODELS.resolve(ZERO).toString(), "--wait", "90s"), 1);
    assertThat(bad).contains("canaries [cam-a]").contains("cam-a: rolled-back").contains("north NOT updated");
    Thread.sleep(2000);
    assertThat(model(b)).as("the rest of the group never saw it").isEqualTo(V5);
    assertThat(update(b, "model")).doesNotContainKey("state");

    String good = pushed(push("model", "--key", key(), "--group", "north", "--canary", "1", "--model",
        MODELS.resolve(V8).toString(), "--wait", "90s"), 0);
    assertThat(good.indexOf("canaries passed")).isPositive().isLessThan(good.indexOf("cam-b: active"));
    assertThat(model(a)).isEqualTo(V8);
    assertThat(model(b)).isEqualTo(V8);
  }

  @Test
  void anAgentThatCrashesTwiceDuringProbationRollsBackAtItsNextStart() throws Exception {
    List<String> args = new ArrayList<>(List.of("agent"));
    for (String s : settings("cam-1", "10m")) {
      args.addAll(List.of("--set", s));
    }
    ChildProcess agent = ChildProcess.fieldcap(args.toArray(String[]::new));
    try {
      assertThat(agent.waitForLine(l -> l.contains("sync: connected"), Duration.ofSeconds(60))).as(agent::output).isTrue();
      pushed(push("model", "--key", key(), "--device", "cam-1", "--model", MODELS.resolve(V8).toString()), 0);
      assertThat(agent.waitForLine(l -> l.contains("on probation"), Duration.ofSeconds(60))).as(agent::output).isTrue();
      for (int crash = 1; crash <= 2; crash++) {
        agent.close(); // SIGKILL, as a crash of the model's native code would end it
        agent = ChildProcess.fieldcap(args.toArray(String[]::new));
        if (crash == 1) {
          assertThat(agent.waitForLine(l -> l.contains("model " + V8 + " (from update"), Duration.ofSeconds(60)))
              .as("after one crash the new model is still tried: " + agent.output()).isTrue();
        }
      }
      assertThat(agent.waitForLine(l -> l.contains("rolled back [model] after a crash loop"), Duration.ofSeconds(60)))
          .as(agent::output).isTrue();
      assertThat(agent.waitForLine(l -> l.contains("sync: connected"), Duration.ofSeconds(60))).as(agent::output).isTrue();
      JsonNode status = Json.MAPPER.readTree(pushed(ChildProcess.fieldcap("fleet", "--broker", broker.uri(), "--json"), 0))
          .get("cam-1");
      assertThat(status.get("model").asText()).isEqualTo(V5);
      assertThat(status.at("/updates/model/state").asText()).isEqualTo("rolled-back");
      assertThat(status.at("/updates/model/reason").asText()).isEqualTo("the agent crashed 2 times during probation");
    } finally {
      agent.close();
    }
  }

  @Test
  void theUpdateKeyIsRotatedByAConfigSignedWithTheOldOne() throws Exception {
    Running cam = start("cam-1", "2s");
    String newKey = Files.readAllLines(tmp.resolve("keys/other.pub")).get(1);
    pushed(push("config", "--key", key(), "--device", "cam-1", "--set", "update.public-key=" + newKey, "--wait", "60s"), 0);
    String old = pushed(push("model", "--key", key(), "--device", "cam-1", "--model", MODELS.resolve(V8).toString()), 0);
    assertThat(old).contains("published");
    waitFor(() -> String.valueOf(update(cam, "model").get("lastRefusal")).contains("does not verify"),
        "the old key refused: " + update(cam, "model"));
    pushed(push("model", "--key", tmp.resolve("keys/other.key").toString(), "--device", "cam-1", "--model",
        MODELS.resolve(V8).toString(), "--wait", "60s"), 0);
    assertThat(model(cam)).isEqualTo(V8);
  }

  private byte[] retained(String topic) throws Exception {
    try (MqttWatcher w = new MqttWatcher(broker.uri(), "check", topic)) {
      MqttWatcher.Message m = w.next(Duration.ofSeconds(2));
      return m == null || m.payload().length == 0 ? null : m.payload();
    }
  }
}
