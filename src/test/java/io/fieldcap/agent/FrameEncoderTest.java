package io.fieldcap.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.config.JpegEncoderKind;
import io.fieldcap.image.JpegEncoder;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.Fix;
import io.fieldcap.model.Frame;
import io.fieldcap.model.LabelSet;
import io.fieldcap.spool.SpoolEntry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameEncoderTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  @Test
  void labelsAndMetadataAreEncodedOnceIntoTheEntryWithTheRuleThatKeptTheFrame() throws Exception {
    LabelSet labels = new LabelSet("m.onnx", List.of(new Detection("person", 0.9, new Box(1, 2, 3, 4), null, null)), "abc");
    Frame f = new Frame(42, T0, 16, 8, new byte[16 * 8 * 3], null).at(new Fix(47.5, 8.25, 410, T0));
    try (FrameEncoder e = new FrameEncoder(JpegEncoder.open(JpegEncoderKind.AUTO), 80, false, Map.of("site", "north"))) {
      SpoolEntry entry = e.encode(new Kept(f, labels, "people", 7, false));
      assertThat(entry.seq()).isEqualTo(42);
      assertThat(entry.reason()).isEqualTo("people");
      assertThat(entry.priority()).isEqualTo(7);
      assertThat(Json.MAPPER.readValue(entry.labels(), LabelSet.class)).isEqualTo(labels);
      JsonNode meta = Json.MAPPER.readTree(entry.meta());
      assertThat(meta.path("gps").path("lat").asDouble()).isEqualTo(47.5);
      assertThat(meta.path("tags").path("site").asText()).isEqualTo("north");
      assertThat(entry.jpeg()[0] & 0xff).isEqualTo(0xff);
      assertThat(entry.jpeg()[1] & 0xff).isEqualTo(0xd8);
    }
  }

  @Test
  void aFrameWithoutLabelsPositionOrTagsHasNeither() throws Exception {
    Frame f = new Frame(1, T0, 16, 8, new byte[16 * 8 * 3], null);
    try (FrameEncoder e = new FrameEncoder(JpegEncoder.open(JpegEncoderKind.AUTO), 80, false, Map.of())) {
      SpoolEntry entry = e.encode(new Kept(f, null, "all", 0, false));
      assertThat(entry.labels()).isNull();
      assertThat(entry.meta()).isNull();
    }
  }
}
