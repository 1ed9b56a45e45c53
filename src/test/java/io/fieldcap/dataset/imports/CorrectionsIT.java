package io.fieldcap.dataset.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.Revisions;
import io.fieldcap.store.StoredFrame;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.SampleStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The correction loop through the packaged jar: pre-labels exported to labelme and to Label Studio,
 * edited by a script as a reviewer would and saved as each tool saves (labelme's own LabelFile,
 * Label Studio's JSON export), imported back; the revision stored beside the pre-labels, exports of
 * the reviewed labels carrying the edits, and {@code report corrections} counting exactly the edits.
 * Then bad input, reported per file with nothing stored; and frozen datasets, exported to the same
 * bytes after frames arrive and labels are corrected.
 */
class CorrectionsIT {
  @TempDir Path tmp;
  private Path data;
  private Map<String, List<Detection>> prelabels;

  @BeforeEach
  void store() throws Exception {
    data = tmp.resolve("data");
    prelabels = SampleStore.create(data);
  }

  private static ChildProcess ok(String... args) throws Exception {
    ChildProcess p = ChildProcess.fieldcapRun(args);
    assertThat(p.exitCode()).as(p::output).isZero();
    return p;
  }

  private static ChildProcess review(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "src/test/resources/readers/review.py"));
    cmd.addAll(List.of(args));
    ChildProcess p = ChildProcess.start(cmd);
    assertThat(p.waitFor(Duration.ofSeconds(120))).as(p::output).isZero();
    return p;
  }

  /** The JSON object in a command's output (after any log lines). */
  private static JsonNode json(ChildProcess p) throws Exception {
    String out = p.output();
    return Json.MAPPER.readTree(out.substring(out.indexOf('{')));
  }

  /** Asserts the report counts exactly the four edits review.py makes. */
  private static void assertExactlyTheEdits(JsonNode report, int frames) {
    JsonNode m = report.at("/models/0");
    assertThat(report.get("models")).hasSize(1);
    assertThat(m.get("model").asText()).as("model and version").isEqualTo("yolo11n.onnx@" + SampleStore.VERSION);
    assertThat(m.get("frames").asInt()).isEqualTo(frames);
    assertThat(m.get("prelabels").asInt()).isEqualTo(64);
    assertThat(m.get("reviewed").asInt()).isEqualTo(64);
    assertThat(m.get("kept").asInt()).isEqualTo(61);
    assertThat(m.get("moved").asInt()).isEqualTo(1);
    assertThat(m.get("relabelled").asInt()).isEqualTo(1);
    assertThat(m.get("deleted").asInt()).isEqualTo(1);
    assertThat(m.get("added").asInt()).isEqualTo(1);
    assertThat(m.get("precision").asDouble()).isCloseTo(62 / 64.0, offset(1e-4));
    assertThat(m.get("corrected").asDouble()).as("4 boxes touched of 64 pre-labels and 1 added").isCloseTo(4 / 65.0, offset(1e-4));
    assertThat(m.at("/classes/person/moved").asInt()).isEqualTo(1);
    assertThat(m.at("/classes/person/relabelled").asInt()).isEqualTo(1);
    assertThat(m.at("/classes/car/deleted").asInt()).isEqualTo(1);
    assertThat(m.at("/classes/dog/added").asInt()).isEqualTo(1);
    assertThat(m.at("/classes/cyclist/reviewed").asInt()).isEqualTo(1);
  }

  /** The frames in name order whose reviewed labels differ from the pre-labels, with the reviewed boxes. */
  private Map<String, List<Detection>> changed() throws Exception {
    Map<String, List<Detection>> out = new TreeMap<>();
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      st.forEach(f -> {
        if (f.reviewed() == null) {
          return;
        }
        List<Detection> boxes = f.reviewed().detections().stream().filter(d -> d.box() != null).toList();
        List<Detection> pre = prelabels.get(f.device() + "_" + f.frameId());
        boolean same = boxes.size() == pre.size();
        for (int i = 0; same && i < boxes.size(); i++) {
          Box a = boxes.get(i).box();
          Box b = pre.get(i).box();
          same = boxes.get(i).label().equals(pre.get(i).label()) && Math.abs(a.x() - b.x()) < 0.01 && Math.abs(a.y() - b.y()) < 0.01
              && Math.abs(a.w() - b.w()) < 0.01 && Math.abs(a.h() - b.h()) < 0.01;
        }
        if (!same) {
          out.put(f.device() + "_" + f.frameId(), boxes);
        }
        assertThat(f.labels().model()).as("the pre-labels are kept beside the revision").isEqualTo("yolo11n.onnx");
        assertThat(f.labels().detections().stream().filter(d -> d.box() != null).toList())
            .isEqualTo(prelabels.get(f.device() + "_" + f.frameId()));
      });
    }
    return out;
  }

  private void assertTheFourEdits() throws Exception {
    Map<String, List<Detection>> changed = changed();
    assertThat(changed).hasSize(4);
    List<String> names = new ArrayList<>(changed.keySet());
    Detection moved = changed.get(names.get(0)).stream().filter(d -> d.label().equals("person")).findFirst().orElseThrow();
    Detection before = prelabels.get(names.get(0)).get(0);
    assertThat(moved.box().x()).isCloseTo(before.box().x() + 10, offset(0.01));
    assertThat(changed.get(names.get(1))).extracting(Detection::label).containsExactly("person");
    assertThat(changed.get(names.get(2))).extracting(Detection::label).containsExactly("person", "car", "dog");
    Box dog = changed.get(names.get(2)).get(2).box();
    assertThat(new double[] {dog.x(), dog.y(), dog.w(), dog.h()}).containsExactly(new double[] {400, 50, 60, 40}, offset(0.01));
    assertThat(changed.get(names.get(3))).extracting(Detection::label).containsExactly("cyclist", "car");
  }

  @Test
  void givenALabelmeReview_thenTheRevisionIsStoredTheExportCarriesItAndTheReportCountsExactlyTheEdits() throws Exception {
    Path lm = tmp.resolve("labelme");
    ok("export", "--data-dir", data.toString(), "--format", "labelme", "--out", lm.toString());
    review("labelme", lm.toString());
    ChildProcess imp = ok("import", "--data-dir", data.toString(), "--format", "labelme", "--in", lm.toString());
    assertThat(imp.output()).contains("read 40 labelme files: 40 images, 40 new label revisions, 0 unchanged");
    assertTheFourEdits();
    assertExactlyTheEdits(json(ok("report", "corrections", "--data-dir", data.toString(), "--json")), 40);

    ChildProcess again = ok("import", "--data-dir", data.toString(), "--format", "labelme", "--in", lm.toString());
    assertThat(again.output()).as("re-importing changes nothing").contains("0 new label revisions, 40 unchanged");

    // the reviewed labels out to a trainer; the pre-labels are still there to export too
    Path reviewed = tmp.resolve("reviewed");
    ok("export", "--data-dir", data.toString(), "--format", "coco", "--labels", "reviewed", "--out", reviewed.toString());
    JsonNode coco = Json.MAPPER.readTree(reviewed.resolve("annotations.json").toFile());
    List<String> categories = new ArrayList<>();
    coco.get("categories").forEach(c -> categories.add(c.get("name").asText()));
    assertThat(categories).containsExactly("car", "cyclist", "dog", "person");
    assertThat(coco.get("annotations")).hasSize(64);
    Path pre = tmp.resolve("pre");
    ok("export", "--data-dir", data.toString(), "--format", "coco", "--labels", "prelabels", "--out", pre.toString());
    assertThat(Json.MAPPER.readTree(pre.resolve("annotations.json").toFile()).get("categories")).hasSize(2);
  }

  /**
   * The probe (issue 28): exporting frames to labelme, correcting a few files and importing the folder
   * back recorded every file as a review, untouched ones too, which inflated the pre-labels' precision
   * with frames nobody looked at. Now only the changed files (or ticked ones) are reviews.
   */
  @Test
  void givenUntouchedLabelmeFiles_thenOnlyTheEditedOnesBecomeReviews() throws Exception {
    Path lm = tmp.resolve("labelme");
    ok("export", "--data-dir", data.toString(), "--format", "labelme", "--out", lm.toString());
    review("labelme", lm.toString(), "--no-tick");
    ChildProcess imp = ok("import", "--data-dir", data.toString(), "--format", "labelme", "--in", lm.toString());
    assertThat(imp.output()).contains("read 40 labelme files: 4 images, 4 new label revisions, 0 unchanged, 36 not reviewed");
    assertTheFourEdits();
    JsonNode report = json(ok("report", "corrections", "--data-dir", data.toString(), "--json"));
    assertThat(report.at("/models/0/frames").asInt()).as("only the frames a person changed").isEqualTo(4);
    ChildProcess all = ok("import", "--data-dir", data.toString(), "--format", "labelme", "--in", lm.toString(), "--all-reviewed");
    assertThat(all.output()).as("--all-reviewed takes the rest as reviewed").contains("36 new label revisions, 4 unchanged");
  }

  @Test
  void givenALabelStudioReview_thenTheNewestAnnotationIsStoredWithItsAuthorAndTheReportCountsExactlyTheEdits() throws Exception {
    Path ls = tmp.resolve("ls");
    ok("export", "--data-dir", data.toString(), "--format", "labelstudio", "--out", ls.toString());
    Path export = tmp.resolve("project-1-at-2026-11-29.json");
    review("labelstudio", ls.resolve("tasks.json").toString(), export.toString());
    ChildProcess imp = ok("import", "--data-dir", data.toString(), "--format", "labelstudio", "--in", export.toString());
    assertThat(imp.output()).contains("39 images, 39 new label revisions, 0 unchanged, 1 not reviewed");
    assertTheFourEdits();
    assertExactlyTheEdits(json(ok("report", "corrections", "--data-dir", data.toString(), "--json")), 39);
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      List<StoredFrame> reviewed = new ArrayList<>();
      st.forEach(f -> {
        if (f.reviewed() != null) {
          reviewed.add(f);
        }
      });
      assertThat(reviewed).hasSize(39);
      StoredFrame first = reviewed.get(0);
      List<Revisions.Revision> revs = st.revisions().of(first.device(), first.frameId());
      assertThat(revs).hasSize(1);
      assertThat(revs.get(0).author()).isEqualTo("reviewer@example.org");
      assertThat(revs.get(0).tool()).isEqualTo("labelstudio");
      assertThat(revs.get(0).origin()).startsWith("project-1-at-2026-11-29.json (task ");
    }
  }

  @Test
  void givenBadFiles_thenEachIsReportedWithItsReasonAndNothingOfThemIsStored() throws Exception {
    Path lm = tmp.resolve("labelme");
    ok("export", "--data-dir", data.toString(), "--format", "labelme", "--out", lm.toString(), "--device", "cam-a");
    List<Path> files;
    try (var s = Files.list(lm)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    // one file per mistake; the rest are good
    JsonNode outside = Json.MAPPER.readTree(files.get(0).toFile());
    ((com.fasterxml.jackson.databind.node.ArrayNode) outside.at("/shapes/0/points")).removeAll()
        .add(Json.MAPPER.createArrayNode().add(500).add(10)).add(Json.MAPPER.createArrayNode().add(600).add(50));
    Files.write(files.get(0), Json.MAPPER.writeValueAsBytes(outside));
    JsonNode unknownClass = Json.MAPPER.readTree(files.get(1).toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) unknownClass.at("/shapes/0")).put("label", "dragon");
    Files.write(files.get(1), Json.MAPPER.writeValueAsBytes(unknownClass));
    JsonNode unknownFrame = Json.MAPPER.readTree(files.get(2).toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) unknownFrame.get("fieldcap")).put("frameId", "20990101T000000000Z-000000000001");
    ((com.fasterxml.jackson.databind.node.ObjectNode) unknownFrame).put("imagePath", "elsewhere.jpg");
    Files.write(files.get(2), Json.MAPPER.writeValueAsBytes(unknownFrame));
    Files.writeString(files.get(3), "{\"version\": \"5.1.1\", \"shapes\": [");
    JsonNode circle = Json.MAPPER.readTree(files.get(5).toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) circle.at("/shapes/0")).put("shape_type", "circle");
    Files.write(files.get(5), Json.MAPPER.writeValueAsBytes(circle));

    ChildProcess p = ChildProcess.fieldcapRun("import", "--data-dir", data.toString(), "--format", "labelme", "--in",
        lm.toString(), "--classes", "person,car,daytime", "--all-reviewed");
    assertThat(p.exitCode()).as(p.output()).isEqualTo(1);
    String out = p.output();
    assertThat(out).contains("read 20 labelme files: 15 images, 15 new label revisions", "5 problems (nothing of these was stored):");
    assertThat(out).contains(files.get(0).getFileName() + ": box of 'person' at x=500.0 y=10.0 w=100.0 h=40.0 lies outside the 512x480 image");
    assertThat(out).contains(files.get(1).getFileName() + ": 'dragon': unknown class (--classes allows person, car, daytime)");
    assertThat(out).contains(files.get(2).getFileName() + ": no frame cam-a/20990101T000000000Z-000000000001 in the store");
    assertThat(out).contains(files.get(3).getFileName() + ": not valid JSON");
    assertThat(out).contains(files.get(5).getFileName() + ": shape 1 ('person') is a circle, which has no box form");
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      for (int i : new int[] {0, 1, 2, 3, 5}) {
        String name = files.get(i).getFileName().toString();
        String id = name.substring(name.indexOf('_') + 1, name.length() - 5);
        assertThat(st.revisions().of("cam-a", id)).as(name + ": nothing stored").isEmpty();
      }
      assertThat(st.revisions().reviewedFrames()).isEqualTo(15);
    }

    Path cvat = tmp.resolve("cvat.xml");
    Files.writeString(cvat, "<annotations><version>1.1</version><image id=\"0\" name=\"x.jpg\"");
    ChildProcess x = ChildProcess.fieldcapRun("import", "--data-dir", data.toString(), "--format", "cvat", "--in", cvat.toString());
    assertThat(x.exitCode()).isEqualTo(1);
    assertThat(x.output()).contains("cvat.xml: not well-formed XML");
    ChildProcess unknown = ChildProcess.fieldcapRun("import", "--data-dir", data.toString(), "--format", "pascal", "--in", cvat.toString());
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.output()).contains("unknown import format 'pascal'; known formats: [coco, yolo, voc, labelme, labelstudio, cvat, cvat-video, mot]");
  }

  /** Every file under {@code dir} by relative path, with its bytes. */
  private static Map<String, byte[]> tree(Path dir) throws Exception {
    Map<String, byte[]> out = new TreeMap<>();
    try (var s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }

  private static void assertSameTrees(Map<String, byte[]> a, Map<String, byte[]> b) {
    assertThat(b.keySet()).isEqualTo(a.keySet());
    a.forEach((k, v) -> assertThat(b.get(k)).as(k).isEqualTo(v));
  }

  @Test
  void givenAFrozenDataset_thenItExportsToTheSameBytesAfterFramesArriveAndLabelsAreCorrected() throws Exception {
    ChildProcess c = ok("dataset", "create", "v1", "--data-dir", data.toString(), "--split", "train=0.6,val=0.2,test=0.2",
        "--seed", "3", "--map", "car=vehicle", "--classes", "vehicle,person");
    assertThat(c.output()).contains("dataset v1: 40 frames");
    Map<String, Map<String, byte[]>> before = new TreeMap<>();
    for (String format : List.of("coco", "yolo", "voc", "labelme", "labelstudio", "cvat")) {
      Path out = tmp.resolve("v1-" + format);
      ok("export", "--data-dir", data.toString(), "--dataset", "v1", "--format", format, "--out", out.toString());
      before.put(format, tree(out));
      deleteTree(out);
    }
    // frames arrive, a reviewer corrects the pre-labels
    SampleStore.add(data, 40, 60);
    Path lm = tmp.resolve("labelme");
    ok("export", "--data-dir", data.toString(), "--format", "labelme", "--out", lm.toString());
    review("labelme", lm.toString());
    ok("import", "--data-dir", data.toString(), "--format", "labelme", "--in", lm.toString());
    for (String format : before.keySet()) {
      Path out = tmp.resolve("v1-" + format);
      ok("export", "--data-dir", data.toString(), "--dataset", "v1", "--format", format, "--out", out.toString());
      assertSameTrees(before.get(format), tree(out));
    }
    String yaml = new String(before.get("yolo").get("data.yaml"));
    assertThat(yaml).contains("  0: \"vehicle\"", "  1: \"person\"");
    assertThat(before.get("yolo").keySet().stream().filter(k -> k.startsWith("labels/val/")).count()).isPositive();

    // the splits recorded are the grouped, seeded ones; a dataset of the reviewed labels has the corrections
    ok("dataset", "create", "v2", "--data-dir", data.toString(), "--labels", "reviewed");
    ChildProcess list = ok("dataset", "list", "--data-dir", data.toString());
    assertThat(list.output()).containsPattern("v1 +\\S+ +40 frames").containsPattern("v2 +\\S+ +60 frames");
    ChildProcess show = ok("dataset", "show", "v1", "--data-dir", data.toString());
    io.fieldcap.dataset.Splits splits = io.fieldcap.dataset.Splits.parse("train=0.6,val=0.2,test=0.2", 3, Duration.ofMinutes(10));
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      List<StoredFrame> frames = new ArrayList<>();
      st.forEach(frames::add);
      for (StoredFrame f : frames.stream().filter(f -> f.seq() < 40).toList()) {
        assertThat(show.output()).contains(f.sha256() + "  " + f.device() + "/" + f.frameId() + " " + splits.of(f) + " r0");
      }
    }
    ChildProcess dup = ChildProcess.fieldcapRun("dataset", "create", "v1", "--data-dir", data.toString());
    assertThat(dup.exitCode()).isEqualTo(2);
    assertThat(dup.output()).contains("dataset 'v1' exists");
    ChildProcess mixed = ChildProcess.fieldcapRun("export", "--data-dir", data.toString(), "--dataset", "v1", "--format", "coco",
        "--out", tmp.resolve("x").toString(), "--device", "cam-a");
    assertThat(mixed.exitCode()).isEqualTo(2);
    assertThat(mixed.output()).contains("leave out the selection and split options (device)");
  }

  private static void deleteTree(Path d) throws Exception {
    try (var s = Files.walk(d)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
