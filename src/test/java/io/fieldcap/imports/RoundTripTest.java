package io.fieldcap.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldcap.export.ExportOptions;
import io.fieldcap.export.Exporter;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.protocol.Codec;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.StoredFrame;
import io.fieldcap.testing.SampleStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every format exported and read back by fieldcap's own importer: as corrections of the frames they
 * came from (matched by frame id), and as a dataset of a new source in an empty store. Boxes within
 * 0.5 px, classes and counts equal.
 */
class RoundTripTest {
  @TempDir Path tmp;

  private static void assertSame(List<Detection> want, List<Detection> got, String what) {
    List<Detection> boxes = got.stream().filter(d -> d.box() != null).toList();
    assertThat(boxes).as(what).hasSize(want.size());
    for (int i = 0; i < want.size(); i++) {
      Box w = want.get(i).box();
      Box g = boxes.get(i).box();
      assertThat(boxes.get(i).label()).as(what).isEqualTo(want.get(i).label());
      assertThat(g.x()).as(what + " x").isCloseTo(w.x(), offset(0.5));
      assertThat(g.y()).as(what + " y").isCloseTo(w.y(), offset(0.5));
      assertThat(g.x() + g.w()).as(what + " right").isCloseTo(w.x() + w.w(), offset(0.5));
      assertThat(g.y() + g.h()).as(what + " bottom").isCloseTo(w.y() + w.h(), offset(0.5));
      assertThat(boxes.get(i).score()).as("a reviewed label is a person's: score 1").isEqualTo(1.0);
    }
  }

  /** Label Studio's export carries annotations, not predictions: a reviewer who accepted every prediction. */
  private static void accept(Path tasks) throws Exception {
    ArrayNode all = (ArrayNode) Codec.JSON.readTree(tasks.toFile());
    int n = 0;
    for (var t : all) {
      ObjectNode task = (ObjectNode) t;
      task.put("id", ++n);
      ArrayNode result = Codec.JSON.createArrayNode();
      for (var p : task.path("predictions")) {
        result.addAll((ArrayNode) p.get("result"));
      }
      ObjectNode ann = Codec.JSON.createObjectNode();
      ann.put("id", n);
      ann.put("completed_by", 3);
      ann.put("was_cancelled", false);
      ann.set("result", result);
      task.set("annotations", Codec.JSON.createArrayNode().add(ann));
    }
    Files.write(tasks, Codec.JSON.writeValueAsBytes(all));
  }

  @ParameterizedTest
  @ValueSource(strings = {"coco", "yolo", "voc", "labelme", "labelstudio", "cvat"})
  void givenAnExport_thenFieldcapsImporterReadsBackEveryBoxAsACorrectionAndAsADataset(String format) throws Exception {
    Path data = tmp.resolve("data");
    Map<String, List<Detection>> expected = SampleStore.create(data);
    Path out = tmp.resolve("out");
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      Exporter.forFormat(format).export(st, out, ExportOptions.DEFAULT);
    }
    Path in = out;
    if (format.equals("labelstudio")) {
      accept(out.resolve("tasks.json"));
      in = out.resolve("tasks.json");
    }
    LabelReader reader = LabelReader.forFormat(format);
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      ImportReport r = new Importer(st, null, null, Clock.systemUTC()).run(reader, in);
      assertThat(r.problems()).isEmpty();
      assertThat(r.images()).isEqualTo(SampleStore.FRAMES);
      assertThat(r.revisions()).isEqualTo(SampleStore.FRAMES);
      List<StoredFrame> frames = new ArrayList<>();
      st.forEach(frames::add);
      for (StoredFrame f : frames) {
        String name = f.device() + "_" + f.frameId();
        assertThat(f.revision()).as(name).isEqualTo(1);
        assertSame(expected.get(name), f.reviewed().detections(), format + " " + name);
        assertThat(f.labels().model()).as("the pre-labels are kept").isEqualTo("yolo11n.onnx");
      }
      ImportReport again = new Importer(st, null, null, Clock.systemUTC()).run(reader, in);
      assertThat(again.revisions()).as("importing the same files again changes nothing").isZero();
      assertThat(again.unchanged()).isEqualTo(SampleStore.FRAMES);
    }
    if (format.equals("labelstudio") || format.equals("cvat")) {
      return; // tasks name images by URL, annotations.xml by name only: no dataset to import without the tool
    }
    Path fresh = tmp.resolve("fresh");
    try (LocalFrameStore st = LocalFrameStore.open(fresh)) {
      ImportReport r = new Importer(st, "public", null, Clock.systemUTC()).run(reader, in);
      assertThat(r.problems()).isEmpty();
      assertThat(r.newFrames()).isEqualTo(SampleStore.FRAMES);
      List<StoredFrame> frames = new ArrayList<>();
      st.forEach(frames::add);
      assertThat(frames).hasSize(SampleStore.FRAMES).allMatch(f -> f.device().equals("public") && f.labels() == null);
      for (StoredFrame f : frames) {
        String file = String.valueOf(f.meta().get("file")); // DEVICE_FRAME.jpg, or DEVICE/FRAME.jpg in COCO
        String original = file.replace('/', '_').replaceAll("\\.jpg$", "");
        assertSame(expected.get(original), f.reviewed().detections(), format + " dataset " + original);
        assertThat(Files.readAllBytes(f.image())).as("the image stored as it was")
            .isEqualTo(Files.readAllBytes(out.resolve(find(out, file.replaceAll("^.*/", "")))));
      }
      ImportReport again = new Importer(st, "public", null, Clock.systemUTC()).run(reader, in);
      assertThat(again.newFrames()).as("an image imported before is recognised by its bytes").isZero();
      assertThat(again.revisions()).isZero();
    }
  }

  private static Path find(Path root, String name) throws Exception {
    try (var s = Files.walk(root)) {
      return root.relativize(s.filter(p -> p.getFileName().toString().equals(name)).findFirst().orElseThrow());
    }
  }
}
