package io.fieldcap.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Rle;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * fieldcap's COCO evaluation against pycocotools' figures on awkward cases (src/test/resources/eval,
 * made by make_reference.py with pycocotools built from cocodataset/cocoapi): images without
 * detections or without ground truth, a class without ground truth, duplicate detections, clusters of
 * overlaps, all three area ranges, over 100 detections in an image, crowd regions, tied scores.
 */
class CocoEvalTest {
  private static JsonNode read(String name) throws Exception {
    try (InputStream in = CocoEvalTest.class.getResourceAsStream("/eval/" + name)) {
      return Json.MAPPER.readTree(in);
    }
  }

  private static Box box(JsonNode b) {
    return new Box(b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble());
  }

  private static Rle rle(JsonNode s) {
    return new Rle(List.of(s.at("/size/0").asInt(), s.at("/size/1").asInt()), s.get("counts").asText());
  }

  @ParameterizedTest
  @EnumSource(CocoEval.IouType.class)
  void everyFigureEqualsPycocotools(CocoEval.IouType type) throws Exception {
    JsonNode gt = read("gt.json");
    JsonNode dt = read(type == CocoEval.IouType.BBOX ? "dt_bbox.json" : "dt_segm.json");
    JsonNode expected = read("expected.json").get(type.name().toLowerCase());
    List<Integer> images = new ArrayList<>();
    gt.get("images").forEach(i -> images.add(i.get("id").asInt()));
    List<Integer> categories = new ArrayList<>();
    gt.get("categories").forEach(c -> categories.add(c.get("id").asInt()));
    List<CocoEval.Truth> truths = new ArrayList<>();
    for (JsonNode a : gt.get("annotations")) {
      truths.add(new CocoEval.Truth(a.get("id").asInt(), a.get("image_id").asInt(), a.get("category_id").asInt(), box(a.get("bbox")),
          rle(a.get("segmentation")), a.get("area").asDouble(), a.get("iscrowd").asInt() == 1));
    }
    List<CocoEval.Detected> detections = new ArrayList<>();
    int id = 0;
    for (JsonNode d : dt) { // as loadRes: ids in file order, the area of the box, or of the mask when there is no box
      id++;
      if (d.has("bbox")) {
        Box b = box(d.get("bbox"));
        detections.add(new CocoEval.Detected(id, d.get("image_id").asInt(), d.get("category_id").asInt(), b, null,
            d.get("score").asDouble(), b.w() * b.h()));
      } else {
        Rle m = rle(d.get("segmentation"));
        detections.add(new CocoEval.Detected(id, d.get("image_id").asInt(), d.get("category_id").asInt(), null, m,
            d.get("score").asDouble(), Masks.area(m.runs())));
      }
    }
    CocoEval.Result r = CocoEval.evaluate(images, categories, truths, detections, type);
    Map<String, Double> got = r.summary();
    for (String name : CocoEval.NAMES) {
      assertThat(got.get(name)).as(type + " " + name).isCloseTo(expected.at("/stats/" + name).asDouble(), within(1e-4));
    }
    for (int k = 0; k < r.categories().length; k++) {
      JsonNode per = expected.at("/perClass/" + r.categories()[k]);
      assertThat(r.ap(k)).as(type + " AP of class " + r.categories()[k]).isCloseTo(per.get("AP").asDouble(), within(1e-4));
      assertThat(r.ap50(k)).as(type + " AP50 of class " + r.categories()[k]).isCloseTo(per.get("AP50").asDouble(), within(1e-4));
    }
    // the awkward cases are in the data: a class without ground truth is -1, as the reference has it
    assertThat(r.ap(3)).as("dog: detections, no ground truth").isEqualTo(-1);
    assertThat(r.ap(4)).as("kite: nothing at all").isEqualTo(-1);
  }
}
