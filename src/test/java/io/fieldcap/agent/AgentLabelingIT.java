package io.fieldcap.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.config.ConfigLoader;
import io.fieldcap.json.Json;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.spool.PendingFrame;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The agent pre-labels real frames with each model layout, and the labels are in the spool with the frame. */
class AgentLabelingIT {
  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({
      "yolov8-detect.onnx, person|car",
      "yolov8-seg.onnx, person|car",
      "yolov5-detect.onnx, person|car",
      "yolo-e2e.onnx, person|car",
      "yolo-cls.onnx, bicycle"})
  void everyFrameInTheSpoolCarriesTheModelsLabels(String model, String classes) throws Exception {
    Agent agent = new Agent(ConfigLoader.load(null, List.of("device.id=labeler", "source.uri=file://" + TestMedia.vtestMp4(10),
        "source.fps=1", "source.realtime=false", "spool.dir=" + tmp.resolve("spool"),
        "model.path=src/test/resources/models/" + model, "model.threads=1")), InstantSource.system());
    agent.start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (agent.spool().stats().pending() < 10) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(100);
      }
      List<PendingFrame> frames = agent.spool().takePending(100);
      assertThat(frames).hasSize(10);
      for (PendingFrame f : frames) {
        LabelSet l = Json.MAPPER.readValue(f.labels(), LabelSet.class);
        assertThat(l.model()).isEqualTo(model);
        assertThat(l.version()).as("the weights' SHA-256, first 12 hex digits")
            .isEqualTo(io.fieldcap.model.Sha256.hex(java.nio.file.Files.readAllBytes(
                java.nio.file.Path.of("src/test/resources/models/" + model))).substring(0, 12));
        assertThat(l.detections()).extracting(Detection::label).containsExactly(classes.split("\\|"));
        if (model.contains("seg")) {
          assertThat(l.detections().get(0).polygon()).isNotEmpty();
        }
      }
    } finally {
      agent.stop();
    }
  }
}
