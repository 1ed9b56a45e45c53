package io.fieldcap.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.dataset.format.CocoExporter;
import io.fieldcap.dataset.format.CvatExporter;
import io.fieldcap.dataset.format.Exporter;
import io.fieldcap.dataset.format.LabelStudioExporter;
import io.fieldcap.dataset.format.LabelmeExporter;
import io.fieldcap.dataset.format.VocExporter;
import io.fieldcap.dataset.format.YoloExporter;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.StoredFrame;
import io.fieldcap.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * YOLO and VOC exports read back by a reader fieldcap did not write (Python's parsers with each
 * format's documented rules, src/test/resources/readers/read_datasets.py): every box within 0.5 px,
 * classes and counts equal, the splits grouped; and the packaged command line writes them.
 */
class DatasetsIT {
  @TempDir Path tmp;
  private Path data;
  private final Map<String, List<Detection>> expected = new HashMap<>();

  @BeforeEach
  void store() throws Exception {
    data = tmp.resolve("data");
    expected.putAll(io.fieldcap.testing.SampleStore.create(data));
  }

  private JsonNode read(String format, Path dir) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "src/test/resources/readers/read_datasets.py", format,
        dir.toString()));
    if (format.equals("yolo")) {
      cmd.addAll(List.of("512", "480"));
    }
    ChildProcess p = ChildProcess.start(cmd);
    assertThat(p.waitFor(Duration.ofSeconds(60))).as(p::output).isZero();
    return Json.MAPPER.readTree(p.output());
  }

  private void assertSameBoxes(JsonNode read, Splits splits) throws Exception {
    assertThat(read.size()).isEqualTo(40);
    Map<String, String> groups = new HashMap<>();
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      List<StoredFrame> frames = new ArrayList<>();
      st.forEach(frames::add);
      for (StoredFrame f : frames) {
        String name = f.device() + "_" + f.frameId();
        JsonNode img = read.get(name);
        assertThat(img).as(name).isNotNull();
        assertThat(img.get("split").asText()).isEqualTo(splits.of(f));
        String prev = groups.putIfAbsent(splits.group(f), img.get("split").asText());
        assertThat(prev == null || prev.equals(img.get("split").asText())).as("group " + splits.group(f) + " in one split")
            .isTrue();
        List<Detection> want = expected.get(name);
        assertThat(img.get("boxes")).as(name).hasSize(want.size());
        for (int i = 0; i < want.size(); i++) {
          JsonNode b = img.get("boxes").get(i);
          Box w = want.get(i).box();
          assertThat(b.get(0).asText()).isEqualTo(want.get(i).label());
          double[] got = {b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble(), b.get(4).asDouble()};
          assertThat(got[0]).as(name + " x").isCloseTo(w.x(), org.assertj.core.data.Offset.offset(0.5));
          assertThat(got[1]).as(name + " y").isCloseTo(w.y(), org.assertj.core.data.Offset.offset(0.5));
          assertThat(got[0] + got[2]).as(name + " right").isCloseTo(w.x() + w.w(), org.assertj.core.data.Offset.offset(0.5));
          assertThat(got[1] + got[3]).as(name + " bottom").isCloseTo(w.y() + w.h(), org.assertj.core.data.Offset.offset(0.5));
        }
      }
    }
  }

  @Test
  void givenYoloAndVocExports_thenAnIndependentReaderFindsEveryBoxWithinHalfAPixelInGroupedSplits() throws Exception {
    Splits splits = Splits.parse("train=0.6,val=0.2,test=0.2", 3, Duration.ofMinutes(30));
    ExportOptions options = new ExportOptions(splits, "detect", false);
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      Exporter.Result y = new YoloExporter().export(st, tmp.resolve("yolo"), options);
      assertThat(y.images()).isEqualTo(40);
      assertThat(y.annotations()).isEqualTo(32 * 2);
      assertThat(y.categories()).isEqualTo(2);
      new VocExporter().export(st, tmp.resolve("voc"), options);
    }
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      new CocoExporter().export(st, tmp.resolve("coco"), options);
    }
    assertSameBoxes(read("coco", tmp.resolve("coco")), splits);
    JsonNode coco = Json.MAPPER.readTree(tmp.resolve("coco/annotations.json").toFile());
    assertThat(coco.at("/images/0/gps/lat").asDouble()).isEqualTo(52.0);
    assertThat(coco.at("/images/1/tags/site").asText()).isEqualTo("north");
    assertThat(coco.at("/images/0/kept_by").asText()).isEqualTo("all");
    assertThat(Files.readString(tmp.resolve("voc/Annotations").resolve(coco.at("/images/0/device").asText() + "_"
        + coco.at("/images/0/frame_id").asText() + ".xml"))).contains("<gps><lat>52.0</lat><lon>4.25</lon></gps>",
        "<tag name=\"site\">north</tag>");
    assertThat(Files.readAllLines(tmp.resolve("yolo/frames.jsonl"))).hasSize(40);
    assertSameBoxes(read("yolo", tmp.resolve("yolo")), splits);
    assertSameBoxes(read("voc", tmp.resolve("voc")), splits);
    String yaml = Files.readString(tmp.resolve("yolo/data.yaml"));
    assertThat(yaml).contains("train: images/train", "val: images/val", "test: images/test", "  0: \"car\"", "  1: \"person\"");
    Path anyImage;
    try (var s = Files.walk(tmp.resolve("yolo/images"))) {
      anyImage = s.filter(p -> p.toString().endsWith(".jpg")).findFirst().orElseThrow();
    }
    assertThat(Files.getAttribute(anyImage, "unix:nlink")).as("a copy, not a hard link into the store").isEqualTo(1);
  }

  @Test
  void givenTheSegmentTask_thenYoloLinesAreTheOutlinesNormalised() throws Exception {
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      new YoloExporter().export(st, tmp.resolve("seg"), new ExportOptions(null, "segment", false));
    }
    Path any;
    try (var s = Files.list(tmp.resolve("seg/labels/train"))) {
      any = s.filter(p -> {
        try {
          return Files.size(p) > 0;
        } catch (java.io.IOException e) {
          return false;
        }
      }).findFirst().orElseThrow();
    }
    assertThat(Files.readAllLines(any)).containsExactly("0 0.585938 0.417708 0.879297 0.417708 0.879297 0.586250 0.585938 0.586250");
  }

  @Test
  void givenALabelmeExport_thenLabelmesOwnReaderLoadsEveryFileWithItsBoxesScoresAndFrameIds() throws Exception {
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      Exporter.Result r = new LabelmeExporter().export(st, tmp.resolve("labelme"), ExportOptions.DEFAULT);
      assertThat(r.images()).isEqualTo(40);
      new LabelmeExporter().export(st, tmp.resolve("labelme-seg"), new ExportOptions(null, "segment", false));
    }
    ChildProcess p = ChildProcess.start(List.of("/usr/bin/python3", "src/test/resources/readers/read_labelme.py",
        tmp.resolve("labelme").toString()));
    assertThat(p.waitFor(Duration.ofSeconds(120))).as(p::output).isZero();
    String json = p.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
    JsonNode read = Json.MAPPER.readTree(json);
    assertThat(read.size()).isEqualTo(40);
    for (Map.Entry<String, List<Detection>> e : expected.entrySet()) {
      JsonNode img = read.get(e.getKey());
      assertThat(img).as(e.getKey()).isNotNull();
      assertThat(img.get("imagePath").asText()).isEqualTo(e.getKey() + ".jpg");
      assertThat(e.getKey()).endsWith(img.at("/fieldcap/frameId").asText());
      assertThat(img.at("/fieldcap/tags/site").asText()).isIn("north", "south");
      assertThat(img.at("/fieldcap/gps/lon").asDouble()).isEqualTo(4.25);
      assertThat(img.get("shapes")).hasSize(e.getValue().size());
      for (int i = 0; i < e.getValue().size(); i++) {
        JsonNode s = img.get("shapes").get(i);
        Box b = e.getValue().get(i).box();
        assertThat(s.get(0).asText()).isEqualTo(e.getValue().get(i).label());
        assertThat(s.get(1).asText()).isEqualTo("rectangle");
        assertThat(s.get(2).get(0).get(0).asDouble()).isCloseTo(b.x(), org.assertj.core.data.Offset.offset(0.5));
        assertThat(s.get(2).get(0).get(1).asDouble()).isCloseTo(b.y(), org.assertj.core.data.Offset.offset(0.5));
        assertThat(s.get(2).get(1).get(0).asDouble()).isCloseTo(b.x() + b.w(), org.assertj.core.data.Offset.offset(0.5));
        assertThat(s.get(2).get(1).get(1).asDouble()).isCloseTo(b.y() + b.h(), org.assertj.core.data.Offset.offset(0.5));
        assertThat(s.get(3).asDouble()).isEqualTo(e.getValue().get(i).score());
      }
      if (!e.getValue().isEmpty()) {
        assertThat(img.at("/flags/daytime").asBoolean()).as("whole-frame labels as image flags").isTrue();
      }
    }
    p = ChildProcess.start(List.of("/usr/bin/python3", "src/test/resources/readers/read_labelme.py",
        tmp.resolve("labelme-seg").toString()));
    assertThat(p.waitFor(Duration.ofSeconds(120))).as(p::output).isZero();
    assertThat(p.output()).contains("\"polygon\"", "\"rectangle\"");
  }

  @Test
  void givenLabelStudioAndCvatExports_thenTheyFollowTheirConventionsAndMatchTheirDeclaredLabels() throws Exception {
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      Exporter.Result r = new LabelStudioExporter().export(st, tmp.resolve("ls"),
          new ExportOptions(null, "detect", false, "/data/local-files/?d=ls/images/"));
      assertThat(r.images()).isEqualTo(40);
      assertThat(r.annotations()).as("boxes and whole-frame choices").isEqualTo(32 * 3);
    }
    assertSameBoxes(read("labelstudio", tmp.resolve("ls")), Splits.ALL_TRAIN);
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      assertThat(new CvatExporter().export(st, tmp.resolve("cvat"), ExportOptions.DEFAULT).images()).isEqualTo(40);
    }
    assertSameBoxes(read("cvat", tmp.resolve("cvat")), Splits.ALL_TRAIN);
    JsonNode tasks = Json.MAPPER.readTree(tmp.resolve("ls/tasks.json").toFile());
    JsonNode first = tasks.get(0);
    assertThat(first.at("/data/image").asText()).startsWith("/data/local-files/?d=ls/images/cam-a_");
    assertThat(first.at("/predictions/0/model_version").asText()).isEqualTo("yolo11n.onnx@" + io.fieldcap.testing.SampleStore.VERSION);
    assertThat(first.at("/data/gps/lat").asDouble()).as("where the frame was taken").isEqualTo(52.0);
    assertThat(first.at("/data/tags/site").asText()).isEqualTo("north");
    String cvatOrigin = Files.readAllLines(tmp.resolve("cvat/frames.jsonl")).get(0);
    assertThat(Json.MAPPER.readTree(cvatOrigin).at("/gps/lon").asDouble()).isEqualTo(4.25);
    assertThat(Json.MAPPER.readTree(cvatOrigin).get("file").asText()).startsWith("images/cam-a_").endsWith(".jpg");
    assertThat(Files.readString(tmp.resolve("ls/labeling-config.xml"))).contains("<RectangleLabels name=\"label\" toName=\"image\">",
        "<Label value=\"person\"/>", "<Choice value=\"daytime\"/>");
  }

  @Test
  void givenThePackagedJar_thenExportWritesYoloAndVocAndRefusesBadSplits() throws Exception {
    for (String format : List.of("yolo", "voc", "labelme", "labelstudio", "cvat")) {
      ChildProcess p = ChildProcess.fieldcapRun("export", "--data-dir", data.toString(), "--format", format,
          "--out", tmp.resolve("cli-" + format).toString(), "--split", "train=0.8,val=0.1,test=0.1", "--seed", "5");
      assertThat(p.exitCode()).as(p.output()).isZero();
      assertThat(p.output()).contains("exported 40 images, " + (List.of("labelstudio", "cvat").contains(format) ? "96 annotations in 3" : "64 annotations in 2")
          + " categories as " + format);
      assertThat(tmp.resolve("cli-" + format)).isNotEmptyDirectory();
    }
    // selection and class mapping: cam-a only, labels scored 0.6 or more, cars renamed vehicles, vehicles first
    ChildProcess sel = ChildProcess.fieldcapRun("export", "--data-dir", data.toString(), "--format", "yolo", "--out",
        tmp.resolve("sel").toString(), "--device", "cam-a", "--min-score", "0.5", "--map", "car=vehicle",
        "--classes", "vehicle,person", "--since", "2026-11-29T09:00:00Z");
    assertThat(sel.exitCode()).as(sel.output()).isZero();
    assertThat(Files.readString(tmp.resolve("sel/data.yaml"))).contains("  0: \"vehicle\"", "  1: \"person\"");
    try (var files = Files.list(tmp.resolve("sel/labels/train"))) {
      List<Path> labels = files.toList();
      assertThat(labels).allMatch(p -> p.getFileName().toString().startsWith("cam-a_"));
      // cam-a frames are the even ones, 7 minutes apart from 08:00; from 09:00 on: frames 10, 12, ..., 38
      assertThat(labels).hasSize(15);
    }
    sel = ChildProcess.fieldcapRun("export", "--data-dir", data.toString(), "--format", "voc", "--out",
        tmp.resolve("sel2").toString(), "--min-score", "0.6", "--class", "car");
    assertThat(sel.exitCode()).as(sel.output()).isZero();
    assertThat(sel.output()).as("no frame has a car scored 0.6 or more").contains("exported 0 images");
    sel = ChildProcess.fieldcapRun("export", "--data-dir", data.toString(), "--format", "voc", "--out",
        tmp.resolve("sel3").toString(), "--since", "yesterday");
    assertThat(sel.exitCode()).isEqualTo(2);
    assertThat(sel.output()).contains("--since: 'yesterday' is not a date");
    ChildProcess bad = ChildProcess.fieldcapRun("export", "--data-dir", data.toString(), "--format", "yolo", "--out",
        tmp.resolve("bad").toString(), "--split", "train=0.9,val=0.2");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.output()).contains("--split 'train=0.9,val=0.2': the fractions add up to 1.1");
  }

  @Test
  void givenAugmentation_thenEveryFormatGetsCopiesOfTrainingFramesOnlyAndImportRefusesThem() throws Exception {
    Splits splits = Splits.parse("train=0.6,val=0.2,test=0.2", 5, Duration.ofMinutes(10));
    long train;
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      List<StoredFrame> frames = new ArrayList<>();
      st.forEach(frames::add);
      train = frames.stream().filter(f -> splits.of(f).equals("train")).count();
    }
    assertThat(train).isBetween(10L, 35L);
    for (String format : List.of("coco", "yolo", "voc", "labelme", "labelstudio", "cvat")) {
      Path out = tmp.resolve("aug-" + format);
      ChildProcess p = ChildProcess.fieldcapRun("export", "--data-dir", data.toString(), "--format", format, "--out",
          out.toString(), "--split", "train=0.6,val=0.2,test=0.2", "--seed", "5", "--augment",
          "rotate=10,scale=0.9:1.1,flip=h,brightness=0.2,noise=0.01", "--copies", "2");
      assertThat(p.exitCode()).as(p::output).isZero();
      assertThat(p.output()).as(format).contains("exported " + (40 + 2 * train) + " images");
      assertThat(Files.readAllLines(out.resolve("augmentations.jsonl"))).hasSize((int) train * 2);
      assertThat(out.resolve(".augment-tmp")).doesNotExist();
    }
    try (var s = Files.list(tmp.resolve("aug-yolo/images/val"))) {
      assertThat(s.filter(x -> x.toString().contains("-aug")).count()).as("no copies of validation frames").isZero();
    }
    try (var s = Files.list(tmp.resolve("aug-yolo/labels/train"))) {
      assertThat(s.filter(x -> x.toString().contains("-aug")).count()).isEqualTo(2 * train);
    }
    ChildProcess imp = ChildProcess.fieldcapRun("import", "--data-dir", data.toString(), "--format", "labelme", "--in",
        tmp.resolve("aug-labelme").toString(), "--all-reviewed");
    assertThat(imp.exitCode()).isEqualTo(1);
    assertThat(imp.output()).contains((2 * train) + " problems", "corrections are imported for original frames only",
        "40 new label revisions");
  }
}
