package io.fieldcap.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import io.fieldcap.testing.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop on generated field scenes (scripts/loop-demo.sh): known crates and drums over real footage;
 * the truth imported as reviewed labels; a dataset of the first 40 scenes and one of all 160 with the
 * same grouped splits; the reference trainer's model of each scored on the same frozen test split: the
 * model trained on more data is clearly better, and the registry keeps both with their evaluations.
 */
class LoopIT {
  @TempDir Path tmp;

  private static ChildProcess ok(Duration limit, String... args) throws Exception {
    ChildProcess p = ChildProcess.fieldcap(args);
    assertThat(p.waitFor(limit)).as(p::output).isEqualTo(0);
    return p;
  }

  private JsonNode scored(Path data, String model) throws Exception {
    String show = ok(Duration.ofSeconds(60), "models", "show", model, "--data-dir", data.toString(), "--json").output();
    String sha = Json.MAPPER.readTree(show.substring(show.indexOf('{'))).get("sha256").asText();
    String out = ok(Duration.ofSeconds(120), "eval", "--data-dir", data.toString(), "--dataset", "round2", "--split", "test",
        "--model", data.resolve("models/" + sha + ".onnx").toString(), "--json").output();
    return Json.MAPPER.readTree(out.substring(out.indexOf("{\"frames\"")));
  }

  @Test
  void moreReviewedDataMakesAClearlyBetterModelOnTheSameFrozenTestSplit() throws Exception {
    Path scenes = tmp.resolve("scenes");
    ChildProcess gen = ChildProcess.start(List.of("/usr/bin/python3", "scripts/make-scenes.py", scenes.toString(), "--count", "160"));
    assertThat(gen.waitFor(Duration.ofSeconds(120))).as(gen::output).isEqualTo(0);
    Path data = tmp.resolve("data");
    assertThat(ok(Duration.ofSeconds(120), "import", "--data-dir", data.toString(), "--format", "coco", "--source", "field", "--in",
        scenes.resolve("annotations.json").toString()).output()).contains("160 new label revisions", "160 new frames of field");
    String split = "train=0.6,val=0.1,test=0.3";
    ok(Duration.ofSeconds(60), "dataset", "create", "round1", "--data-dir", data.toString(), "--labels", "reviewed", "--split", split,
        "--until", "2026-12-01T08:40:00Z");
    ok(Duration.ofSeconds(60), "dataset", "create", "round2", "--data-dir", data.toString(), "--labels", "reviewed", "--split", split);
    String trainer = "/usr/bin/python3 " + Path.of("trainers/tiny_detector.py").toAbsolutePath() + " --data {data_yaml} --out {out}"
        + " --epochs 40";
    ok(Duration.ofSeconds(300), "train", "--data-dir", data.toString(), "--dataset", "round1", "--name", "round1-model", "--trainer",
        trainer);
    ok(Duration.ofSeconds(300), "train", "--data-dir", data.toString(), "--dataset", "round2", "--name", "round2-model", "--trainer",
        trainer);
    JsonNode first = scored(data, "round1-model");
    JsonNode second = scored(data, "round2-model");
    assertThat(second.get("frames").asInt()).isEqualTo(first.get("frames").asInt()).isGreaterThan(20);
    double ap50First = first.at("/bbox/AP50").asDouble();
    double ap50Second = second.at("/bbox/AP50").asDouble();
    assertThat(ap50Second).as("round 2 (160 scenes) against round 1 (40 scenes): %.3f vs %.3f", ap50Second, ap50First)
        .isGreaterThan(ap50First + 0.05).isGreaterThan(0.6);
  }
}
