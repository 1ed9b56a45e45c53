package io.fieldcap.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.DeviceId;
import io.fieldcap.model.FrameId;
import io.fieldcap.model.LabelSet;
import io.fieldcap.protocol.Codec;
import io.fieldcap.protocol.Manifest;
import io.fieldcap.spool.PendingFrame;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OfferTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
  private static final String SHA = "a".repeat(64);
  private static final LabelSet LABELS = new LabelSet("m.onnx",
      List.of(new Detection("person", 0.9, new Box(1, 2, 3, 4), null, null)), "abc");

  private static PendingFrame pending(String labels, String reason, String meta) {
    return new PendingFrame(FrameId.of(T0, 7), 7, T0, 640, 480, Path.of("f.jpg"), 5000, SHA, labels, 3, reason, meta);
  }

  @Test
  void theSpooledLabelsAndMetadataGoOutAsTheyAreAndTheServerReadsThemBack() throws Exception {
    String labels = new String(Json.encode(LABELS), StandardCharsets.UTF_8);
    Offer o = Offer.of(new DeviceId("cam"), pending(labels, "people", "{\"gps\":{\"lat\":47.5,\"lon\":8.25},\"tags\":{\"a\":\"b\"}}"),
        64 * 1024);
    assertThat(o.labelsTail()).isNull();
    assertThat(new String(o.manifest(), StandardCharsets.UTF_8)).contains(labels);
    Manifest m = Codec.manifest(o.manifest());
    assertThat(m.labels()).isEqualTo(LABELS);
    assertThat(m.meta()).containsEntry("keptBy", "people").containsEntry("priority", 3)
        .containsEntry("tags", Map.of("a", "b"));
    assertThat(m.meta()).containsKey("gps");
    assertThat(m.meta().keySet()).startsWith("keptBy", "priority");
    assertThat(m.frameId()).isEqualTo(FrameId.of(T0, 7).value());
    assertThat(m.chunks()).isEqualTo(1);
  }

  @Test
  void labelsLargerThanHalfAChunkTravelAfterTheImage() throws Exception {
    String labels = new String(Json.encode(LABELS), StandardCharsets.UTF_8);
    int chunk = labels.length(); // the labels are more than half of it
    Offer o = Offer.of(new DeviceId("cam"), pending(labels, null, null), chunk);
    assertThat(o.labelsTail()).isEqualTo(labels.getBytes(StandardCharsets.UTF_8));
    Manifest m = Codec.manifest(o.manifest());
    assertThat(m.labels()).isNull();
    assertThat(m.meta()).isNull();
    assertThat(m.labelsBytes()).isEqualTo(labels.length());
    assertThat(m.chunks()).isEqualTo(Manifest.chunkCount(5000 + labels.length(), chunk));
  }

  @Test
  void metadataThatIsNotAnObjectIsLeftOutAndTheFrameStillGoes() throws Exception {
    Manifest m = Codec.manifest(Offer.of(new DeviceId("cam"), pending(null, "all", "not json"), 64 * 1024).manifest());
    assertThat(m.meta()).isEqualTo(Map.of("keptBy", "all", "priority", 3));
    Manifest bare = Codec.manifest(Offer.of(new DeviceId("cam"), pending("[1]", null, "{}"), 64 * 1024).manifest());
    assertThat(bare.labels()).isNull();
    assertThat(bare.meta()).isEmpty();
  }
}
