package io.fieldcap.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.SampleStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fieldcap train} with the reference trainer (trainers/tiny_detector.py, Debian's python3-torch,
 * CPU, from scratch) on a frozen dataset: the model is exported to ONNX in a layout the agent reads,
 * registered with its lineage and scored on the test split; training more learns more; a trainer that
 * fails or writes no model is named with its log.
 */
class TrainIT {
  private static final String TRAINER = Path.of("trainers/tiny_detector.py").toAbsolutePath().toString();
  @TempDir Path tmp;
  private Path data;

  @BeforeEach
  void setUp() throws Exception {
    data = tmp.resolve("data");
    SampleStore.create(data);
    ChildProcess d = ChildProcess.fieldcapRun("dataset", "create", "v1", "--data-dir", data.toString(), "--labels", "best",
        "--split", "train=0.7,test=0.3");
    assertThat(d.exitCode()).as(d::output).isZero();
  }

  private JsonNode train(String name, int epochs) throws Exception {
    ChildProcess p = ChildProcess.fieldcap("train", "--data-dir", data.toString(), "--dataset", "v1", "--name", name, "--json",
        "--trainer", "/usr/bin/python3 " + TRAINER + " --data {data_yaml} --out {out} --epochs " + epochs);
    assertThat(p.waitFor(Duration.ofSeconds(300))).as(p::output).isEqualTo(0);
    String out = p.output();
    assertThat(out).contains("train: tiny_detector: ", "epoch " + epochs + "/" + epochs, "registered " + name);
    return Json.MAPPER.readTree(out.substring(out.lastIndexOf("{\"model\"")));
  }

  @Test
  void theReferenceTrainerLearnsAndItsModelIsRegisteredAndScored() throws Exception {
    JsonNode once = train("once", 1);
    JsonNode trained = train("trained", 30);
    assertThat(trained.get("AP50").asDouble()).as("a model that learned the scenes").isGreaterThan(0.4)
        .isGreaterThan(once.get("AP50").asDouble());
    JsonNode shown = Json.MAPPER.readTree(ChildProcess.fieldcapRun("models", "show", "trained", "--data-dir", data.toString(),
        "--json").output().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
    assertThat(shown.get("family").asText()).isEqualTo("yolov8");
    assertThat(shown.get("classes")).extracting(JsonNode::asText).containsExactly("car", "person");
    assertThat(shown.at("/origin/kind").asText()).isEqualTo("trained");
    assertThat(shown.at("/origin/dataset").asText()).isEqualTo("v1");
    assertThat(shown.at("/origin/trainer").asText()).contains("tiny_detector.py");
    assertThat(Path.of(shown.at("/origin/log").asText())).exists();
    assertThat(shown.get("evaluations")).anySatisfy(e -> assertThat(e.get("split").asText()).isEqualTo("test"));
  }

  @Test
  void aTrainerThatFailsOrWritesNoModelIsNamedWithItsLog() throws Exception {
    ChildProcess fails = ChildProcess.fieldcapRun("train", "--data-dir", data.toString(), "--dataset", "v1", "--trainer",
        "echo about to fail; exit 3");
    assertThat(fails.exitCode()).isEqualTo(1);
    assertThat(fails.output()).contains("train: about to fail", "the trainer exited 3; its log: ");
    ChildProcess nothing = ChildProcess.fieldcapRun("train", "--data-dir", data.toString(), "--dataset", "v1", "--trainer",
        "ls {dataset_dir} > {out}/listing.txt");
    assertThat(nothing.exitCode()).isEqualTo(1);
    assertThat(nothing.output()).contains("the trainer wrote no .onnx model under");
    ChildProcess none = ChildProcess.fieldcapRun("train", "--data-dir", data.toString(), "--dataset", "v9", "--trainer", "true");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.output()).contains("--dataset: no dataset named 'v9'");
    try (var s = Files.list(data.resolve("training"))) {
      assertThat(s.count()).as("each run's work folder is kept with its log").isEqualTo(2);
    }
  }
}
