package io.fieldcap.select;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.config.CaptureConfig;
import io.fieldcap.config.CaptureConfig.Budget;
import io.fieldcap.config.CaptureConfig.Rule;
import io.fieldcap.config.CaptureConfig.Type;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RulesTest {
  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
  private static final long[] HASH_A = {0, 0, 0, 0};
  private static final long[] HASH_B = {-1L, -1L, 0, 0}; // 128 bits away from A

  private static Rule rule(String name, Type type, int priority, Budget budget) {
    return new Rule(name, type, priority, Duration.ofSeconds(60), Set.of("person"), 2, 0.5, 0.3, 0.6, 20, 0.5, budget,
        0, 0, 1);
  }

  /** Semantic labels: each class covering a share of a 100x100 frame (its first pixels in column order). */
  private static LabelSet masks(Double margin, Object... classAndShare) {
    List<Detection> d = new java.util.ArrayList<>();
    for (int i = 0; i < classAndShare.length; i += 2) {
      int set = (int) Math.round((double) classAndShare[i + 1] * 10_000);
      d.add(new Detection((String) classAndShare[i], 0.9, new Box(0, 0, 100, 100), null,
          io.fieldcap.model.Rle.of(100, 100, new int[] {0, set, 10_000 - set}, 3)));
    }
    return new LabelSet("seg.onnx", d, null, margin);
  }

  @Test
  void coverageKeepsFramesWhereTheClassesCoverTheirShareAndTheMarginMarksHesitation() {
    Rule weed = new Rule("weed", Type.COVERAGE, 1, null, Set.of("weed"), 1, 0, 0, 1, 0, 0, Budget.NONE, 0, 0.05, 1);
    Rules r = new Rules(new CaptureConfig(List.of(weed), Budget.NONE), 1);
    assertThat(r.decide(T0, masks(0.5, "background", 0.97, "weed", 0.03), HASH_A, 0).kept()).as("3% weed").isFalse();
    assertThat(r.decide(T0, masks(0.5, "background", 0.9, "weed", 0.1), HASH_A, 0).rule()).as("10% weed").isEqualTo("weed");
    assertThat(r.decide(T0, labels(0.9), HASH_A, 0).kept()).as("no masks: no model said anything of coverage").isFalse();
    Rule clear = new Rule("clear", Type.COVERAGE, 1, null, Set.of(), 1, 0, 0, 1, 0, 0, Budget.NONE, 0, 0, 0.2);
    Rules sky = new Rules(new CaptureConfig(List.of(clear), Budget.NONE), 1);
    assertThat(sky.decide(T0, masks(0.5, "background", 0.7, "weed", 0.1, "road", 0.2), HASH_A, 0).kept())
        .as("weed and road together 30%, background not counted").isFalse();
    assertThat(sky.decide(T0, masks(0.5, "background", 0.85, "weed", 0.1, "road", 0.05), HASH_A, 0).kept()).isTrue();

    Rule unsure = new Rule("unsure", Type.UNCERTAIN, 1, null, Set.of(), 1, 0, 0.3, 0.6, 0, 0, Budget.NONE, 0.2, 0, 1);
    Rules u = new Rules(new CaptureConfig(List.of(unsure), Budget.NONE), 1);
    assertThat(u.decide(T0, masks(0.5, "road", 1.0), HASH_A, 0).kept()).as("sure").isFalse();
    assertThat(u.decide(T0, masks(0.1, "road", 1.0), HASH_A, 0).kept()).as("a mean margin of 0.1").isTrue();
  }

  private static LabelSet labels(double... personScores) {
    List<Detection> d = new java.util.ArrayList<>();
    for (double s : personScores) {
      d.add(new Detection("person", s, new Box(1, 1, 5, 5), null));
    }
    return new LabelSet("m.onnx", d);
  }

  @Test
  void withoutRulesEveryFrameIsKeptUnderTheOverallBudget() {
    Rules r = new Rules(new CaptureConfig(List.of(), new Budget(2, 0, 0, 0)), 1);
    assertThat(r.decide(T0, null, HASH_A, 0).rule()).isEqualTo("all");
    assertThat(r.decide(T0.plusSeconds(1), null, HASH_A, 0).kept()).isTrue();
    assertThat(r.decide(T0.plusSeconds(2), null, HASH_A, 0).reason()).isEqualTo(Rules.BUDGET);
    assertThat(r.decide(T0.plusSeconds(61), null, HASH_A, 0).kept()).as("the next minute").isTrue();
  }

  @Test
  void eachRuleTypeKeepsWhatItLooksFor() {
    Rules interval = new Rules(new CaptureConfig(List.of(rule("base", Type.INTERVAL, 0, Budget.NONE)), Budget.NONE), 1);
    assertThat(interval.decide(T0, null, HASH_A, 0).kept()).isTrue();
    assertThat(interval.decide(T0.plusSeconds(59), null, HASH_A, 0).reason()).isEqualTo(Rules.NO_RULE);
    assertThat(interval.decide(T0.plusSeconds(60), null, HASH_A, 0).rule()).isEqualTo("base");

    Rules people = new Rules(new CaptureConfig(List.of(rule("people", Type.DETECTIONS, 1, Budget.NONE)), Budget.NONE), 1);
    assertThat(people.decide(T0, labels(0.9), HASH_A, 0).kept()).as("one person, two wanted").isFalse();
    assertThat(people.decide(T0, labels(0.9, 0.4), HASH_A, 0).kept()).as("second under min-score").isFalse();
    assertThat(people.decide(T0, labels(0.9, 0.7), HASH_A, 0).kept()).isTrue();

    Rules unsure = new Rules(new CaptureConfig(List.of(rule("unsure", Type.UNCERTAIN, 1, Budget.NONE)), Budget.NONE), 1);
    assertThat(unsure.decide(T0, labels(0.9, 0.2), HASH_A, 0).kept()).isFalse();
    assertThat(unsure.decide(T0, labels(0.9, 0.45), HASH_A, 0).kept()).isTrue();

    Rules motion = new Rules(new CaptureConfig(List.of(rule("miss", Type.MOTION_WITHOUT_DETECTION, 1, Budget.NONE)),
        Budget.NONE), 1);
    motion.decide(T0, labels(), HASH_A, 0);
    assertThat(motion.decide(T0.plusSeconds(1), labels(), HASH_A, 0).kept()).as("nothing changed").isFalse();
    assertThat(motion.decide(T0.plusSeconds(2), labels(0.9), HASH_B, 0).kept()).as("changed, but found").isFalse();
    assertThat(motion.decide(T0.plusSeconds(3), labels(), HASH_A, 0).kept()).as("changed, nothing found").isTrue();

    Rules sample = new Rules(new CaptureConfig(List.of(rule("sample", Type.RANDOM, 0, Budget.NONE)), Budget.NONE), 42);
    int kept = 0;
    for (int i = 0; i < 1000; i++) {
      kept += sample.decide(T0.plusSeconds(i), null, HASH_A, 0).kept() ? 1 : 0;
    }
    assertThat(kept).as("probability 0.5 of 1000").isBetween(430, 570);
  }

  @Test
  void theHighestPriorityRuleThatMatchesAndHasBudgetKeepsTheFrame() {
    Rules r = new Rules(new CaptureConfig(List.of(
        rule("base", Type.INTERVAL, 0, Budget.NONE),
        rule("people", Type.DETECTIONS, 5, new Budget(0, 0, 2, 0)),
        rule("unsure", Type.UNCERTAIN, 3, Budget.NONE)), Budget.NONE), 1);
    LabelSet both = labels(0.9, 0.55);
    assertThat(r.decide(T0, both, HASH_A, 0)).isEqualTo(new Rules.Verdict("people", 5, null));
    assertThat(r.decide(T0.plusSeconds(1), both, HASH_A, 0).rule()).isEqualTo("people");
    assertThat(r.decide(T0.plusSeconds(2), both, HASH_A, 0)).as("people's day is spent").isEqualTo(new Rules.Verdict("unsure", 3, null));
    assertThat(r.decide(T0.plusSeconds(3), labels(0.9), HASH_A, 0).rule()).as("only the baseline matches").isEqualTo("base");
    assertThat(r.decide(T0.plusSeconds(4), labels(0.9, 0.95), HASH_A, 0).reason()).as("people matches, out of budget")
        .isEqualTo(Rules.BUDGET);
  }

  @Test
  void aNearlyFullSpoolPausesPriorityZeroRulesAndByteBudgetsCountStoredBytes() {
    Rules r = new Rules(new CaptureConfig(List.of(rule("base", Type.INTERVAL, 0, Budget.NONE)),
        new Budget(0, 0, 0, 1000)), 1);
    assertThat(r.decide(T0, null, HASH_A, 0.95).reason()).isEqualTo(Rules.SPOOL_FULL);
    assertThat(r.decide(T0, null, HASH_A, 0.5).kept()).isTrue();
    r.stored("base", T0, 1000);
    assertThat(r.decide(T0.plusSeconds(120), null, HASH_A, 0.5).reason()).as("1000 bytes a day spent")
        .isEqualTo(Rules.BUDGET);
    assertThat(r.decide(T0.plus(Duration.ofDays(1)), null, HASH_A, 0.5).kept()).as("the next day").isTrue();
  }

  @Test
  void givenBudgetsSpent_whenTheAgentRestarts_thenTheyStaySpentUntilTheirWindowsEnd() {
    CaptureConfig config = new CaptureConfig(List.of(rule("people", Type.DETECTIONS, 1, new Budget(0, 0, 3, 0)),
        rule("base", Type.INTERVAL, 0, Budget.NONE)), Budget.NONE);
    Rules before = new Rules(config, 1);
    for (int i = 0; i < 3; i++) {
      assertThat(before.decide(T0.plusSeconds(i), labels(0.9, 0.9), HASH_A, 0).rule()).isEqualTo("people");
    }
    Rules after = new Rules(config, 1); // a restart, the same day
    after.restore(before.state());
    assertThat(after.decide(T0.plusSeconds(10), labels(0.9, 0.9), HASH_A, 0).rule())
        .as("the day's 3 are spent; the interval rule, which kept nothing yet, keeps it").isEqualTo("base");
    assertThat(after.decide(T0.plusSeconds(20), labels(0.9, 0.9), HASH_A, 0).kept()).as("base kept one 10 s ago").isFalse();
    assertThat(after.decide(T0.plus(Duration.ofDays(1)), labels(0.9, 0.9), HASH_A, 0).rule())
        .as("a new day, a new budget").isEqualTo("people");
    Rules fresh = new Rules(config, 1);
    fresh.restore("{not json");
    fresh.restore("{\"budgets\":{\"gone-rule\":[1,2,3,4,5,6,7]}}");
    assertThat(fresh.decide(T0, labels(0.9, 0.9), HASH_A, 0).rule()).as("unreadable or stale state is ignored").isEqualTo("people");
  }
}
