package io.fieldcap.dataset.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import io.fieldcap.model.Detection;
import io.fieldcap.model.Rle;
import io.fieldcap.model.RleTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Corrected semantic masks back in from COCO: RLE in both of COCO's forms, and what is wrong with bad ones. */
class CocoMaskImportTest {
  private static final Map<Long, String> CATEGORIES = Map.of(1L, "road");

  private static Annotated read(String segmentation) throws Exception {
    JsonNode img = Json.MAPPER.readTree("{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": 4, \"height\": 3}");
    JsonNode ann = Json.MAPPER.readTree("{\"id\": 7, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 0, 2, 3], "
        + "\"iscrowd\": 0, \"segmentation\": " + segmentation + "}");
    return CocoReader.image(Path.of("/nonexistent/annotations.json"), "annotations.json", img, List.of(ann), CATEGORIES);
  }

  @Test
  void givenCompressedOrListCounts_thenTheMaskComesInAsItWas() throws Exception {
    // 3x4, column-major: 0 0 0 | 1 1 0 | 0 0 1 | 0 0 0 (see RleTest)
    for (String seg : List.of("{\"size\": [3, 4], \"counts\": \"323O0\"}", "{\"size\": [3, 4], \"counts\": [3, 2, 3, 1, 3]}")) {
      Annotated a = read(seg);
      assertThat(a.errors()).as(seg).isEmpty();
      Detection d = a.labels().get(0);
      assertThat(d.label()).isEqualTo("road");
      assertThat(d.mask().counts()).isEqualTo("323O0");
      byte[] want = new byte[12];
      want[1] = 1;
      want[5] = 1;
      want[10] = 1;
      assertThat(RleTest.decodeCoco(3, 4, d.mask().counts())).isEqualTo(want);
      assertThat(d.mask()).isEqualTo(new Rle(List.of(3, 4), "323O0"));
    }
  }

  @Test
  void givenBadMasks_thenEachIsNamedWithWhatIsWrong() throws Exception {
    assertThat(read("{\"size\": [6, 8], \"counts\": \"323O0\"}").errors())
        .containsExactly("annotation 7 ('road') has a bad RLE segmentation: it is 8x6 but the image is 4x3");
    assertThat(read("{\"size\": [3, 4], \"counts\": [3, 2]}").errors())
        .containsExactly("annotation 7 ('road') has a bad RLE segmentation: its runs add up to 5 pixels, not 3x4");
    assertThat(read("{\"size\": [3, 4], \"counts\": \"3~\"}").errors().get(0)).contains("outside '0'..'o'");
    assertThat(read("{\"size\": [3, 4]}").errors().get(0)).contains("counts must be a string or a list of runs");
  }
}
