package io.fieldcap.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.track.Assignment;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MotEval against py-motmetrics on synthetic trajectories (src/test/resources/track/make_mot_cases.py
 * made them and froze the reference's figures): two people crossing and a tracker swapping their ids;
 * an object lost behind a pole and found under a new id; one leaving the view and coming back, with
 * false alarms; ten random walkers with misses, false alarms and swapped ids.
 */
class MotEvalTest {
  private static JsonNode cases() throws Exception {
    try (InputStream in = MotEvalTest.class.getResourceAsStream("/track/mot_cases.json")) {
      return Json.MAPPER.readTree(in);
    }
  }

  private static List<MotEval.Tracked> boxes(JsonNode list) {
    List<MotEval.Tracked> out = new ArrayList<>();
    for (JsonNode b : list) {
      out.add(new MotEval.Tracked(b.get(0).asLong(), new Box(b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble(),
          b.get(4).asDouble())));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"crossing", "occlusion", "reentry", "crowd"})
  void theFiguresArePyMotmetricsFigures(String name) throws Exception {
    JsonNode c = cases().get(name);
    MotEval e = new MotEval();
    for (JsonNode f : c.get("frames")) {
      e.frame(boxes(f.get("gt")), boxes(f.get("hyp")));
    }
    MotEval.Summary s = e.summary();
    JsonNode want = c.get("expected");
    assertThat(s.mota()).as("MOTA").isCloseTo(want.get("MOTA").asDouble(), within(1e-4));
    assertThat(s.motp()).as("MOTP").isCloseTo(want.get("MOTP").asDouble(), within(1e-4));
    assertThat(s.idf1()).as("IDF1").isCloseTo(want.get("IDF1").asDouble(), within(1e-4));
    assertThat(s.idp()).as("IDP").isCloseTo(want.get("IDP").asDouble(), within(1e-4));
    assertThat(s.idr()).as("IDR").isCloseTo(want.get("IDR").asDouble(), within(1e-4));
    assertThat(new int[] {s.matches(), s.switches(), s.falsePositives(), s.misses(), s.objects(), s.predictions()})
        .containsExactly(want.get("matches").asInt(), want.get("switches").asInt(), want.get("falsePositives").asInt(),
            want.get("misses").asInt(), want.get("objects").asInt(), want.get("predictions").asInt());
  }

  @Test
  void aPerfectTrackerScoresOneAndASwapCostsTwoSwitches() {
    MotEval e = new MotEval();
    for (int t = 0; t < 10; t++) {
      List<MotEval.Tracked> truth = List.of(new MotEval.Tracked(1, new Box(t * 10, 0, 20, 20)),
          new MotEval.Tracked(2, new Box(200 - t * 10, 100, 20, 20)));
      e.frame(truth, List.of(new MotEval.Tracked(7, truth.get(0).box()), new MotEval.Tracked(8, truth.get(1).box())));
    }
    MotEval.Summary s = e.summary();
    assertThat(s.mota()).isEqualTo(1);
    assertThat(s.idf1()).isEqualTo(1);
    assertThat(s.motp()).isZero();
  }

  @Test
  void theAssignmentIsTheLeastTotalCostAndNeverUsesAForbiddenPair() {
    double n = Double.NaN;
    assertThat(Assignment.solve(new double[][] {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}})).isDeepEqualTo(new int[][] {{0, 1}, {1, 0},
        {2, 2}});
    assertThat(Assignment.solve(new double[][] {{n, 1}, {n, 0.5}})).as("column 0 is forbidden to both: one pair, the"
        + " cheaper").isDeepEqualTo(new int[][] {{1, 1}});
    assertThat(Assignment.solve(new double[][] {{0.3}, {0.1}, {0.2}})).isDeepEqualTo(new int[][] {{1, 0}});
    assertThat(Assignment.solve(new double[0][])).isEmpty();
  }
}
