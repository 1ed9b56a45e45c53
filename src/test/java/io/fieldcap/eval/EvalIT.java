package io.fieldcap.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.SampleStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fieldcap eval} through the jar: a COCO results file made against {@code fieldcap export --format
 * coco} of a selection is scored with the export's image and category ids and areas (the figures equal
 * {@link CocoEval} on the exported annotations.json, which {@link CocoEvalTest} holds to pycocotools);
 * a model run by the agent's engine; and the mistakes a user can make, each named.
 */
class EvalIT {
  @TempDir Path tmp;
  private Path data;

  @BeforeEach
  void store() throws Exception {
    data = tmp.resolve("data");
    SampleStore.create(data);
  }

  private static ChildProcess run(String... args) throws Exception {
    return ChildProcess.fieldcapRun(args);
  }

  private static JsonNode json(ChildProcess p) throws Exception {
    String out = p.output();
    return Json.MAPPER.readTree(out.substring(out.indexOf("{\"frames\"")));
  }

  @Test
  void resultsMadeAgainstTheCocoExportAreScoredWithItsIdsAndAreas() throws Exception {
    Path export = tmp.resolve("coco");
    ChildProcess ex = run("export", "--data-dir", data.toString(), "--format", "coco", "--labels", "best", "--out", export.toString());
    assertThat(ex.exitCode()).as(ex::output).isZero();
    JsonNode gt = Json.MAPPER.readTree(export.resolve("annotations.json").toFile());

    // detections as a model elsewhere would make them: most objects found and jittered, some twice, some missed,
    // false alarms, and a category the export does not have
    Random rnd = new Random(27);
    List<Map<String, Object>> results = new ArrayList<>();
    for (JsonNode a : gt.get("annotations")) {
      if (rnd.nextDouble() < 0.15) {
        continue;
      }
      JsonNode b = a.get("bbox");
      int copies = rnd.nextDouble() < 0.1 ? 2 : 1;
      for (int c = 0; c < copies; c++) {
        results.add(result(a.get("image_id").asInt(), a.get("category_id").asInt(), new double[] {
            b.get(0).asDouble() + rnd.nextInt(13) - 6, b.get(1).asDouble() + rnd.nextInt(13) - 6,
            b.get(2).asDouble() + rnd.nextInt(13) - 6, b.get(3).asDouble() + rnd.nextInt(13) - 6},
            Math.round(rnd.nextDouble() * 100) / 100.0));
      }
    }
    for (int i = 0; i < 30; i++) {
      results.add(result(1 + rnd.nextInt(40), 1 + rnd.nextInt(3), new double[] {rnd.nextInt(400), rnd.nextInt(300), 20 + rnd.nextInt(90),
          20 + rnd.nextInt(90)}, Math.round(rnd.nextDouble() * 100) / 100.0));
    }
    Path file = tmp.resolve("results.json");
    Files.write(file, Json.MAPPER.writeValueAsBytes(results));

    Path out = tmp.resolve("eval");
    ChildProcess p = run("eval", "--data-dir", data.toString(), "--labels", "best", "--detections", file.toString(), "--json",
        "--out", out.toString());
    assertThat(p.exitCode()).as(p::output).isZero();
    JsonNode got = json(p);
    assertThat(got.get("frames").asInt()).isEqualTo(SampleStore.FRAMES);

    // the same figures from the exported annotations.json itself
    List<Integer> images = new ArrayList<>();
    gt.get("images").forEach(i -> images.add(i.get("id").asInt()));
    List<Integer> cats = new ArrayList<>();
    Map<Integer, String> names = new LinkedHashMap<>();
    gt.get("categories").forEach(c -> {
      cats.add(c.get("id").asInt());
      names.put(c.get("id").asInt(), c.get("name").asText());
    });
    List<CocoEval.Truth> truths = new ArrayList<>();
    for (JsonNode a : gt.get("annotations")) {
      JsonNode b = a.get("bbox");
      truths.add(new CocoEval.Truth(a.get("id").asInt(), a.get("image_id").asInt(), a.get("category_id").asInt(),
          new Box(b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble()), null,
          a.get("area").asDouble(), false));
    }
    List<CocoEval.Detected> dets = new ArrayList<>();
    int id = 0;
    for (Map<String, Object> r : results) {
      double[] b = (double[]) r.get("bbox");
      dets.add(new CocoEval.Detected(++id, (Integer) r.get("image_id"), (Integer) r.get("category_id"), new Box(b[0], b[1], b[2], b[3]),
          null, (Double) r.get("score"), b[2] * b[3]));
    }
    CocoEval.Result want = CocoEval.evaluate(images, cats, truths, dets, CocoEval.IouType.BBOX);
    assertThat(want.stats()[0]).as("a test of something: neither perfect nor nothing").isBetween(0.2, 0.95);
    for (int k = 0; k < CocoEval.NAMES.size(); k++) {
      assertThat(got.at("/bbox/" + CocoEval.NAMES.get(k)).asDouble()).as(CocoEval.NAMES.get(k))
          .isCloseTo(want.stats()[k], within(1e-6));
    }
    for (int k = 0; k < cats.size(); k++) {
      assertThat(got.at("/bbox/perClass/" + names.get(cats.get(k)) + "/AP").asDouble()).isCloseTo(want.ap(k), within(1e-6));
    }
    JsonNode details = Json.MAPPER.readTree(out.resolve("eval.json").toFile());
    assertThat(details.at("/confusion/names")).extracting(JsonNode::asText).containsExactly("car", "person", "background");
    assertThat(details.at("/precisionRecallIoU50/precision/person")).hasSize(101);
    assertThat(details.get("worstFrames")).isNotEmpty();

    ChildProcess text = run("eval", "--data-dir", data.toString(), "--labels", "best", "--detections", file.toString());
    assertThat(text.output()).contains("40 frames (best labels), 2 classes, bbox",
        "Average Precision (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = ",
        "confusion at IoU 0.50", "frames with the most mistakes");
  }

