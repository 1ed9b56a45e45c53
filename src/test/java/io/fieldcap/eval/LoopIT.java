package io.fieldcap.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import io.fieldcap.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop, as {@code scripts/loop-demo.sh} runs it with the packaged jar, a real Mosquitto and
 * two agents: known crates and drums over real footage; the truth imported as reviewed labels; a
 * dataset of the first 40 scenes and one of all 160 with the same grouped splits; the reference
 * trainer's model of each scored on the same frozen test split; the cameras pre-labeling with the
 * first; {@code push --require-better --canary 1} deploying the second; a scripted reviewer
 * correcting every camera frame to the truth; {@code report corrections} per model version. The
 * assertions read what fieldcap's own commands wrote (eval, push, fleet, report), not the script's
 * summary lines.
 */
class LoopIT {
  @TempDir Path tmp;

  @Test
  void aBetterModelIsTrainedDeployedOnlyBecauseItIsBetterAndItsPreLabelsNeedFewerCorrections() throws Exception {
    Path dir = tmp.resolve("loop");
    ChildProcess demo = ChildProcess.start(List.of("bash", "scripts/loop-demo.sh", dir.toString()));
    assertThat(demo.waitFor(Duration.ofMinutes(15))).as(demo::output).isZero();
    Path fig = dir.resolve("figures");

    // more reviewed data made a clearly better model on the same frozen test split
    JsonNode first = Json.MAPPER.readTree(fig.resolve("eval-round1-model.json").toFile());
    JsonNode second = Json.MAPPER.readTree(fig.resolve("eval-round2-model.json").toFile());
    assertThat(second.get("frames").asInt()).isEqualTo(first.get("frames").asInt()).isGreaterThan(20);
    double ap50First = first.at("/bbox/AP50").asDouble();
    double ap50Second = second.at("/bbox/AP50").asDouble();
    assertThat(ap50Second).as("round 2 (160 scenes) against round 1 (40 scenes): %.3f vs %.3f", ap50Second, ap50First)
        .isGreaterThan(ap50First + 0.05).isGreaterThan(0.6);

    // pushed because it was better, one camera first, and both run it now
    String push = Files.readString(fig.resolve("push.txt"));
    assertThat(push).contains("AP round2-model ", " vs round1-model ", "(running on cam-a, cam-b), dataset round2 split test: better")
        .contains("canaries [cam-a]", "cam-a: active", "canaries passed", "cam-b: active");
    assertThat(push.indexOf("cam-a: active")).as("the canary passed before the rest got it").isLessThan(push.indexOf("cam-b:"));
    JsonNode fleet = Json.MAPPER.readTree(fig.resolve("fleet.json").toFile());
    for (String cam : List.of("cam-a", "cam-b")) {
      assertThat(fleet.at("/" + cam + "/model").asText()).isEqualTo("round2-model.onnx");
      assertThat(fleet.at("/" + cam + "/updates/model/state").asText()).isEqualTo("active");
      assertThat(fleet.at("/" + cam + "/captured").asInt()).as("every scene fed to " + cam).isEqualTo(120);
    }

    // the reviewer's corrections, per model version: the new model's pre-labels needed fewer
    JsonNode models = Json.MAPPER.readTree(fig.resolve("corrections.json").toFile()).get("models");
    assertThat(models).hasSize(2);
    JsonNode before = models.get(0);
    JsonNode after = models.get(1);
    assertThat(before.get("model").asText()).as("listed in the order they ran").startsWith("round1-model.onnx@");
    assertThat(after.get("model").asText()).startsWith("round2-model.onnx@" + fleet.at("/cam-a/version").asText());
    assertThat(before.get("frames").asInt() + after.get("frames").asInt()).as("every camera frame reviewed").isEqualTo(240);
    assertThat(before.get("frames").asInt()).isGreaterThanOrEqualTo(60);
    assertThat(after.get("frames").asInt()).isGreaterThanOrEqualTo(80);
    assertThat(after.get("corrected").asDouble()).as("the share of boxes corrected falls")
        .isLessThan(before.get("corrected").asDouble());
    assertThat(after.get("precision").asDouble()).isGreaterThan(before.get("precision").asDouble() + 0.1);
    assertThat(after.get("recall").asDouble()).isGreaterThan(before.get("recall").asDouble());
  }
}
