package io.fieldcap.dataset.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.image.OpenCv;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Rle;
import io.fieldcap.store.Frames;
import io.fieldcap.store.ImageRef;
import io.fieldcap.store.StoredFrame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VOC class maps: fieldcap's own export read back as masks, and a devkit-style map without labelmap.txt. */
class VocMaskImportTest {
  @TempDir Path tmp;

  @Test
  void givenAVocExportWithClassMaps_thenEachClassComesBackAsItsMask() throws Exception {
    OpenCv.load();
    Path jpg = tmp.resolve("frame.jpg");
    org.opencv.imgcodecs.Imgcodecs.imwrite(jpg.toString(), new org.opencv.core.Mat(40, 60, org.opencv.core.CvType.CV_8UC3));
    Rle road = Rle.fromRowMajor(40, 60, io.fieldcap.model.RleTest.rect(60, 40, 0, 30, 60, 40));
    Rle water = Rle.fromRowMajor(40, 60, io.fieldcap.model.RleTest.rect(60, 40, 5, 5, 20, 15));
    Rle background = Rle.fromRowMajor(40, 60, new byte[60 * 40]);
    LabelSet labels = new LabelSet("seg.onnx", List.of(new Detection("background", 0.9, new Box(0, 0, 60, 40), null, background),
        new Detection("road", 0.9, new Box(0, 30, 60, 10), null, road), new Detection("water", 0.8, new Box(5, 5, 15, 10), null, water)));
    StoredFrame f = new StoredFrame("cam", "20261129T100000000Z-000000000001", 1, Instant.parse("2026-11-29T10:00:00Z"),
        "0".repeat(64), 1, 60, 40, labels, Map.of(), ImageRef.file(jpg), Instant.parse("2026-11-29T10:00:01Z"), null, 0, null, null);
    Frames frames = action -> action.accept(f);
    Path voc = tmp.resolve("voc");
    new VocExporter().export(frames, voc);
    List<Annotated> read = new ArrayList<>();
    new VocReader().read(voc, read::add, new ImportReport());
    assertThat(read).hasSize(1);
    assertThat(read.get(0).errors()).isEmpty();
    assertThat(read.get(0).labels()).extracting(Detection::label).containsExactly("road", "water");
    assertThat(read.get(0).labels().get(0).mask()).isEqualTo(road);
    assertThat(read.get(0).labels().get(1).mask()).isEqualTo(water);
    assertThat(read.get(0).labels().get(1).box()).isEqualTo(new Box(5, 5, 15, 10));

    // the same map without labelmap.txt is read with VOC's classes (1: aeroplane, 2: bicycle)
    Files.delete(voc.resolve("labelmap.txt"));
    read.clear();
    new VocReader().read(voc, read::add, new ImportReport());
    assertThat(read.get(0).labels()).extracting(Detection::label).containsExactly("aeroplane", "bicycle");
    // a missing class map is named
    try (var pngs = Files.list(voc.resolve("SegmentationClass"))) {
      for (Path p : pngs.toList()) {
        Files.delete(p);
      }
    }
    read.clear();
    new VocReader().read(voc, read::add, new ImportReport());
    assertThat(read.get(0).errors()).singleElement().asString()
        .startsWith("segmented is 1 but its class map SegmentationClass/cam_20261129T100000000Z-000000000001.png is missing");
  }
}
