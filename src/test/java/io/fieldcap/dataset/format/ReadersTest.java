package io.fieldcap.dataset.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.fieldcap.dataset.imports.Corrections;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conventions of each reader on hand-written files, and the matching that report corrections counts with. */
class ReadersTest {
  @TempDir Path tmp;

  private static List<Annotated> read(LabelReader r, Path in, ImportReport report) throws Exception {
    List<Annotated> out = new ArrayList<>();
    r.read(in, out::add, report);
    return out;
  }

  @Test
  void givenLabelStudioPercentages_thenBoxesAreTopLeftCornersInPixelsAndRotationGivesTheEnclosingBox() throws Exception {
    Path f = tmp.resolve("export.json");
    Files.writeString(f, """
        [{"id": 7, "data": {"image": "/data/upload/1/8f2a1b3c-cam-a_20261129T080000000Z-000000000000.jpg"},
          "annotations": [
            {"id": 1, "was_cancelled": false, "updated_at": "2026-11-29T10:00:00Z", "completed_by": 3,
             "result": [{"type": "rectanglelabels", "original_width": 200, "original_height": 100,
                         "value": {"x": 10, "y": 20, "width": 30, "height": 40, "rotation": 0, "rectanglelabels": ["dog"]}}]},
            {"id": 2, "was_cancelled": false, "updated_at": "2026-11-29T11:00:00Z", "completed_by": {"id": 4, "email": "a@b.c"},
             "result": [{"type": "rectanglelabels", "original_width": 200, "original_height": 100,
                         "value": {"x": 10, "y": 20, "width": 30, "height": 40, "rotation": 90, "rectanglelabels": ["dog"]}},
                        {"id": "c1", "type": "choices", "value": {"choices": ["night"]}}]},
            {"id": 3, "was_cancelled": true, "updated_at": "2026-11-29T12:00:00Z", "result": []}]}]""");
    List<Annotated> items = read(new LabelStudioReader(), f, new ImportReport());
    assertThat(items).hasSize(1);
    Annotated a = items.get(0);
    assertThat(a.author()).as("the newest annotation not cancelled").isEqualTo("a@b.c");
    Box b = a.labels().get(0).box();
    // 30% x 40% of 200x100 is 60x40 px, turned 90 degrees clockwise about its top-left corner (20, 20)
    assertThat(new double[] {b.x(), b.y(), b.w(), b.h()}).containsExactly(new double[] {-20, 20, 40, 60}, offset(1e-9));
    assertThat(a.labels().get(1).label()).isEqualTo("night");
    assertThat(a.labels().get(1).box()).isNull();
    assertThat(a.imageName()).contains("cam-a_20261129T080000000Z-000000000000");
  }

