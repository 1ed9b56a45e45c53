package io.fieldcap.dataset.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldcap.dataset.ExportOptions;
import io.fieldcap.dataset.imports.Importer;
import io.fieldcap.ingest.Manifests;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
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
    ArrayNode all = (ArrayNode) Json.MAPPER.readTree(tasks.toFile());
    int n = 0;
    for (var t : all) {
      ObjectNode task = (ObjectNode) t;
      task.put("id", ++n);
      ArrayNode result = Json.MAPPER.createArrayNode();
      for (var p : task.path("predictions")) {
        result.addAll((ArrayNode) p.get("result"));
      }
      ObjectNode ann = Json.MAPPER.createObjectNode();
      ann.put("id", n);
      ann.put("completed_by", 3);
      ann.put("was_cancelled", false);
      ann.set("result", result);
      task.set("annotations", Json.MAPPER.createArrayNode().add(ann));
    }
    Files.write(tasks, Json.MAPPER.writeValueAsBytes(all));
  }

  @ParameterizedTest
  @ValueSource(strings = {"coco", "yolo", "voc", "labelme", "labelstudio", "cvat", "cvat-video", "mot"})
  void givenAnExport_thenFieldcapsImporterReadsBackEveryBoxAsACorrectionAndAsADataset(String format) throws Exception {
    Path data = tmp.resolve("data");
    Map<String, List<Detection>> expected = SampleStore.create(data);
    Path out = tmp.resolve("out");
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      DatasetFormat.writer(format).export(st, out, ExportOptions.DEFAULT);
    }
    Path in = out;
    if (format.equals("labelstudio")) {
      accept(out.resolve("tasks.json"));
      in = out.resolve("tasks.json");
    }
    LabelReader reader = DatasetFormat.reader(format);
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      ImportReport r = new Importer(st, null, null, Clock.systemUTC(), true).run(reader, in);
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
      ImportReport again = new Importer(st, null, null, Clock.systemUTC(), true).run(reader, in);
      assertThat(again.revisions()).as("importing the same files again changes nothing").isZero();
      assertThat(again.unchanged()).isEqualTo(SampleStore.FRAMES);
    }
    if (format.equals("labelstudio") || format.equals("cvat") || format.equals("cvat-video") || format.equals("mot")) {
      return; // tasks name images by URL, annotations.xml by name only, MOT by number: checked as corrections only
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
        assertThat(Files.readAllBytes(f.image().fetch())).as("the image stored as it was")
            .isEqualTo(Files.readAllBytes(out.resolve(find(out, file.replaceAll("^.*/", "")))));
      }
      ImportReport again = new Importer(st, "public", null, Clock.systemUTC()).run(reader, in);
      assertThat(again.newFrames()).as("an image imported before is recognised by its bytes").isZero();
      assertThat(again.revisions()).isZero();
    }
  }

  /**
   * The probe (issue 27): a class named {@code car]]>} made CVAT's annotations.xml invalid, and fieldcap's
   * own CVAT import failed on it. Class names with every markup character (and beyond the BMP) come back
   * from each format as they went in.
   */
  @ParameterizedTest
  @ValueSource(strings = {"coco", "yolo", "voc", "labelme", "labelstudio", "cvat"})
  void givenClassNamesWithMarkupCharacters_thenEachFormatWritesAValidFileAndReadsThemBack(String format) throws Exception {
    Path data = tmp.resolve("data");
    byte[] jpeg = Files.readAllBytes(io.fieldcap.testing.TestMedia.samples().resolve("fruits.jpg")); // 512x480
    List<String> names = List.of("car]]>", "a<b&\"c'", "Fußgänger 🚶");
    List<Detection> labels = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      labels.add(new Detection(names.get(i), 0.9, new Box(10 + 100 * i, 20, 50, 60)));
    }
    String id = "20261129T100000000Z-000000000001";
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      st.commit(new io.fieldcap.store.NewFrame("cam-a", id, 1, java.time.Instant.parse("2026-11-29T10:00:00Z"),
          io.fieldcap.model.Sha256.hex(jpeg), jpeg.length, "image/jpeg", 512, 480,
          new io.fieldcap.model.LabelSet("m.onnx", labels), Map.of()), jpeg, java.time.Instant.now());
      DatasetFormat.writer(format).export(st, tmp.resolve("out"), ExportOptions.DEFAULT);
    }
    Path in = tmp.resolve("out");
    if (format.equals("labelstudio")) {
      accept(in.resolve("tasks.json"));
      in = in.resolve("tasks.json");
    }
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      ImportReport r = new Importer(st, null, null, Clock.systemUTC(), true).run(DatasetFormat.reader(format), in);
      assertThat(r.problems()).as(format).isEmpty();
      assertThat(st.frame("cam-a", id).reviewed().detections()).extracting(Detection::label)
          .containsExactlyInAnyOrderElementsOf(names);
    }
  }

  private static Path find(Path root, String name) throws Exception {
    try (var s = Files.walk(root)) {
      return root.relativize(s.filter(p -> p.getFileName().toString().equals(name)).findFirst().orElseThrow());
    }
  }

  /** A class map on fruits.jpg (512x480): road in two regions (a rectangle and a disc), water a triangle, background the rest. */
  private static Map<String, byte[]> classMap(int shift) {
    int w = 512;
    int h = 480;
    byte[] road = new byte[w * h];
    byte[] water = new byte[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        int dx = x - 380;
        int dy = y - 120;
        if (x >= 20 + shift && x < 200 && y >= 300 && y < 460 || dx * dx + dy * dy <= 60 * 60) {
          road[i] = 1;
        } else if (y >= 40 && y < 240 && x >= 40 && x - 40 <= (y - 40) * 0.8) {
          water[i] = 1;
        }
      }
    }
    byte[] background = new byte[w * h];
    for (int i = 0; i < background.length; i++) {
      background[i] = (byte) (road[i] == 0 && water[i] == 0 ? 1 : 0);
    }
    Map<String, byte[]> m = new java.util.LinkedHashMap<>();
    m.put("background", background);
    m.put("road", road);
    m.put("water", water);
    return m;
  }

  @ParameterizedTest
  @ValueSource(strings = {"coco", "voc", "labelstudio", "labelme", "cvat", "yolo"})
  void givenSemanticMasks_thenEachFormatBringsTheCorrectionsBackAsOneMaskPerClass(String format) throws Exception {
    Path data = tmp.resolve("data");
    byte[] photo = Files.readAllBytes(io.fieldcap.testing.TestMedia.samples().resolve("fruits.jpg"));
    Map<String, Map<String, byte[]>> want = new java.util.HashMap<>();
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      for (int i = 0; i < 3; i++) {
        java.time.Instant at = SampleStore.T0.plusSeconds(60L * i);
        String id = io.fieldcap.model.FrameId.of(at, i).value();
        Map<String, byte[]> classes = classMap(10 * i);
        List<Detection> d = new ArrayList<>();
        classes.forEach((name, bits) -> {
          io.fieldcap.model.Rle rle = io.fieldcap.model.Rle.fromRowMajor(480, 512, bits);
          d.add(new Detection(name, 0.8, rle.box(), null, rle));
        });
        byte[] jpeg = SampleStore.withComment(photo, "semantic frame " + i);
        st.commit(Manifests.frame(new io.fieldcap.protocol.Manifest(1, id, "cam-seg", at, i, io.fieldcap.model.Sha256.hex(jpeg), jpeg.length,
            1 << 20, 1, "image/jpeg", 512, 480, new io.fieldcap.model.LabelSet("seg.onnx", d), null)), jpeg, at);
        want.put(id, classes);
      }
    }
    Path out = tmp.resolve("out");
    boolean shapes = format.equals("labelme") || format.equals("cvat") || format.equals("yolo");
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      DatasetFormat.writer(format).export(st, out, new ExportOptions(null, shapes ? "segment" : "detect", false,
          io.fieldcap.dataset.ExportOptions.LABEL_STUDIO_URL, io.fieldcap.dataset.Selection.ALL));
    }
    Path in = out;
    if (format.equals("labelstudio")) {
      accept(out.resolve("tasks.json"));
      in = out.resolve("tasks.json");
    }
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      ImportReport r = new Importer(st, null, null, Clock.systemUTC(), true).run(DatasetFormat.reader(format), in);
      assertThat(r.problems()).isEmpty();
      assertThat(r.images()).isEqualTo(3);
      List<StoredFrame> frames = new ArrayList<>();
      st.forEach(frames::add);
      for (StoredFrame f : frames) {
        List<Detection> got = f.reviewed().detections();
        // background is no object in any format: only the object classes come back, one mask each
        assertThat(got).as(format).extracting(Detection::label).containsExactlyInAnyOrder("road", "water");
        for (Detection d : got) {
          assertThat(d.mask()).as(format + " " + d.label() + " is a mask again").isNotNull();
          byte[] expected = want.get(f.frameId()).get(d.label());
          byte[] back = io.fieldcap.model.RleTest.decodeCoco(480, 512, d.mask().counts());
          if (shapes) { // outlines through the edge pixels' centres, simplified to within a pixel
            assertThat(io.fieldcap.model.RleTest.iou(back, expected)).as(format + " " + d.label()).isGreaterThanOrEqualTo(0.98);
          } else {
            assertThat(back).as(format + " " + d.label() + " exactly").isEqualTo(expected);
          }
          assertThat(d.box()).isEqualTo(d.mask().box());
        }
      }
    }
  }
}
