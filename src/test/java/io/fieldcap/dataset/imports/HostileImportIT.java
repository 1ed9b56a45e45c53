package io.fieldcap.dataset.imports;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.StoredFrame;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fieldcap import --source} under hostile datasets (issue 27), run as a user would, with the
 * packaged jar: a COCO {@code file_name}, a labelme {@code imagePath} or a VOC {@code filename} that
 * is absolute or climbs out with {@code ..}, and a link inside a YOLO {@code images/} folder, each
 * named a file elsewhere on the disk, which was stored as a frame and served by the web app; and a
 * {@code NaN} box stopped a whole import. Now each is one reported problem, the message the same
 * whether the named file exists or not, and nothing outside {@code --in} is read.
 */
class HostileImportIT {
  @TempDir Path tmp;
  private Path data;
  private Path secret;
  private byte[] jpeg;

  @BeforeEach
  void setUp() throws Exception {
    data = tmp.resolve("data");
    LocalFrameStore.open(data).close(); // a server's data folder, empty
    jpeg = Files.readAllBytes(TestMedia.samples().resolve("fruits.jpg")); // 512x480
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    secret = Files.write(outside.resolve("secret.jpg"), jpeg);
    Files.writeString(outside.resolve("notes.txt"), "not an image");
  }

  private ChildProcess importAs(String format, Path in) throws Exception {
    return ChildProcess.fieldcapRun("import", "--data-dir", data.toString(), "--format", format, "--source", "probe",
        "--in", in.toString());
  }

  private List<StoredFrame> stored() throws Exception {
    List<StoredFrame> all = new ArrayList<>();
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      st.forEach(all::add);
    }
    return all;
  }

  @Test
  void cocoNamesOutsideInAreRefusedAlikeAndANanBoxIsOneProblem() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in/coco"));
    Files.write(in.resolve("inside.jpg"), jpeg);
    Files.writeString(in.resolve("annotations.json"), """
        {"images": [
          {"id": 1, "file_name": "../../outside/secret.jpg", "width": 512, "height": 480},
          {"id": 2, "file_name": "%s", "width": 512, "height": 480},
          {"id": 3, "file_name": "../../outside/notes.txt", "width": 512, "height": 480},
          {"id": 4, "file_name": "../../outside/missing.jpg", "width": 512, "height": 480},
          {"id": 5, "file_name": "inside.jpg", "width": 512, "height": 480}],
         "categories": [{"id": 1, "name": "fruit"}],
         "annotations": [
          {"id": 11, "image_id": 1, "category_id": 1, "bbox": [10, 10, 50, 50]},
          {"id": 12, "image_id": 2, "category_id": 1, "bbox": [10, 10, 50, 50]},
          {"id": 13, "image_id": 3, "category_id": 1, "bbox": [10, 10, 50, 50]},
          {"id": 14, "image_id": 4, "category_id": 1, "bbox": [10, 10, 50, 50]},
          {"id": 15, "image_id": 5, "category_id": 1, "bbox": ["NaN", 10, 50, 50]},
          {"id": 16, "image_id": 5, "category_id": 1, "bbox": [20, 20, 40, 40]}]}
        """.formatted(secret.toAbsolutePath()));
    ChildProcess p = importAs("coco", in.resolve("annotations.json"));
    String out = p.output();
    assertThat(p.exitCode()).as(out).isEqualTo(1);
    assertThat(out).contains("image '../../outside/secret.jpg' is outside --in");
    assertThat(out).contains("image '" + secret.toAbsolutePath() + "' is outside --in");
    // the same words whether the file is there, is not an image, or is not there at all
    assertThat(out).contains("image '../../outside/notes.txt' is outside --in");
    assertThat(out).contains("image '../../outside/missing.jpg' is outside --in");
    assertThat(out).doesNotContain("not found").doesNotContain("not a JPEG").doesNotContain("Exception");
    assertThat(out).contains("annotation 15 ('fruit') has a bbox value that is not a finite number");
    assertThat(stored()).as("nothing from outside, and not the image with the NaN box").isEmpty();
  }

  @Test
  void labelmeVocAndYoloCannotReachOutsideEitherByPathOrByLink() throws Exception {
    Path lm = Files.createDirectories(tmp.resolve("in/labelme"));
    Files.writeString(lm.resolve("a.json"), """
        {"version": "5.1.1", "imagePath": "../../outside/secret.jpg", "imageHeight": 480, "imageWidth": 512,
         "shapes": [{"label": "fruit", "shape_type": "rectangle", "points": [[10, 10], [60, 60]]}]}""");
    ChildProcess labelme = importAs("labelme", lm);
    assertThat(labelme.output()).contains("image '../../outside/secret.jpg' is outside --in");

    Path voc = Files.createDirectories(tmp.resolve("in/voc/Annotations"));
    Files.writeString(voc.resolve("a.xml"), """
        <annotation><filename>%s</filename><size><width>512</width><height>480</height><depth>3</depth></size>
        <object><name>fruit</name><bndbox><xmin>11</xmin><ymin>11</ymin><xmax>60</xmax><ymax>60</ymax></bndbox></object>
        </annotation>""".formatted(secret.toAbsolutePath()));
    ChildProcess vocRun = importAs("voc", voc.getParent());
    assertThat(vocRun.output()).contains("is outside --in");

    Path yolo = Files.createDirectories(tmp.resolve("in/yolo"));
    Files.createDirectories(yolo.resolve("images/train"));
    Files.createDirectories(yolo.resolve("labels/train"));
    Files.writeString(yolo.resolve("data.yaml"), "path: .\ntrain: images/train\nnames:\n  0: fruit\n");
    Files.createSymbolicLink(yolo.resolve("images/train/linked.jpg"), secret.toAbsolutePath());
    Files.writeString(yolo.resolve("labels/train/linked.txt"), "0 0.5 0.5 0.2 0.2\n");
    ChildProcess yoloRun = importAs("yolo", yolo);
    assertThat(yoloRun.output()).contains("is outside --in");

    assertThat(stored()).as("nothing from outside --in was stored").isEmpty();
  }

  /** The probe (issue 28): importing a public dataset into a new folder was refused until a server had started there. */
  @Test
  void aDatasetStartsANewDataFolderButAFolderOfOtherFilesIsRefused() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in/labelme"));
    Files.write(in.resolve("a.jpg"), jpeg);
    Files.writeString(in.resolve("a.json"), """
        {"version": "5.1.1", "imagePath": "a.jpg", "imageHeight": 480, "imageWidth": 512, "flags": {},
         "shapes": [{"label": "fruit", "shape_type": "rectangle", "points": [[10, 10], [60, 60]]}]}""");
    Path fresh = tmp.resolve("fresh/data");
    ChildProcess p = ChildProcess.fieldcapRun("import", "--data-dir", fresh.toString(), "--format", "labelme", "--source", "public",
        "--in", in.toString());
    assertThat(p.exitCode()).as(p::output).isZero();
    assertThat(p.output()).contains("made a new data folder at " + fresh, "1 new frames of public");
    try (LocalFrameStore st = LocalFrameStore.open(fresh)) {
      List<StoredFrame> all = new ArrayList<>();
      st.forEach(all::add);
      assertThat(all).singleElement().satisfies(f -> assertThat(f.reviewed().detections()).hasSize(1));
    }
    ChildProcess cluttered = ChildProcess.fieldcapRun("import", "--data-dir", in.toString(), "--format", "labelme", "--source",
        "public", "--in", in.toString());
    assertThat(cluttered.exitCode()).isEqualTo(2);
    assertThat(cluttered.output()).contains("has files but no fieldcap.db or database.json");
  }
}
