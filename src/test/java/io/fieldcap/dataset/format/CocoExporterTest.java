package io.fieldcap.dataset.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.ingest.Manifests;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Sha256;
import io.fieldcap.protocol.Manifest;
import io.fieldcap.store.LocalFrameStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoExporterTest {
  @TempDir Path tmp;

  private static Manifest manifest(String device, String id, byte[] img, LabelSet labels) {
    return new Manifest(1, id, device, Instant.parse("2026-11-29T10:00:00Z"), 1, Sha256.hex(img), img.length, 65536, 1,
        "image/jpeg", 640, 480, labels, null);
  }

  @Test
  void preLabelsBecomeScoredAnnotationsWithCategoriesInNameOrder() throws Exception {
    byte[] a = {1, 2, 3};
    byte[] b = {4, 5, 6};
    try (LocalFrameStore store = LocalFrameStore.open(tmp.resolve("data"))) {
      store.commit(Manifests.frame(manifest("cam-1", "20261129T100000000Z-000000000001", a, new LabelSet("yolo11n", List.of(
          new Detection("person", 0.91, new Box(10, 20, 30, 40)),
          new Detection("dog", 0.5, new Box(0, 0, 5, 5), List.of(0.0, 0.0, 4.0, 0.0, 4.0, 4.0, 0.0, 4.0)))))),
          a, Instant.now());
      store.commit(Manifests.frame(manifest("cam-2", "20261129T100000000Z-000000000002", b, new LabelSet("cls", List.of(
          new Detection("daytime", 0.8, null))))), b, Instant.now());
      assertThat(store.commit(Manifests.frame(manifest("cam-2", "20261129T100000000Z-000000000002", b, null)), b, Instant.now()))
          .isEqualTo(io.fieldcap.store.FrameStore.Outcome.DUPLICATE);
      Exporter.Result r = DatasetFormat.writer("COCO").export(store, tmp.resolve("out"));
      assertThat(r.images()).isEqualTo(2);
      assertThat(r.annotations()).isEqualTo(2);
    }
    JsonNode coco = Json.MAPPER.readTree(tmp.resolve("out/annotations.json").toFile());
    assertThat(coco.get("categories").get(0).get("name").asText()).isEqualTo("dog");
    assertThat(coco.get("categories").get(1).get("name").asText()).isEqualTo("person");
    JsonNode person = coco.get("annotations").get(0);
    assertThat(person.get("category_id").asInt()).isEqualTo(2);
    assertThat(person.get("bbox").toString()).isEqualTo("[10.0,20.0,30.0,40.0]");
    assertThat(person.get("area").asDouble()).isEqualTo(1200.0);
    assertThat(person.get("score").asDouble()).isEqualTo(0.91);
    assertThat(person.has("segmentation")).isFalse();
    JsonNode dog = coco.get("annotations").get(1);
    assertThat(dog.get("segmentation").toString()).isEqualTo("[[0.0,0.0,4.0,0.0,4.0,4.0,0.0,4.0]]");
    assertThat(dog.get("area").asDouble()).isEqualTo(16.0);
    JsonNode img2 = coco.get("images").get(1);
    assertThat(img2.get("file_name").asText()).isEqualTo("cam-2/20261129T100000000Z-000000000002.jpg");
    assertThat(img2.get("labels").get(0).get("class").asText()).isEqualTo("daytime");
    assertThat(Files.readAllBytes(tmp.resolve("out/images/cam-2/20261129T100000000Z-000000000002.jpg"))).isEqualTo(b);
  }

  @Test
  void anUnknownFormatNamesTheKnownOnes() {
    assertThatThrownBy(() -> DatasetFormat.writer("tfrecord")).hasMessage("unknown export format 'tfrecord'; known formats: [coco, yolo, voc, labelme, labelstudio, cvat, cvat-video, mot]");
    assertThat(DatasetFormat.writer("VOC").format()).isEqualTo("voc");
  }
}
