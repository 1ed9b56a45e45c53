package io.fieldcap.dataset.imports;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.model.Sha256;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.StoredFrame;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.SampleStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dataset imported as a source has reviewed labels and no pre-labels; {@code fieldcap prelabel}
 * runs a real ONNX model over it through the jar, records the model and its version, never
 * overwrites, and {@code report corrections} then measures the model against the dataset.
 */
class PrelabelIT {
  @TempDir Path tmp;

  @Test
  void givenAnImportedDataset_thenPrelabelLabelsItOnceAndTheReportMeasuresTheModelAgainstIt() throws Exception {
    SampleStore.create(tmp.resolve("fleet"));
    ChildProcess e = ChildProcess.fieldcapRun("export", "--data-dir", tmp.resolve("fleet").toString(), "--format", "yolo",
        "--out", tmp.resolve("yolo").toString());
    assertThat(e.exitCode()).as(e::output).isZero();
    Path data = tmp.resolve("data");
    LocalFrameStore.open(data).close();
    ChildProcess imp = ChildProcess.fieldcapRun("import", "--data-dir", data.toString(), "--format", "yolo", "--in",
        tmp.resolve("yolo").toString(), "--source", "public");
    assertThat(imp.output()).as(imp::output).contains("40 new frames of public");

    Path model = Path.of("src/test/resources/models/yolov8-detect.onnx");
    ChildProcess p = ChildProcess.fieldcapRun("prelabel", "--data-dir", data.toString(), "--model", model.toString(),
        "--source", "public", "--confidence", "0.01");
    assertThat(p.exitCode()).as(p::output).isZero();
    assertThat(p.output()).contains("pre-labelled 40 frames with yolov8-detect.onnx; 0 had pre-labels already");
    List<StoredFrame> frames = new ArrayList<>();
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      st.forEach(frames::add);
    }
    String version = Sha256.hex(Files.readAllBytes(model)).substring(0, 12);
    assertThat(frames).allMatch(f -> f.labels() != null && f.labels().model().equals("yolov8-detect.onnx")
        && version.equals(f.labels().version()) && f.reviewed() != null);

    ChildProcess again = ChildProcess.fieldcapRun("prelabel", "--data-dir", data.toString(), "--model", model.toString());
    assertThat(again.output()).contains("pre-labelled 0 frames", "40 had pre-labels already (left alone)");
    ChildProcess report = ChildProcess.fieldcapRun("report", "corrections", "--data-dir", data.toString());
    assertThat(report.exitCode()).isZero();
    assertThat(report.output()).contains("yolov8-detect.onnx@" + version + ": 40 reviewed frames");
    ChildProcess bad = ChildProcess.fieldcapRun("prelabel", "--data-dir", data.toString(), "--model",
        "src/test/resources/models/unknown-layout.onnx");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.output()).contains("--model:");
  }
}
