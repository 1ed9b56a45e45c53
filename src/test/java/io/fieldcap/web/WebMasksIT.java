package io.fieldcap.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.ingest.Manifests;
import io.fieldcap.json.Json;
import io.fieldcap.model.Detection;
import io.fieldcap.model.FrameId;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Rle;
import io.fieldcap.model.Sha256;
import io.fieldcap.protocol.Manifest;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.Mosquitto;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web app draws a frame's semantic masks where they are: a frame with a water rectangle, a road
 * disc and a background class, served by the packaged jar and opened in headless Chromium; the
 * overlays the page made from the COCO RLE are read back in the browser and probed inside and
 * outside each region. The background is not drawn.
 */
class WebMasksIT {
  @TempDir Path tmp;

  private static boolean water(int x, int y) {
    return x >= 100 && x < 300 && y >= 50 && y < 200;
  }

  private static boolean road(int x, int y) {
    return (x - 380) * (x - 380) + (y - 330) * (y - 330) <= 70 * 70;
  }

  @Test
  void givenAFrameWithSemanticMasks_thenTheFramePageDrawsEachClassWhereItsMaskIs() throws Exception {
    int w = 512;
    int h = 480;
    byte[] waterBits = new byte[w * h];
    byte[] roadBits = new byte[w * h];
    byte[] background = new byte[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        waterBits[y * w + x] = (byte) (water(x, y) ? 1 : 0);
        roadBits[y * w + x] = (byte) (road(x, y) ? 1 : 0);
        background[y * w + x] = (byte) (water(x, y) || road(x, y) ? 0 : 1);
      }
    }
    List<Detection> labels = new ArrayList<>();
    for (Object[] c : new Object[][] {{"background", background}, {"road", roadBits}, {"water", waterBits}}) {
      Rle rle = Rle.fromRowMajor(h, w, (byte[]) c[1]);
      labels.add(new Detection((String) c[0], 0.9, rle.box(), null, rle));
    }
    Path data = tmp.resolve("data");
    byte[] jpeg = Files.readAllBytes(TestMedia.samples().resolve("fruits.jpg"));
    Instant at = Instant.parse("2026-11-29T10:00:00Z");
    String id = FrameId.of(at, 1).value();
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      st.commit(Manifests.frame(new Manifest(1, id, "cam-seg", at, 1, Sha256.hex(jpeg), jpeg.length, 1 << 20, 1, "image/jpeg", w, h,
          new LabelSet("seg.onnx", labels), null)), jpeg, at);
    }
    Path tokens = tmp.resolve("tokens");
    String viewer = ChildProcess.fieldcapRun("tokens", "add", "--file", tokens.toString(), "--name", "vera", "--role", "viewer")
        .output().lines().filter(l -> l.startsWith("fc_")).findFirst().orElseThrow();
    int port = TestMedia.freePort();
    // probes: inside water, inside road, and outside both (the background)
    int[][] probes = {{150, 100}, {290, 190}, {380, 330}, {420, 360}, {50, 30}, {350, 100}, {450, 450}, {20, 400}};
    try (Mosquitto broker = Mosquitto.plain(tmp.resolve("mosquitto")).start();
        ChildProcess server = ChildProcess.fieldcap("server", "--broker", broker.uri(), "--data-dir", data.toString(),
            "--http", "127.0.0.1:" + port, "--tokens-file", tokens.toString())) {
      assertThat(server.waitForLine(l -> l.contains("web: serving"), Duration.ofSeconds(30))).as(server::output).isTrue();
      List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "src/test/resources/readers/web_masks.py",
          "http://127.0.0.1:" + port, viewer, "cam-seg", id, tmp.toString()));
      for (int[] p : probes) {
        cmd.add(p[0] + "," + p[1]);
      }
      ChildProcess browser = ChildProcess.start(cmd);
      assertThat(browser.waitFor(Duration.ofSeconds(120))).as(browser::output).isZero();
      String out = browser.output();
      JsonNode r = Json.MAPPER.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
      JsonNode masks = r.get("masks");
      assertThat(masks).as("road and water drawn, the background not\n%s", out).hasSize(2);
      assertThat(r.get("labels").toString()).contains("road", "water").doesNotContain("background");
      int matched = 0;
      for (JsonNode m : masks) {
        assertThat(m.has("error")).as(m.toString()).isFalse();
        assertThat(m.get("width").asInt()).isEqualTo(w);
        assertThat(m.get("height").asInt()).isEqualTo(h);
        boolean isWater = m.get("alpha").get(0).asInt() > 0;
        for (int i = 0; i < probes.length; i++) {
          boolean inside = isWater ? water(probes[i][0], probes[i][1]) : road(probes[i][0], probes[i][1]);
          assertThat(m.get("alpha").get(i).asInt() > 0).as("%s mask at %d,%d", isWater ? "water" : "road", probes[i][0],
              probes[i][1]).isEqualTo(inside);
        }
        matched += isWater ? 1 : 2;
      }
      assertThat(matched).as("one water mask and one road mask").isEqualTo(3);
      assertThat(masks.get(0).get("rgb").toString()).as("each class in its own colour").isNotEqualTo(masks.get(1).get("rgb").toString());
      assertThat(Files.size(tmp.resolve("masks.png"))).isGreaterThan(10_000);
    }
  }
}
