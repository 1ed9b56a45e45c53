package io.fieldcap.dataset.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.Rle;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Corrected masks back in from Label Studio: brushlabels become masks, broken ones are named. */
class BrushImportTest {
  private static Annotated parse(String rle, int w, int h) throws Exception {
    JsonNode task = Json.MAPPER.readTree("{\"id\": 5, \"data\": {\"image\": \"/x/cam_f.jpg\", \"frame_id\": \"f\"}}");
    JsonNode ann = Json.MAPPER.readTree("{\"result\": [{\"id\": \"a\", \"type\": \"brushlabels\", \"from_name\": \"mask\","
        + " \"to_name\": \"image\", \"original_width\": " + w + ", \"original_height\": " + h + ", \"value\": {\"format\": \"rle\","
        + " \"rle\": " + rle + ", \"brushlabels\": [\"weed\"]}}]}");
    return LabelStudioReader.parse("tasks.json", task, ann);
  }

  @Test
  void givenABrush_thenItIsTheMaskItPaints() throws Exception {
    byte[] m = new byte[6 * 4];
    m[1 * 6 + 2] = 1;
    m[1 * 6 + 3] = 1;
    m[2 * 6 + 3] = 1;
    Rle mask = Rle.fromRowMajor(4, 6, m);
    Annotated a = parse(Arrays.toString(BrushRle.encode(mask)), 6, 4);
    assertThat(a.errors()).isEmpty();
    Detection d = a.labels().get(0);
    assertThat(d.label()).isEqualTo("weed");
    assertThat(d.mask()).isEqualTo(mask);
    assertThat(d.box()).isEqualTo(new Box(2, 1, 2, 2));
  }

  @Test
  void givenABrushOfAnotherSize_thenTheResultIsNamed() throws Exception {
    int[] rle = BrushRle.encode(Rle.fromRowMajor(1, 1, new byte[] {1}));
    assertThat(parse(Arrays.toString(rle), 6, 4).errors())
        .containsExactly("result 1 ('weed') is a brush that cannot be read: it holds 4 values, not 4 per pixel of 6x4");
  }
}
