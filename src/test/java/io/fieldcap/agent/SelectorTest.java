package io.fieldcap.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.config.CaptureConfig.Budget;
import io.fieldcap.config.CaptureConfig.Rule;
import io.fieldcap.config.CaptureConfig.Type;
import io.fieldcap.config.CaptureConfig;
import io.fieldcap.config.QualityConfig;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.Frame;
import io.fieldcap.model.LabelSet;
import io.fieldcap.select.DuplicateFilter;
import io.fieldcap.select.FrameQuality;
import io.fieldcap.select.ManualCapture;
import io.fieldcap.select.Rules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SelectorTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
  private static final long[] HASH_A = {0, 0, 0, 0};
  private static final long[] HASH_B = {-1L, -1L, -1L, 0};

  private final List<String> rejected = new ArrayList<>();
  private final ManualCapture manual = new ManualCapture();

  private Selector selector(Rule... rules) {
    CaptureConfig capture = rules.length == 0 ? CaptureConfig.keepAll() : new CaptureConfig(List.of(rules), Budget.NONE);
    return new Selector(manual, new DuplicateFilter(QualityConfig.defaults()), new Rules(capture, 1),
        (item, reason) -> rejected.add(item + ":" + reason), () -> 0.0);
  }

  private static Labeled frame(long seq, Instant at, long[] hash, LabelSet labels) {
    return new Labeled(new Frame(seq, at, 8, 8, new byte[8 * 8 * 3], "item-" + seq), labels,
        new FrameQuality(100, 128, hash));
  }

  private static Kept one(List<Kept> kept) {
    assertThat(kept).hasSizeLessThanOrEqualTo(1);
    return kept.isEmpty() ? null : kept.get(0);
  }

  private static LabelSet person(double score) {
    return new LabelSet("m.onnx", List.of(new Detection("person", score, new Box(1, 1, 4, 4), null, null)));
  }

  @Test
  void aKeptFrameCarriesItsRuleAndPriorityAndItsLabelsUnchanged() {
    Rule people = new Rule("people", Type.DETECTIONS, 7, null, Set.of("person"), 1, 0.5, 0, 1, 0, 0, Budget.NONE, 0, 0, 1);
    Selector s = selector(people);
    LabelSet labels = person(0.9);
    Kept k = one(s.select(frame(1, T0, HASH_A, labels)));
    assertThat(k).isNotNull();
    assertThat(k.rule()).isEqualTo("people");
    assertThat(k.priority()).isEqualTo(7);
    assertThat(k.labels()).isSameAs(labels);
    assertThat(k.redacted()).isFalse();
    assertThat(rejected).isEmpty();
  }

  @Test
  void aFrameNoRuleWantsIsCountedUnderTheRulesReasonAndNotKept() {
    Rule people = new Rule("people", Type.DETECTIONS, 7, null, Set.of("person"), 1, 0.5, 0, 1, 0, 0, Budget.NONE, 0, 0, 1);
    Selector s = selector(people);
    assertThat(s.select(frame(1, T0, HASH_A, person(0.2)))).isEmpty();
    assertThat(s.select(frame(2, T0, HASH_B, null))).isEmpty();
    assertThat(rejected).hasSize(2).allSatisfy(r -> assertThat(r).startsWith("item-"));
  }

  @Test
  void aNearDuplicateOfAKeptFrameIsRejectedAsDuplicateUnlessCaptureNowAskedForIt() {
    Selector s = selector();
    assertThat(s.select(frame(1, T0, HASH_A, null))).hasSize(1);
    assertThat(s.select(frame(2, T0.plusSeconds(1), HASH_A, null))).isEmpty();
    assertThat(rejected).containsExactly("item-2:" + DuplicateFilter.DUPLICATE);

    assertThat(manual.request("gate")).isTrue();
    Kept asked = one(s.select(frame(3, T0.plusSeconds(2), HASH_A, null)));
    assertThat(asked).isNotNull();
    assertThat(asked.rule()).isEqualTo("manual:gate");
    assertThat(asked.priority()).isEqualTo(ManualCapture.PRIORITY);
    assertThat(rejected).hasSize(1);
  }

  @Test
  void aDifferentSceneIsNoDuplicate() {
    Selector s = selector();
    assertThat(s.select(frame(1, T0, HASH_A, null))).hasSize(1);
    assertThat(s.select(frame(2, T0.plusSeconds(1), HASH_B, null))).hasSize(1);
    assertThat(rejected).isEmpty();
  }

  @Test
  void withoutARedactorFramesPassUnchanged() {
    int[] failures = {0};
    Redaction r = new Redaction(null, true, () -> failures[0]++);
    Kept k = new Kept(new Frame(1, T0, 8, 8, new byte[192], null), person(0.9), "all", 0, false);
    assertThat(r.redact(k)).isSameAs(k);
    assertThat(failures[0]).isZero();
  }
}
