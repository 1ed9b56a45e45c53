package io.fieldcap.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.config.ServerConfig;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.FrameId;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Rle;
import io.fieldcap.model.Sha256;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.NewFrame;
import io.fieldcap.store.Revisions;
import io.fieldcap.testing.ChildProcess;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The label editor, driven in Chromium with the mouse and the keyboard (web_editor.py): accepting
 * suggestions above a score, a corner dragged at 100 % and at 400 % moving the stored box by the screen
 * distance over the zoom, keys moving a box, a box drawn, classes set by digit keys, undo and redo, a
 * draft surviving a reload, a second reviewer's save refused with both kept; and the API under it:
 * revisions with the reviewer's name, 409 on a stale base, unknown classes refused, viewers refused.
 */
class EditorIT {
  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newHttpClient();

  private static byte[] scene() throws Exception {
    BufferedImage img = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(90, 120, 80));
    g.fillRect(0, 0, 320, 240);
    g.setColor(new Color(150, 100, 50));
    g.fillRect(130, 90, 60, 60);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "jpg", out);
    return out.toByteArray();
  }

  private HttpResponse<String> put(String url, String token, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Box box(JsonNode labels, int i) {
    JsonNode b = labels.get(i).get("box");
    return new Box(b.get("x").asDouble(), b.get("y").asDouble(), b.get("w").asDouble(), b.get("h").asDouble());
  }

  @Test
  void aReviewerCorrectsBoxesWithMouseAndKeysAndEverySaveIsARevision() throws Exception {
    Path data = tmp.resolve("data");
    byte[] jpeg = scene();
    Instant at = Instant.parse("2026-11-29T10:00:00Z");
    String id = FrameId.of(at, 1).value();
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      st.commit(new NewFrame("cam-e", id, 1, at, Sha256.hex(jpeg), jpeg.length, "image/jpeg", 320, 240,
          new LabelSet("m.onnx", List.of(new Detection("crate", 0.9, new Box(130, 90, 60, 60)),
              new Detection("drum", 0.3, new Box(20, 20, 40, 30)))), Map.of("keptBy", "all")), jpeg, at);
      st.classes().replace(List.of(new io.fieldcap.store.Classes.Clazz("crate", "#aa6633"),
          new io.fieldcap.store.Classes.Clazz("drum", null), new io.fieldcap.store.Classes.Clazz("car", null)));
    }
    Path tokens = tmp.resolve("tokens");
    String ann = Tokens.add(tokens, "ann", Tokens.Role.REVIEWER);
    String bob = Tokens.add(tokens, "bob", Tokens.Role.REVIEWER);
    String vera = Tokens.add(tokens, "vera", Tokens.Role.VIEWER);
    try (LocalFrameStore st = LocalFrameStore.open(data);
        WebApp app = new WebApp(st, new ServerConfig.Http("127.0.0.1", 0, tokens, null, null))) {
      String base = app.start();
      String labelsUrl = base + "/api/frames/cam-e/" + id + "/labels";
      // the API's refusals, before the browser
      HttpResponse<String> unknown = put(labelsUrl, ann, "{\"baseRevision\": 0, \"labels\": [{\"label\": \"tractor\", \"score\": 1,"
          + " \"box\": {\"x\": 1, \"y\": 1, \"w\": 5, \"h\": 5}}]}");
      assertThat(unknown.statusCode()).isEqualTo(400);
      assertThat(unknown.body()).contains("class 'tractor' is not one of the project's classes (crate, drum, car)");
      HttpResponse<String> notBoxes = put(labelsUrl, ann, "{\"baseRevision\": 0, \"labels\": [{\"label\": \"car\", \"score\": 7}]}");
      assertThat(notBoxes.statusCode()).isEqualTo(400);
      assertThat(notBoxes.body()).contains("labels[0]", "score must be in 0..1");
      assertThat(put(labelsUrl, ann, "{\"labels\": []}").body()).contains("baseRevision");
      assertThat(st.revisions().of("cam-e", id)).as("nothing saved by a refused request").isEmpty();

      ChildProcess browser = ChildProcess.start(List.of("/usr/bin/python3", "src/test/resources/readers/web_editor.py", base, ann,
          bob, vera, "cam-e", id, tmp.toString()));
      assertThat(browser.waitFor(Duration.ofSeconds(240))).as(browser::output).isZero();
      String printed = browser.output();
      JsonNode r = Json.MAPPER.readTree(printed.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
      System.out.println("web_editor.py: " + r);
      assertThat(r.get("suggestions").asInt()).isEqualTo(2);
      assertThat(r.get("accepted_at_0_5").asInt()).as("only the suggestion scoring 0.5 or more").isEqualTo(1);
      assertThat(r.get("left_as_suggestions").asInt()).isEqualTo(1);

      assertThat(r.get("zoom_1").asText()).isEqualTo("100%");
      assertThat(r.get("save_1").asText()).isEqualTo("saved as revision 1");
      Box z1 = box(r.get("after_zoom_1"), 0);
      assertThat(z1.x()).isCloseTo(130, within(0.5));
      assertThat(z1.w()).as("the corner dragged 30 screen px at 100 %%").isCloseTo(90, within(0.5));
      assertThat(z1.h()).isCloseTo(80, within(0.5));

      assertThat(r.get("zoom_4").asText()).isEqualTo("400%");
      Box z4 = box(r.get("after_zoom_4"), 0);
      assertThat(z4.w()).as("40 screen px at 400 %% is 10 image px").isCloseTo(100, within(0.5));
      assertThat(z4.h()).as("-20 screen px at 400 %% is -5").isCloseTo(75, within(0.5));
      assertThat(z4.x()).as("3 x ArrowRight").isCloseTo(133, within(1e-9));
      assertThat(z4.y()).as("Shift+ArrowDown").isCloseTo(100, within(1e-9));

      JsonNode drawn = r.get("after_draw");
      assertThat(drawn).hasSize(2);
      assertThat(drawn.get(0).get("label").asText()).as("Tab, then 1: the first class").isEqualTo("crate");
      assertThat(drawn.get(1).get("label").asText()).as("drawn, then 2").isEqualTo("drum");
      Box d = box(drawn, 1);
      assertThat(d.w()).isCloseTo(40, within(0.5));
      assertThat(d.h()).isCloseTo(50, within(0.5));
      assertThat(d.x()).isCloseTo(250, within(1.0));
      assertThat(d.y()).isCloseTo(150, within(1.0));

      assertThat(r.get("after_delete").asInt()).isEqualTo(1);
      assertThat(r.get("after_undo").asInt()).isEqualTo(2);
      assertThat(r.get("after_redo").asInt()).isEqualTo(1);
      assertThat(r.get("after_undo_again").asInt()).isEqualTo(2);
      assertThat(r.get("undo_dirty").asText()).isEqualTo("unsaved changes");

      assertThat(r.get("leaving_asked").asBoolean()).as("leaving with unsaved changes asks").isTrue();
      assertThat(r.get("restored").asText()).startsWith("restored an unsaved draft");
      assertThat(r.get("restored_x").asDouble()).as("the draft's ArrowLeft").isEqualTo(132);

      assertThat(r.get("bob_status").asInt()).isEqualTo(200);
      assertThat(r.get("conflict_save").asText()).startsWith("not saved: revision 4 came first");
      assertThat(r.get("conflict_shown").asBoolean()).isTrue();
      assertThat(r.get("theirs_drawn").asInt()).as("bob's box drawn beside the draft").isEqualTo(1);
      assertThat(r.get("draft_kept").asInt()).isEqualTo(2);
      JsonNode last = r.get("after_conflict");
      assertThat(last.get("revision").asInt()).as("ann's draft saved over bob's, on purpose").isEqualTo(5);
      assertThat(box(last.get("reviewed"), 0).x()).isEqualTo(132);

      List<Revisions.Revision> revs = st.revisions().of("cam-e", id);
      assertThat(revs).extracting(Revisions.Revision::author).containsExactly("ann", "ann", "ann", "bob", "ann");
      assertThat(revs).extracting(Revisions.Revision::tool).containsOnly("web");
      assertThat(revs.get(3).labels().detections()).extracting(Detection::label).as("bob's revision kept").containsExactly("car");

      assertThat(r.get("viewer_editor").asInt()).isZero();
      assertThat(r.get("viewer_review_hidden").asBoolean()).isTrue();
      assertThat(r.get("viewer_put").asInt()).isEqualTo(403);
      HttpResponse<String> stale = put(labelsUrl, bob, "{\"baseRevision\": 4, \"labels\": []}");
      assertThat(stale.statusCode()).isEqualTo(409);
      assertThat(stale.body()).contains("has revision 5 now", "\"author\":\"ann\"");
    }
  }

  private static long area(JsonNode labels, String label) {
    for (JsonNode l : labels) {
      if (l.get("label").asText().equals(label) && l.hasNonNull("mask")) {
        JsonNode m = l.get("mask");
        return new Rle(List.of(m.get("size").get(0).asInt(), m.get("size").get(1).asInt()), m.get("counts").asText()).area();
      }
    }
    return 0;
  }

  private static JsonNode polygonOf(JsonNode labels) {
    for (JsonNode l : labels) {
      if (l.hasNonNull("polygon")) {
        return l.get("polygon");
      }
    }
    return null;
  }

  @Test
  void aReviewerPaintsMasksFillsAPolygonIntoOneAndEditsAPolygonsVertices() throws Exception {
    Path data = tmp.resolve("data");
    byte[] jpeg = scene();
    Instant at = Instant.parse("2026-11-29T10:00:00Z");
    String id = FrameId.of(at, 2).value();
    byte[] road = new byte[320 * 240];
    for (int y = 120; y < 240; y++) {
      for (int x = 0; x < 320; x++) {
        road[y * 320 + x] = 1;
      }
    }
    Rle roadMask = Rle.fromRowMajor(240, 320, road);
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      st.commit(new NewFrame("cam-s", id, 2, at, Sha256.hex(jpeg), jpeg.length, "image/jpeg", 320, 240,
          new LabelSet("seg.onnx", List.of(new Detection("road", 0.9, roadMask.box(), null, roadMask))), Map.of()), jpeg, at);
      st.classes().replace(List.of(new io.fieldcap.store.Classes.Clazz("road", null),
          new io.fieldcap.store.Classes.Clazz("water", "#3366ff"), new io.fieldcap.store.Classes.Clazz("crate", null)));
      // the pre-labels as the starting point: accepted once through the API
      assertThat(st.revisions().save("cam-s", id, 0, new LabelSet(null, List.of(new Detection("road", 1, roadMask.box(), null,
          roadMask))), "ann", "web: editor", "web", at).revision()).isEqualTo(1);
    }
    Path tokens = tmp.resolve("tokens");
    String ann = Tokens.add(tokens, "ann", Tokens.Role.REVIEWER);
    try (LocalFrameStore st = LocalFrameStore.open(data);
        WebApp app = new WebApp(st, new ServerConfig.Http("127.0.0.1", 0, tokens, null, null))) {
      String base = app.start();
      ChildProcess browser = ChildProcess.start(List.of("/usr/bin/python3", "src/test/resources/readers/web_editor_shapes.py",
          base, ann, "cam-s", id, tmp.toString()));
      assertThat(browser.waitFor(Duration.ofSeconds(240))).as(browser::output).isZero();
      String printed = browser.output();
      JsonNode r = Json.MAPPER.readTree(printed.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
      System.out.println("web_editor_shapes.py: " + r);
      double stroke = 100 * 20 + Math.PI * 10 * 10; // a 100 px stroke of a 20 px round brush
      assertThat((double) area(r.get("brush"), "water")).as("the brush stroke's pixels").isCloseTo(stroke, within(stroke / 100));
      assertThat(area(r.get("brush"), "road")).isEqualTo(320 * 120);
      assertThat((double) area(r.get("eraser"), "road")).as("the eraser stroke's pixels")
          .isCloseTo(320 * 120 - stroke, within(stroke / 100));
      assertThat(area(r.get("eraser"), "water")).isEqualTo(area(r.get("brush"), "water"));
      assertThat((double) (area(r.get("fill"), "water") - area(r.get("eraser"), "water"))).as("a triangle of 100 x 80 filled")
          .isCloseTo(4000, within(40.0));
      JsonNode poly = polygonOf(r.get("polygon"));
      assertThat(poly).hasSize(8);
      double[] want = {20, 20, 80, 20, 80, 60, 20, 60};
      for (int i = 0; i < 8; i++) {
        assertThat(poly.get(i).asDouble()).isCloseTo(want[i], within(1.0));
      }
      JsonNode moved = polygonOf(r.get("vertex"));
      assertThat(moved.get(0).asDouble() - poly.get(0).asDouble()).as("vertex dragged 10 px right").isCloseTo(10, within(0.5));
      assertThat(moved.get(1).asDouble() - poly.get(1).asDouble()).isCloseTo(5, within(0.5));
      JsonNode added = polygonOf(r.get("added"));
      assertThat(added).hasSize(10);
      assertThat(added.get(2).asDouble()).as("the new vertex, mid-edge").isCloseTo((moved.get(0).asDouble() + moved.get(2).asDouble()) / 2,
          within(0.5));
      assertThat(added.get(3).asDouble()).isCloseTo((moved.get(1).asDouble() + moved.get(3).asDouble()) / 2 - 10, within(0.5));
      assertThat(polygonOf(r.get("deleted"))).as("Alt+click took it out again").isEqualTo(moved);
      assertThat(st.revisions().of("cam-s", id)).hasSize(8);
    }
  }

  /** The queue: least certain first, reviewers get different frames, Skip and Save and next in the browser, the counters. */
  @Test
  void theReviewQueueHandsEachReviewerTheirOwnNextFrame() throws Exception {
    Path data = tmp.resolve("data");
    byte[] jpeg = scene();
    Instant at = Instant.parse("2026-11-29T10:00:00Z");
    List<String> ids = new java.util.ArrayList<>();
    double[] scores = {0.9, 0.4, 0.6, 0.3};
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      for (int i = 0; i < scores.length; i++) {
        Instant t = at.plusSeconds(i);
        ids.add(FrameId.of(t, i).value());
        st.commit(new NewFrame("cam-q", ids.get(i), i, t, Sha256.hex(jpeg), jpeg.length, "image/jpeg", 320, 240,
            new LabelSet("m.onnx", List.of(new Detection("crate", scores[i], new Box(130, 90, 60, 60)))), Map.of()), jpeg, t);
      }
    }
    Path tokens = tmp.resolve("tokens");
    String ann = Tokens.add(tokens, "ann", Tokens.Role.REVIEWER);
    String bob = Tokens.add(tokens, "bob", Tokens.Role.REVIEWER);
    String vera = Tokens.add(tokens, "vera", Tokens.Role.VIEWER);
    try (LocalFrameStore st = LocalFrameStore.open(data);
        WebApp app = new WebApp(st, new ServerConfig.Http("127.0.0.1", 0, tokens, null, null))) {
      String base = app.start();
      HttpResponse<String> forBob = http.send(HttpRequest.newBuilder(URI.create(base + "/api/review/next?order=uncertain"))
          .header("Authorization", "Bearer " + bob).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(Json.MAPPER.readTree(forBob.body()).at("/frame/frameId").asText()).as("the least certain: 0.3").isEqualTo(ids.get(3));
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/api/review/next")).header("Authorization", "Bearer " + vera)
          .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/api/review/next?order=newest")).header("Authorization",
          "Bearer " + ann).build(), HttpResponse.BodyHandlers.ofString()).body()).contains("order: 'newest' is not uncertain, rule or oldest");

      ChildProcess browser = ChildProcess.start(List.of("/usr/bin/python3", "src/test/resources/readers/web_queue.py", base, ann));
      assertThat(browser.waitFor(Duration.ofSeconds(120))).as(browser::output).isZero();
      String printed = browser.output();
      JsonNode r = Json.MAPPER.readTree(printed.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
      assertThat(r.get("shown")).extracting(JsonNode::asText).as("bob holds 0.3; ann gets 0.4, skips it, then 0.6 and 0.9")
          .containsExactly(ids.get(1), ids.get(2), ids.get(0));
      assertThat(r.get("stats").asText()).isEqualTo("reviewed today: 1, remaining: 3");
      assertThat(st.revisions().of("cam-q", ids.get(2))).extracting(Revisions.Revision::author).containsExactly("ann");
    }
  }

  /** An admin keeps the project's classes on the classes page; reviewers cannot change them. */
  /** Issue 30: a tracked object has its track's colour and number on the frame page and in the editor, and keeps its id through a save. */
  @Test
  void trackedBoxesAreDrawnInTheirTracksColourAndKeepTheirIdsThroughAReview() throws Exception {
    Path data = tmp.resolve("data");
    byte[] jpeg = scene();
    Instant at = Instant.parse("2026-11-29T10:00:00Z");
    String id = FrameId.of(at, 1).value();
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      st.commit(new NewFrame("cam-t", id, 1, at, Sha256.hex(jpeg), jpeg.length, "image/jpeg", 320, 240,
          new LabelSet("m.onnx", List.of(new Detection("crate", 0.9, new Box(130, 90, 60, 60)).withTrack(3),
              new Detection("crate", 0.8, new Box(20, 20, 40, 30)).withTrack(4),
              new Detection("crate", 0.7, new Box(220, 150, 50, 40)))), Map.of("keptBy", "best")), jpeg, at);
    }
    Path tokens = tmp.resolve("tokens");
    String ann = Tokens.add(tokens, "ann", Tokens.Role.REVIEWER);
    String vera = Tokens.add(tokens, "vera", Tokens.Role.VIEWER);
    try (LocalFrameStore st = LocalFrameStore.open(data);
        WebApp app = new WebApp(st, new ServerConfig.Http("127.0.0.1", 0, tokens, null, null))) {
      String base = app.start();
      ChildProcess browser = ChildProcess.start(List.of("/usr/bin/python3", "src/test/resources/readers/web_tracks.py", base,
          vera, ann, "cam-t", id));
      assertThat(browser.waitFor(Duration.ofSeconds(120))).as(browser::output).isZero();
      JsonNode r = Json.MAPPER.readTree(browser.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
      for (String view : List.of("viewer", "editor")) {
        Map<String, String> strokeByTrack = new java.util.HashMap<>();
        r.get(view).forEach(b -> strokeByTrack.put(b.get("track").asText("none"), b.get("stroke").asText()));
        assertThat(strokeByTrack).as(view + ": " + r).containsOnlyKeys("3", "4", "none");
        assertThat(strokeByTrack.get("3")).as("a track's colour, by the golden angle: 3 x 137.508 mod 360")
            .isEqualTo("hsl(53,85%,55%)");
        assertThat(strokeByTrack.get("4")).isEqualTo("hsl(190,85%,55%)");
        assertThat(strokeByTrack.get("none")).as("an untracked box keeps its class's colour").doesNotStartWith("hsl(53,")
            .doesNotStartWith("hsl(190,");
      }
      assertThat(r.get("viewer_captions").toString()).contains("crate #3 0.90", "crate #4 0.80", "crate 0.70");
      assertThat(r.get("save").asText()).startsWith("saved");
      List<Long> saved = st.revisions().of("cam-t", id).get(0).labels().detections().stream().map(Detection::trackId).toList();
      assertThat(saved).as("accepted pre-labels keep their tracks").containsExactlyInAnyOrder(3L, 4L, null);
    }
  }

  @Test
  void anAdminSetsTheProjectsClassesInTheBrowser() throws Exception {
    Path data = tmp.resolve("data");
    byte[] jpeg = scene();
    Instant at = Instant.parse("2026-11-29T10:00:00Z");
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      st.commit(new NewFrame("cam-c", FrameId.of(at, 1).value(), 1, at, Sha256.hex(jpeg), jpeg.length, "image/jpeg", 320, 240,
          new LabelSet("m.onnx", List.of(new Detection("drum", 0.5, new Box(1, 1, 9, 9)))), Map.of()), jpeg, at);
    }
    Path tokens = tmp.resolve("tokens");
    String ada = Tokens.add(tokens, "ada", Tokens.Role.ADMIN);
    String ann = Tokens.add(tokens, "ann", Tokens.Role.REVIEWER);
    try (LocalFrameStore st = LocalFrameStore.open(data);
        WebApp app = new WebApp(st, new ServerConfig.Http("127.0.0.1", 0, tokens, null, null))) {
      String base = app.start();
      assertThat(put(base + "/api/classes", ann, "{\"classes\": [{\"name\": \"x\"}]}").statusCode()).isEqualTo(403);
      assertThat(put(base + "/api/classes", ada, "{\"classes\": [{\"name\": \"x\", \"colour\": \"red\"}]}").body())
          .contains("colour 'red' is not #rrggbb");
      ChildProcess browser = ChildProcess.start(List.of("/usr/bin/python3", "src/test/resources/readers/web_classes.py", base, ada,
          "person #ff0000\\ncrate\\ndrum #0000ff"));
      assertThat(browser.waitFor(Duration.ofSeconds(120))).as(browser::output).isZero();
      String printed = browser.output();
      JsonNode r = Json.MAPPER.readTree(printed.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
      assertThat(r.get("before").asText()).as("until set: the labels' classes").isEqualTo("drum");
      assertThat(r.get("saved").asText()).isEqualTo("saved");
      assertThat(r.get("rows").toString()).isEqualTo("[[\"1\",\"person\",\"#ff0000\"],[\"2\",\"crate\",\"(from the name)\"],"
          + "[\"3\",\"drum\",\"#0000ff\"]]");
      assertThat(st.classes().list()).extracting(io.fieldcap.store.Classes.Clazz::name).containsExactly("person", "crate", "drum");
      assertThat(st.classes().defined()).isTrue();
    }
  }
}
