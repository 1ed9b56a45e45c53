package io.fieldcap.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.FrameId;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Sha256;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.NewFrame;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * The editor's speed in Chromium (scripts/bench-editor.py, Selenium on Debian's Chromium): a 1920x1080
 * frame with 300 reviewed boxes opened (time to labels drawn, and to the image loaded) and a box dragged
 * (time per pointer move, handler and layout); then a reviewer correcting 50 frames from the review
 * queue, each with a box 6 px off, a false box and a missed one: time and actions per frame.
 */
final class EditorBench {
  static final String DEVICE = "editor-bench";
  static final int QUEUED = 50;

  private EditorBench() {}

  private static byte[] jpeg(int w, int h, long seed) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    Random rnd = new Random(seed);
    g.setColor(new Color(80, 110, 70));
    g.fillRect(0, 0, w, h);
    for (int i = 0; i < 40; i++) {
      g.setColor(new Color(rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256)));
      g.fillRect(rnd.nextInt(w), rnd.nextInt(h), 20 + rnd.nextInt(w / 8), 20 + rnd.nextInt(h / 8));
    }
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "jpg", out);
    return out.toByteArray();
  }

  static Map<String, Object> run(LocalFrameStore store, String base, String token, Path script, Path work) throws Exception {
    Instant at = Instant.parse("2027-01-01T00:00:00Z");
    byte[] big = jpeg(1920, 1080, 1);
    String bigId = FrameId.of(at, 1).value();
    List<Detection> boxes = new ArrayList<>();
    Random rnd = new Random(300);
    for (int i = 0; i < 300; i++) {
      boxes.add(new Detection(i % 3 == 0 ? "crate" : i % 3 == 1 ? "drum" : "person", 1, new Box(rnd.nextInt(1800),
          rnd.nextInt(1000), 20 + rnd.nextInt(100), 20 + rnd.nextInt(80))));
    }
    store.commit(new NewFrame(DEVICE, bigId, 1, at, Sha256.hex(big), big.length, "image/jpeg", 1920, 1080, null, Map.of()), big, at);
    store.revisions().add(DEVICE, bigId, new LabelSet(null, boxes), "bench", "bench", "bench", at);
    // the queue's first 50 (least certain): a crate 6 px off, a false drum scored low, a person missed
    List<Map<String, Object>> truth = new ArrayList<>();
    for (int i = 0; i < QUEUED; i++) {
      Instant t = at.plusSeconds(60 + i);
      String id = FrameId.of(t, 100 + i).value();
      byte[] image = jpeg(640, 480, 100 + i);
      double x = 100 + 5 * i;
      double y = 120;
      store.commit(new NewFrame(DEVICE, id, 100 + i, t, Sha256.hex(image), image.length, "image/jpeg", 640, 480,
          new LabelSet("bench.onnx", List.of(new Detection("crate", 0.9, new Box(x + 6, y, 80, 60)),
              new Detection("drum", 0.2, new Box(400, 300, 50, 70)))), Map.of("keptBy", "bench")), image, t);
      truth.add(Map.of("device", DEVICE, "frameId", id, "crate", List.of(x, y, 80, 60), "person", List.of(450, 80, 60, 120)));
    }
    Path truthFile = work.resolve("editor-truth.json");
    Files.write(truthFile, Json.MAPPER.writeValueAsBytes(truth));
    Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), base, token, DEVICE, bigId, truthFile.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(script + " failed: " + out);
    }
    JsonNode r = Json.MAPPER.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
    Map<String, Object> m = new LinkedHashMap<>();
    r.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
    // what the reviewer's saves did: each queued frame's newest revision against the truth
    int right = 0;
    for (Map<String, Object> f : truth) {
      LabelSet l = store.frame(DEVICE, (String) f.get("frameId")).reviewed();
      if (l != null && l.detections().size() == 2 && l.detections().stream().anyMatch(d -> d.label().equals("crate")
          && near(d.box(), (List<?>) f.get("crate"))) && l.detections().stream().anyMatch(d -> d.label().equals("person")
          && near(d.box(), (List<?>) f.get("person")))) {
        right++;
      }
    }
    m.put("framesCorrectedToTheTruth", right);
    return m;
  }

  private static boolean near(Box b, List<?> want) {
    double[] w = want.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    return Math.abs(b.x() - w[0]) <= 1 && Math.abs(b.y() - w[1]) <= 1 && Math.abs(b.w() - w[2]) <= 1 && Math.abs(b.h() - w[3]) <= 1;
  }
}
