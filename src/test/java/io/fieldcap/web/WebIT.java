package io.fieldcap.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.StoredFrame;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.Mosquitto;
import io.fieldcap.testing.SampleStore;
import io.fieldcap.testing.TestMedia;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web app through the packaged jar, in headless Chromium: a real server with the app on, a real
 * Mosquitto, two real agents; the fleet page shows both online and one offline after its agent is
 * killed, without a reload; the gallery draws the boxes where the labels say (checked in the
 * screenshot's pixels); filters narrow it; a viewer cannot review, a reviewer accepts and rejects and
 * the export reflects it; requests without a token, with a viewer's token for a review, and path
 * traversal attempts fail.
 */
class WebIT {
  @TempDir Path tmp;

  private static HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String url, String token, String json) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private ChildProcess agent(String id, Mosquitto broker, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("agent", "--set", "device.id=" + id, "--set", "source.uri=file://"
        + TestMedia.vtestMp4(20), "--set", "source.fps=1", "--set", "source.loop=true", "--set", "spool.dir="
        + tmp.resolve("spool-" + id), "--set", "mqtt.broker=" + broker.uri(), "--set", "mqtt.status-interval=1s"));
    for (String m : more) {
      args.addAll(List.of("--set", m));
    }
    return ChildProcess.fieldcap(args.toArray(String[]::new));
  }

  @Test
  void givenARunningServerWithTheApp_thenOperatorsAndReviewersDoTheirWorkInABrowser() throws Exception {
    Path data = tmp.resolve("data");
    SampleStore.create(data); // cam-a and cam-b: 40 frames with known boxes
    Path tokens = tmp.resolve("tokens");
    String viewer = ChildProcess.fieldcapRun("tokens", "add", "--file", tokens.toString(), "--name", "vera", "--role", "viewer")
        .output().lines().filter(l -> l.startsWith("fc_")).findFirst().orElseThrow();
    String reviewer = ChildProcess.fieldcapRun("tokens", "add", "--file", tokens.toString(), "--name", "rob", "--role", "reviewer")
        .output().lines().filter(l -> l.startsWith("fc_")).findFirst().orElseThrow();
    assertThat(Files.readString(tokens)).doesNotContain(viewer).contains("vera viewer ");
    int port = TestMedia.freePort();
    String base = "http://127.0.0.1:" + port;
    try (Mosquitto broker = Mosquitto.plain(tmp.resolve("mosquitto")).start();
        ChildProcess server = ChildProcess.fieldcap("server", "--broker", broker.uri(), "--data-dir", data.toString(),
            "--http", "127.0.0.1:" + port, "--tokens-file", tokens.toString());
        ChildProcess north = agent("north", broker, "model.path=src/test/resources/models/yolov8-detect.onnx", "model.threads=1");
        ChildProcess south = agent("south", broker)) {
      assertThat(server.waitForLine(l -> l.contains("web: serving"), Duration.ofSeconds(30))).as(server::output).isTrue();

      // without a token, with a viewer's token for an action, and traversal attempts: refused
      assertThat(get(base + "/api/devices", null).statusCode()).isEqualTo(401);
      assertThat(get(base + "/api/frames", "fc_not-a-token").statusCode()).isEqualTo(401);
      assertThat(get(base + "/", null).statusCode()).as("pages send the browser to the login form").isEqualTo(302);
      String frame = get(base + "/api/frames?device=cam-a&limit=1", viewer).body();
      JsonNode first = Json.MAPPER.readTree(frame).at("/frames/0");
      String path = "/api/frames/cam-a/" + first.get("frameId").asText() + "/review";
      HttpResponse<String> denied = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path))
          .header("Authorization", "Bearer " + viewer).POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"accept\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(denied.statusCode()).isEqualTo(403);
      assertThat(denied.body()).contains("reviewing needs the reviewer role");
      for (String attempt : List.of("/images/../fieldcap.db", "/images/%2e%2e/fieldcap.db", "/images/cam-a/..%2F..%2Ffieldcap.db.jpg",
          "/thumbs/cam-a/%2e%2e%2f%2e%2e%2ffieldcap.db", "/static/../fieldcap.db", "/images/cam-a/x.jpg", "/fieldcap.db")) {
        HttpResponse<String> r = get(base + attempt, viewer);
        assertThat(r.statusCode()).as(attempt).isIn(400, 404);
        assertThat(r.body()).as(attempt).doesNotContain("SQLite");
      }
      assertThat(get(base + first.get("thumb").asText(), viewer).statusCode()).isEqualTo(200);
      JsonNode northStatus = null;
      long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (northStatus == null && System.nanoTime() < until) {
        for (JsonNode d : Json.MAPPER.readTree(get(base + "/api/devices", viewer).body())) {
          if (d.get("device").asText().equals("north") && d.has("model")) {
            northStatus = d;
          }
        }
        Thread.sleep(200);
      }
      assertThat(northStatus).as("the fleet shows the model the device runs").isNotNull();
      assertThat(northStatus.get("model").asText()).isEqualTo("yolov8-detect.onnx");
      assertThat(northStatus.get("version").asText()).isEqualTo(io.fieldcap.model.Sha256.hex(Files.readAllBytes(
          Path.of("src/test/resources/models/yolov8-detect.onnx"))).substring(0, 12));

      // Prometheus metrics: a token needed; Debian's promtool finds nothing to complain about
      assertThat(get(base + "/metrics", null).statusCode()).isEqualTo(401);
      HttpResponse<String> metrics = get(base + "/metrics", viewer);
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
      assertThat(metrics.body()).contains("fieldcap_device_online{device=\"north\"} 1", "fieldcap_server_frames_stored_total ",
          "# TYPE fieldcap_server_messages_rejected_total counter");
      io.fieldcap.testing.Promtool.Result lint = io.fieldcap.testing.Promtool.check(tmp, metrics.body());
      assertThat(lint.exitCode()).as(lint.said()).isZero();
      assertThat(lint.said()).as("promtool's lint").isEmpty();

      // plots, drawn by the server
      HttpResponse<String> plots = get(base + "/plots", viewer);
      assertThat(plots.statusCode()).isEqualTo(200);
      assertThat(plots.body()).contains("Frames per device per day", "cam-a 2026-11-29", "Labels per class", "Pre-label scores: person");

      // send to labeling: a batch whose links a labeling tool follows without a token
      assertThat(post(base + "/api/labeling", viewer, "{\"format\":\"labelstudio\"}").statusCode()).isEqualTo(403);
      HttpResponse<String> sent = post(base + "/api/labeling", reviewer, "{\"format\":\"labelstudio\",\"device\":\"cam-a\",\"limit\":5}");
      assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
      JsonNode batch = Json.MAPPER.readTree(sent.body());
      assertThat(batch.get("images").asInt()).isEqualTo(5);
      HttpResponse<String> tasks = get(batch.get("tasks").asText(), null);
      assertThat(tasks.statusCode()).isEqualTo(200);
      JsonNode taskList = Json.MAPPER.readTree(tasks.body());
      assertThat(taskList).hasSize(5);
      for (JsonNode t : taskList) {
        String url = t.at("/data/image").asText();
        assertThat(url).startsWith(base + "/labeling/");
        HttpResponse<byte[]> img = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertThat(img.statusCode()).as(url).isEqualTo(200);
        assertThat(img.headers().firstValue("Content-Type").orElse("")).startsWith("image/jpeg");
      }
      String link = batch.get("tasks").asText();
      java.util.regex.Matcher key = java.util.regex.Pattern.compile("(batch-[0-9a-f-]+\\.)([0-9a-f])").matcher(link);
      assertThat(key.find()).isTrue();
      String tampered = link.substring(0, key.start(2)) + (key.group(2).equals("0") ? "1" : "0") + link.substring(key.end(2));
      assertThat(get(tampered, null).statusCode()).as("a guessed link").isEqualTo(404);
      JsonNode cvat = Json.MAPPER.readTree(post(base + "/api/labeling", reviewer, "{\"format\":\"cvat\",\"class\":\"car\",\"limit\":3}").body());
      assertThat(get(cvat.get("annotationsUrl").asText(), null).body()).contains("<annotations>", "label=\"car\"");

      Path shots = Files.createDirectories(tmp.resolve("shots"));
      ChildProcess browser = ChildProcess.start(List.of("/usr/bin/python3", "src/test/resources/readers/web_scenario.py", base,
          viewer, reviewer, shots.toString()));
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (!Files.exists(shots.resolve("ready")) && System.nanoTime() < deadline) {
        Thread.sleep(100); // the browser has seen both devices online
      }
      assertThat(shots.resolve("ready")).as(browser::output).exists();
      south.close(); // SIGKILL: the broker publishes its will
      assertThat(browser.waitFor(Duration.ofSeconds(180))).as(browser::output).isZero();
      String out = browser.output();
      JsonNode r = Json.MAPPER.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
      assertThat(r.get("without_token_lands_on").asText()).isEqualTo("/login");
      assertThat(r.get("online_rows").toString()).as(out).contains("[\"north\",\"online\"]", "[\"south\",\"online\"]");
      assertThat(r.get("after_kill_rows").toString()).as("live, without a reload").contains("[\"south\",\"offline\"]",
          "[\"north\",\"online\"]");
      assertThat(r.get("fleet_url_unchanged").asBoolean()).isTrue();
      assertThat(r.get("cam_a_cards").asInt()).isEqualTo(20);
      assertThat(r.get("box_pixels")).hasSize(2);
      for (JsonNode b : r.get("box_pixels")) {
        // pre-labels are dashed (6 px on, 3 off): two thirds of the edge's samples land on the stroke
        assertThat(b.get("edge").asInt()).as("the %s box's left edge is drawn where its label says: %s", b.get("label").asText(), b)
            .isGreaterThanOrEqualTo((int) (0.55 * b.get("total").asInt()));
        assertThat(b.get("inside").asInt()).as("and not across its middle").isLessThan(b.get("total").asInt() / 2);
      }
      assertThat(r.get("cam_a_car_cards").asInt()).as("frames 4, 14, 24 and 34 of cam-a have no labels").isEqualTo(16);
      assertThat(r.get("viewer_review_hidden").asBoolean()).isTrue();
      assertThat(r.get("accept").asText()).isEqualTo("accept: done");
      assertThat(r.get("reject").asText()).isEqualTo("reject: done");
      for (String shot : List.of("fleet.png", "gallery.png", "frame.png")) {
        assertThat(Files.size(shots.resolve(shot))).as(shot).isGreaterThan(10_000);
      }

      // the reviewer's work, in exports
      String accepted = r.get("accepted").asText();
      String rejected = r.get("rejected").asText();
      try (LocalFrameStore st = LocalFrameStore.open(data)) {
        StoredFrame a = st.frame(accepted.substring(0, accepted.indexOf('/')), accepted.substring(accepted.indexOf('/') + 1));
        assertThat(a.revision()).isEqualTo(1);
        assertThat(st.revisions().of(a.device(), a.frameId()).get(0).author()).isEqualTo("rob");
      }
      ChildProcess export = ChildProcess.fieldcapRun("export", "--data-dir", data.toString(), "--format", "yolo", "--labels",
          "reviewed", "--out", tmp.resolve("reviewed").toString());
      assertThat(export.output()).as(export::output).contains("exported 1 images");
      ChildProcess all = ChildProcess.fieldcapRun("export", "--data-dir", data.toString(), "--format", "yolo", "--out",
          tmp.resolve("all").toString(), "--device", "cam-a", "--device", "cam-b");
      assertThat(all.output()).as("the rejected frame is left out").contains("exported 39 images");
      List<String> names = new ArrayList<>();
      try (var s = Files.list(tmp.resolve("all/labels/train"))) {
        s.forEach(p -> names.add(p.getFileName().toString()));
      }
      assertThat(names).doesNotContain(rejected.replace('/', '_') + ".txt");
      if (System.getenv("FIELDCAP_SCREENSHOTS") != null) {
        for (String shot : List.of("fleet.png", "gallery.png", "frame.png")) {
          Files.copy(shots.resolve(shot), Path.of(System.getenv("FIELDCAP_SCREENSHOTS")).resolve(shot),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