  @Test
  void givenVocBoxes_thenTheOneBasedInclusivePixelsBecomeCornerAndSize() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("Annotations"));
    Files.writeString(dir.resolve("a.xml"), """
        <annotation><filename>a.jpg</filename><size><width>100</width><height>50</height></size>
          <object><name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>10</xmax><ymax>20</ymax></bndbox></object>
        </annotation>""");
    Annotated a = read(new VocReader(), tmp, new ImportReport()).get(0);
    Box b = a.labels().get(0).box();
    assertThat(new double[] {b.x(), b.y(), b.w(), b.h()}).containsExactly(0, 0, 10, 20);
    assertThat(a.width()).isEqualTo(100);
  }

  @Test
  void givenXmlWithADoctype_thenItIsRefusedNotExpanded() throws Exception {
    Path f = tmp.resolve("evil.xml");
    Files.writeString(f, "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><annotations>&x;</annotations>");
    ImportReport report = new ImportReport();
    assertThat(read(new CvatReader(), f, report)).isEmpty();
    assertThat(report.problems()).singleElement().satisfies(p -> assertThat(p.reason()).contains("not well-formed XML", "DOCTYPE"));
  }

  @Test
  void givenCvatShapes_thenCornersAreReadAndUndeclaredLabelsAreUnknownClasses() throws Exception {
    Path f = tmp.resolve("annotations.xml");
    Files.writeString(f, """
        <annotations><version>1.1</version><meta><task><labels><label><name>car</name></label></labels></task></meta>
          <image id="0" name="cam-a_20261129T080000000Z-000000000000.jpg" width="512" height="480">
            <box label="car" source="manual" xtl="20.5" ytl="10" xbr="10.5" ybr="30"/>
            <polygon label="car" points="0,0;10,0;10,5"/>
            <box label="bus" xtl="1" ytl="1" xbr="2" ybr="2"/>
          </image></annotations>""");
    Annotated a = read(new CvatReader(), f, new ImportReport()).get(0);
    assertThat(a.errors()).containsExactly("box 3 ('bus'): unknown class, not among the labels in the file's meta");
    Box b = a.labels().get(0).box();
    assertThat(new double[] {b.x(), b.y(), b.w(), b.h()}).containsExactly(10.5, 10, 10, 20);
    assertThat(a.labels().get(1).polygon()).containsExactly(0.0, 0.0, 10.0, 0.0, 10.0, 5.0);
  }

  @Test
  void givenYoloLines_thenCentresBecomeCornersAndLabelFilesFollowUltralyticsRule() {
    assertThat(YoloReader.labelFile(Path.of("/d/images/train/a.b.jpg"))).isEqualTo(Path.of("/d/labels/train/a.b.txt"));
    assertThat(YoloReader.labelFile(Path.of("/d/images/x.png"))).isEqualTo(Path.of("/d/labels/x.txt"));
    List<Detection> labels = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    YoloReader.parse("1 0.5 0.5 0.2 0.4", 1, 100, 50, Map.of(0, "a", 1, "b"), labels, errors);
    YoloReader.parse("5 0.5 0.5 0.2 0.4", 2, 100, 50, Map.of(0, "a", 1, "b"), labels, errors);
    YoloReader.parse("0 0.5 0.5", 3, 100, 50, Map.of(0, "a", 1, "b"), labels, errors);
    Box b = labels.get(0).box();
    assertThat(labels.get(0).label()).isEqualTo("b");
    assertThat(new double[] {b.x(), b.y(), b.w(), b.h()}).containsExactly(new double[] {40, 15, 20, 20}, offset(1e-9));
    assertThat(errors).containsExactly("line 2: unknown class index 5 (data.yaml names 2 classes)",
        "line 3 has 3 values: expected cls cx cy w h, or cls and at least 3 x y pairs");
  }

  private static Detection box(String label, double x, double y, double w, double h) {
    return new Detection(label, 1, new Box(x, y, w, h));
  }

  @Test
  void givenPreLabelsAndAReview_thenEachBoxIsCountedOnceAsKeptMovedRelabelledDeletedOrAdded() {
    List<Detection> pre = List.of(box("person", 0, 0, 100, 100), box("car", 200, 200, 50, 50), box("car", 400, 0, 10, 10),
        box("dog", 300, 300, 40, 40));
    List<Detection> rev = List.of(box("person", 2, 0, 100, 100), // IoU 0.96: kept
        box("car", 215, 200, 50, 50), // IoU 35/65 = 0.54: moved
        box("cat", 300, 300, 40, 40), // the dog relabelled
        box("bike", 0, 400, 20, 20)); // added; the small car deleted
    Corrections.ModelReport r = new Corrections.ModelReport("m", new Corrections.Counts(), new java.util.TreeMap<>());
    Corrections.compare(pre, rev, r);
    Corrections.Counts c = r.all();
    assertThat(new int[] {c.kept, c.moved, c.relabelled, c.deleted, c.added}).containsExactly(1, 1, 1, 1, 1);
    assertThat(c.precision()).isEqualTo(0.5);
    assertThat(c.corrected()).as("moved, relabelled, deleted, added of 4 pre-labels and 1 added").isEqualTo(4 / 5.0);
    assertThat(new Corrections.Counts().corrected()).isNaN();
    assertThat(r.classes().get("car").deleted).isEqualTo(1);
    assertThat(r.classes().get("dog").relabelled).isEqualTo(1);
    assertThat(r.classes().get("bike").added).isEqualTo(1);
    assertThat(new Box(0, 0, 10, 10).iou(new Box(5, 0, 10, 10))).isEqualTo(50 / 150.0);
  }
}