  private static Map<String, Object> result(int image, int category, double[] box, double score) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("image_id", image);
    r.put("category_id", category);
    r.put("bbox", new double[] {box[0], box[1], Math.max(1, box[2]), Math.max(1, box[3])});
    r.put("score", score);
    return r;
  }

  @Test
  void aModelIsRunWithTheAgentsEngineAndMistakesAreNamed() throws Exception {
    ChildProcess p = run("eval", "--data-dir", data.toString(), "--labels", "best", "--model",
        "src/test/resources/models/yolov8-detect.onnx", "--json");
    assertThat(p.exitCode()).as(p::output).isZero();
    JsonNode got = json(p);
    assertThat(got.get("frames").asInt()).isEqualTo(SampleStore.FRAMES);
    for (String k : CocoEval.NAMES) {
      assertThat(got.at("/bbox/" + k).asDouble()).as(k).isBetween(-1.0, 1.0);
    }

    // classification: the frames' whole-frame label (daytime, on 32 of 40) against the model's answer
    ChildProcess cls = run("eval", "--data-dir", data.toString(), "--labels", "best", "--iou-type", "classify", "--model",
        "src/test/resources/models/yolo-cls.onnx", "--json");
    assertThat(cls.exitCode()).as(cls::output).isZero();
    JsonNode c = json(cls);
    assertThat(c.at("/classify/frames").asInt()).isEqualTo(32);
    assertThat(c.at("/classify/top1").asDouble()).as("the model has no daytime class").isZero();
    assertThat(c.at("/classify/perClass/daytime/recall").asDouble()).isZero();
    ChildProcess noModel = run("eval", "--data-dir", data.toString(), "--iou-type", "semantic", "--detections", "x.json");
    assertThat(noModel.output()).contains("--iou-type semantic needs --model");

    ChildProcess none = run("eval", "--data-dir", data.toString(), "--detections", "x.json", "--model", "m.onnx");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.output()).contains("give --model PATH (run a model) or --detections RESULTS.json");
    ChildProcess unreviewed = run("eval", "--data-dir", data.toString(), "--model", "src/test/resources/models/yolov8-detect.onnx");
    assertThat(unreviewed.exitCode()).isEqualTo(2);
    assertThat(unreviewed.output()).contains("no frames to evaluate on (reviewed labels)", "--labels best");
    ChildProcess split = run("eval", "--data-dir", data.toString(), "--split", "test", "--detections", "x.json");
    assertThat(split.output()).contains("--split test needs --dataset");
    Path bad = Files.writeString(tmp.resolve("bad.json"), "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, \"x\", 4], \"score\": 0.5}]");
    ChildProcess badFile = run("eval", "--data-dir", data.toString(), "--labels", "best", "--detections", bad.toString());
    assertThat(badFile.exitCode()).isEqualTo(2);
    assertThat(badFile.output()).contains("--detections: result 1: bbox must be four finite numbers");
  }

  @Test
  void theRegistryKeepsModelsTheirEvaluationsAndWhichDevicesRunThem() throws Exception {
    Path model = Path.of("src/test/resources/models/yolov8-detect.onnx");
    ChildProcess add = run("models", "add", model.toString(), "--data-dir", data.toString(), "--name", "v8-small");
    assertThat(add.exitCode()).as(add::output).isZero();
    String sha = io.fieldcap.model.Sha256.file(model);
    assertThat(add.output()).contains("registered v8-small (" + sha.substring(0, 12) + "): yolov8");
    assertThat(data.resolve("models/" + sha + ".onnx")).hasSameBinaryContentAs(model);
    assertThat(run("models", "add", model.toString(), "--data-dir", data.toString()).output()).contains("registered already, as v8-small");
    try (io.fieldcap.store.LocalFrameStore st = io.fieldcap.store.LocalFrameStore.open(data)) {
      st.devices().update("cam-a", "online", "{\"model\": \"yolov8-detect.onnx\", \"modelSha256\": \"" + sha + "\"}",
          java.time.Instant.now());
    }
    ChildProcess e = run("eval", "--data-dir", data.toString(), "--labels", "best", "--model", model.toString(), "--json");
    assertThat(e.exitCode()).as(e::output).isZero();
    assertThat(e.output()).contains("kept with model v8-small");
    double ap = json(e).at("/bbox/AP").asDouble();
    JsonNode shown = Json.MAPPER.readTree(run("models", "show", sha.substring(0, 10), "--data-dir", data.toString(), "--json")
        .output().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
    assertThat(shown.get("name").asText()).isEqualTo("v8-small");
    assertThat(shown.get("runningOn")).extracting(JsonNode::asText).containsExactly("cam-a");
    assertThat(shown.get("evaluations")).singleElement().satisfies(x -> {
      assertThat(x.get("labels").asText()).isEqualTo("best");
      assertThat(x.get("frames").asInt()).isEqualTo(SampleStore.FRAMES);
      assertThat(x.at("/figures/AP").asDouble()).isEqualTo(ap);
    });
    assertThat(run("models", "list", "--data-dir", data.toString()).output()).contains("v8-small", sha.substring(0, 12), "cam-a");

    // the web app's Models page: the list, and the model's page with its curves, confusion matrix and worst frames
    java.nio.file.Path tokens = tmp.resolve("tokens");
    String viewer = io.fieldcap.web.Tokens.add(tokens, "vera", io.fieldcap.web.Tokens.Role.VIEWER);
    try (io.fieldcap.store.LocalFrameStore st = io.fieldcap.store.LocalFrameStore.open(data);
        io.fieldcap.web.WebApp app = new io.fieldcap.web.WebApp(st, new io.fieldcap.config.ServerConfig.Http("127.0.0.1", 0, tokens,
            null, null))) {
      String base = app.start();
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      String list = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/models"))
          .header("Authorization", "Bearer " + viewer).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      assertThat(list).contains(">v8-small</a>", sha.substring(0, 12), "cam-a", "best labels, 40 frames");
      String page = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/models/" + sha))
          .header("Authorization", "Bearer " + viewer).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      assertThat(page).contains("<svg", "Precision and recall at IoU 0.5", "Confusion at IoU 0.5", "<a href=\"/frames/cam-");
      assertThat(page.split("<script", -1)).as("no script but the app's own").hasSize(2);
      // each worst frame links to the frame page with this evaluation: the model's boxes drawn beside the labels
      java.util.regex.Matcher link = java.util.regex.Pattern.compile("href=\"/frames/([^/]+)/([^?]+)\\?eval=([0-9a-f-]{36})\"")
          .matcher(page);
      assertThat(link.find()).as(page).isTrue();
      JsonNode found = Json.MAPPER.readTree(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base
          + "/api/evaluations/" + link.group(3) + "/frames/" + link.group(1) + "/" + link.group(2)))
          .header("Authorization", "Bearer " + viewer).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
      assertThat(found.get("model").asText()).isEqualTo("v8-small");
      assertThat(found.get("falsePositives").asInt() + found.get("falseNegatives").asInt()).isPositive();
      assertThat(found.get("detections").size()).isEqualTo(found.get("detections").findValues("box").size());
      int notKept = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/evaluations/" + link.group(3)
          + "/frames/nobody/20260101T000000000Z-000000000001")).header("Authorization", "Bearer " + viewer).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
      assertThat(notKept).isEqualTo(404);
      ChildProcess browser = ChildProcess.start(List.of("/usr/bin/python3", "src/test/resources/readers/web_evaluated.py", base,
          viewer, sha, tmp.toString()));
      assertThat(browser.waitFor(java.time.Duration.ofSeconds(120))).as(browser::output).isZero();
      String printed = browser.output();
      JsonNode drawn = Json.MAPPER.readTree(printed.substring(printed.indexOf("{\"url\"")));
      assertThat(drawn.get("url").asText()).endsWith("?eval=" + link.group(3));
      assertThat(drawn.get("note").asText()).contains("v8-small on dataset", "false positives");
      assertThat(drawn.get("model")).as("the model's boxes, in image pixels, as the evaluation found them")
          .hasSize(found.get("detections").size());
      for (int i = 0; i < drawn.get("model").size(); i++) {
        JsonNode b = found.get("detections").get(i);
        JsonNode r = drawn.get("model").get(i);
        assertThat(r.get("label").asText()).isEqualTo(b.get("label").asText());
        assertThat(r.get("x").asDouble()).isEqualTo(b.at("/box/x").asDouble());
        assertThat(r.get("w").asDouble()).isEqualTo(b.at("/box/w").asDouble());
      }
      assertThat(drawn.get("reviewed")).as("the labels it was scored against, beside them").isNotEmpty();
    }
    ChildProcess none = run("models", "show", "nope", "--data-dir", data.toString());
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.output()).contains("no registered model named 'nope'");
  }
}
