package io.fieldcap.bench;

import io.fieldcap.eval.CocoEval;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Time for COCO's box evaluation of {@code frames} frames with {@code objects} labelled objects each
 * (five classes, all three area ranges): detections as a fair model makes them (most objects found
 * with jitter, some twice, some missed, false alarms), as many as the labels and a few more. With a
 * folder, also writes the ground truth and detections as COCO files, so that pycocotools can be timed
 * on the same input.
 */
public final class EvalBench {
  private EvalBench() {}

  public static Map<String, Object> run(int frames, int objects, Path write) throws Exception {
    Random rnd = new Random(28);
    List<Integer> images = new ArrayList<>();
    List<CocoEval.Truth> truths = new ArrayList<>();
    List<CocoEval.Detected> dets = new ArrayList<>();
    int gid = 0;
    int did = 0;
    for (int img = 1; img <= frames; img++) {
      images.add(img);
      for (int o = 0; o < objects; o++) {
        double w = 8 + rnd.nextInt(rnd.nextBoolean() ? 30 : 200);
        double h = 8 + rnd.nextInt(rnd.nextBoolean() ? 30 : 150);
        Box b = new Box(rnd.nextInt(1280 - (int) w), rnd.nextInt(720 - (int) h), w, h);
        int cat = 1 + rnd.nextInt(5);
        truths.add(new CocoEval.Truth(++gid, img, cat, b, null, w * h, false));
        if (rnd.nextDouble() < 0.85) {
          for (int c = rnd.nextDouble() < 0.1 ? 2 : 1; c > 0; c--) {
            Box j = new Box(b.x() + rnd.nextGaussian() * 3, b.y() + rnd.nextGaussian() * 3, Math.max(1, w + rnd.nextGaussian() * 4),
                Math.max(1, h + rnd.nextGaussian() * 4));
            dets.add(new CocoEval.Detected(++did, img, rnd.nextDouble() < 0.95 ? cat : 1 + rnd.nextInt(5), j, null,
                Math.round(rnd.nextDouble() * 1000) / 1000.0, j.w() * j.h()));
          }
        }
      }
      for (int k = rnd.nextInt(4); k > 0; k--) {
        Box f = new Box(rnd.nextInt(1200), rnd.nextInt(650), 10 + rnd.nextInt(80), 10 + rnd.nextInt(70));
        dets.add(new CocoEval.Detected(++did, img, 1 + rnd.nextInt(5), f, null, Math.round(rnd.nextDouble() * 500) / 1000.0,
            f.w() * f.h()));
      }
    }
    if (write != null) {
      write(write, images, truths, dets);
    }
    List<Integer> cats = List.of(1, 2, 3, 4, 5);
    long t0 = System.nanoTime();
    CocoEval.Result r = CocoEval.evaluate(images, cats, truths, dets, CocoEval.IouType.BBOX);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("frames", frames);
    out.put("objects", truths.size());
    out.put("detections", dets.size());
    out.put("seconds", Math.round(seconds * 100) / 100.0);
    out.put("AP", Math.round(r.stats()[0] * 10000) / 10000.0);
    out.put("AP50", Math.round(r.stats()[1] * 10000) / 10000.0);
    return out;
  }

  private static void write(Path dir, List<Integer> images, List<CocoEval.Truth> truths, List<CocoEval.Detected> dets)
      throws Exception {
    Files.createDirectories(dir);
    List<Map<String, Object>> imgs = new ArrayList<>();
    for (int i : images) {
      imgs.add(Map.of("id", i, "width", 1280, "height", 720, "file_name", i + ".jpg"));
    }
    List<Map<String, Object>> anns = new ArrayList<>();
    for (CocoEval.Truth t : truths) {
      anns.add(Map.of("id", t.id(), "image_id", t.image(), "category_id", t.category(), "area", t.area(), "iscrowd", 0,
          "bbox", List.of(t.box().x(), t.box().y(), t.box().w(), t.box().h())));
    }
    List<Map<String, Object>> cats = new ArrayList<>();
    for (int c = 1; c <= 5; c++) {
      cats.add(Map.of("id", c, "name", "class" + c));
    }
    Files.write(dir.resolve("gt.json"), Json.MAPPER.writeValueAsBytes(Map.of("images", imgs, "annotations", anns, "categories", cats)));
    List<Map<String, Object>> res = new ArrayList<>();
    for (CocoEval.Detected d : dets) {
      res.add(Map.of("image_id", d.image(), "category_id", d.category(), "score", d.score(),
          "bbox", List.of(d.box().x(), d.box().y(), d.box().w(), d.box().h())));
    }
    Files.write(dir.resolve("dt.json"), Json.MAPPER.writeValueAsBytes(res));
  }
}
