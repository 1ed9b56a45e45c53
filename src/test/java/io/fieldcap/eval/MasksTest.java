package io.fieldcap.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** Polygons rasterised pixel for pixel as pycocotools does (make_polygons.py), and IoU of masks. */
class MasksTest {
  private static boolean[] pixels(int[] runs, int n) {
    boolean[] p = new boolean[n];
    int at = 0;
    for (int i = 0; i < runs.length; i++) {
      for (int k = 0; k < runs[i]; k++) {
        p[at++] = i % 2 == 1;
      }
    }
    assertThat(at).as("the runs cover the image").isEqualTo(n);
    return p;
  }

  @Test
  void everyPolygonIsRasterisedAsPycocotoolsDoes() throws Exception {
    JsonNode all;
    try (InputStream in = MasksTest.class.getResourceAsStream("/eval/polygons.json")) {
      all = Json.MAPPER.readTree(in);
    }
    assertThat(all).hasSize(300);
    int nonEmpty = 0;
    for (JsonNode c : all) {
      int h = c.get("h").asInt();
      int w = c.get("w").asInt();
      double[] xy = new double[c.get("polygon").size()];
      for (int i = 0; i < xy.length; i++) {
        xy[i] = c.get("polygon").get(i).asDouble();
      }
      int[] want = new int[c.get("runs").size()];
      for (int i = 0; i < want.length; i++) {
        want[i] = c.get("runs").get(i).asInt();
      }
      int[] got = Masks.fromPolygon(xy, h, w);
      assertThat(pixels(got, h * w)).as("polygon %s", c.get("polygon")).isEqualTo(pixels(want, h * w));
      assertThat(Masks.area(got)).isEqualTo(c.get("area").asLong());
      nonEmpty += Masks.area(got) > 0 ? 1 : 0;
    }
    assertThat(nonEmpty).isGreaterThan(250);
  }

  @Test
  void iouOfMasksIsIntersectionOverUnionAndOverTheDetectionForACrowd() {
    // 4x4 image, column by column: a = first two columns, b = second and third
    int[] a = {0, 8, 8};
    int[] b = {4, 8, 4};
    assertThat(Masks.iou(a, b, false)).isEqualTo(4.0 / 12);
    assertThat(Masks.iou(a, b, true)).isEqualTo(4.0 / 8);
    assertThat(Masks.iou(a, new int[] {8, 8}, false)).as("no shared pixel").isZero();
    assertThat(Masks.iou(a, a, false)).isEqualTo(1.0);
  }
}
