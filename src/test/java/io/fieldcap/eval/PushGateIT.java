package io.fieldcap.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.json.Json;
import io.fieldcap.model.Sha256;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.Mosquitto;
import io.fieldcap.testing.SampleStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code push model --registered --require-better} through the jar: a candidate from the registry is
 * scored, on a frozen dataset's test split, against the model each target device runs (as its status
 * names it); one that is not better is refused with both figures and nothing is published, one that
 * is better goes out.
 */
class PushGateIT {
  private static final Path MODELS = Path.of("src/test/resources/models");
  @TempDir Path tmp;
  private Path data;
  private Mosquitto broker;
  private String good;
  private String quiet;

  private static ChildProcess ok(String... args) throws Exception {
    ChildProcess p = ChildProcess.fieldcapRun(args);
    assertThat(p.exitCode()).as(p::output).isZero();
    return p;
  }

  @BeforeEach
  void setUp() throws Exception {
    data = tmp.resolve("data");
    SampleStore.create(data);
    ok("dataset", "create", "v1", "--data-dir", data.toString(), "--labels", "best", "--split", "train=0.5,test=0.5");
    ok("models", "add", MODELS.resolve("yolov8-detect.onnx").toString(), "--data-dir", data.toString(), "--name", "good");
    ok("models", "add", MODELS.resolve("yolov8-zero.onnx").toString(), "--data-dir", data.toString(), "--name", "quiet");
    good = Sha256.file(MODELS.resolve("yolov8-detect.onnx"));
    quiet = Sha256.file(MODELS.resolve("yolov8-zero.onnx"));
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      // what "good" scored on v1's test split before (kept in the registry); "quiet" is scored by the gate itself
      st.models().addEvaluation(good, "v1", "test", "dataset", "bbox", 20, Json.MAPPER.writeValueAsString(Map.of("AP", 0.42,
          "AP50", 0.61)), Instant.now());
    }
    broker = Mosquitto.plain(tmp.resolve("mosquitto")).start();
    ok("keys", "generate", "--out", tmp.resolve("keys").toString(), "--name", "update");
  }

  @AfterEach
  void tearDown() {
    if (broker != null) {
      broker.close();
    }
  }

  private void runs(String device, String sha) throws Exception {
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      st.devices().update(device, "online", "{\"modelSha256\": \"" + sha + "\", \"groups\": [\"north\"]}", Instant.now());
    }
  }

  private ChildProcess push(String candidate) throws Exception {
    return ChildProcess.fieldcapRun("push", "model", "--registered", candidate, "--require-better", "--data-dir", data.toString(),
        "--dataset", "v1", "--device", "cam-a", "--broker", broker.uri(), "--key", tmp.resolve("keys/update.key").toString());
  }

  @Test
  void aWorseModelIsRefusedWithBothFiguresAndABetterOneGoesOut() throws Exception {
    runs("cam-a", good);
    ChildProcess worse = push("quiet");
    assertThat(worse.exitCode()).as(worse::output).isEqualTo(1);
    assertThat(worse.output()).contains("evaluating quiet (" + quiet.substring(0, 12) + ") on dataset v1, split test",
        "AP quiet 0.0000 vs good 0.4200 (running on cam-a), dataset v1 split test: NOT better",
        "refused: quiet is not better than what the targets run; nothing pushed").doesNotContain("sequence");
    assertThat(ok("models", "show", "quiet", "--data-dir", data.toString()).output()).as("the gate's evaluation is kept")
        .contains("dataset v1 test, dataset labels");

    runs("cam-a", quiet);
    ChildProcess betterOne = push("good");
    assertThat(betterOne.output()).contains("AP good 0.4200 vs quiet 0.0000 (running on cam-a), dataset v1 split test: better",
        "model good.onnx", "sequence").doesNotContain("refused");
    assertThat(betterOne.exitCode()).as(betterOne::output).isZero();

    ChildProcess unknown = ChildProcess.fieldcapRun("push", "model", "--registered", "good", "--require-better", "--data-dir",
        data.toString(), "--dataset", "v1", "--device", "cam-z", "--broker", broker.uri(), "--key",
        tmp.resolve("keys/update.key").toString());
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.output()).contains("[cam-z]: the server has never heard from them");
  }
}
