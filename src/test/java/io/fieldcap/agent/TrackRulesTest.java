package io.fieldcap.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.config.CaptureConfig.Budget;
import io.fieldcap.config.CaptureConfig.Rule;
import io.fieldcap.config.CaptureConfig.Tracks;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The capture rules over tracks, new-track and best-shot, through the select stage: which frames of a track are kept, when, and why the others were not. */
class TrackRulesTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
  private static final int W = 64;
  private static final int H = 48;
  private static final byte[] SHARP = new byte[W * H * 3];
  private static final byte[] FLAT = new byte[W * H * 3];

  static {
    new Random(7).nextBytes(SHARP);
  }

  private final List<String> rejected = new ArrayList<>();

  private Selector selector(Rule... rules) {
    return new Selector(new ManualCapture(), new DuplicateFilter(QualityConfig.defaults()),
        new Rules(new CaptureConfig(List.of(rules), Budget.NONE), 1), (item, reason) -> rejected.add(item + ":" + reason),
        () -> 0.0);
  }

  private static Rule bestShot(int perTrack, Duration spacing, Duration maxWait, Budget budget) {
    return new Rule("best", Type.BEST_SHOT, 5, null, Set.of("person"), 1, 0.5, 0, 1, 0, 0, budget, 0, 0, 1,
        new Tracks(3, perTrack, spacing, maxWait, 32), false);
  }

  private static Rule newTrack(int minLength) {
    return new Rule("new", Type.NEW_TRACK, 5, null, Set.of("person"), 1, 0.5, 0, 1, 0, 0, Budget.NONE, 0, 0, 1,
        new Tracks(minLength, 1, Duration.ZERO, Duration.ofMinutes(1), 32), false);
  }

  /** Frame {@code seq}, {@code seconds} after T0, with each track id at score and box, and the tracks that ended. */
  private static Labeled frame(long seq, double seconds, byte[] pixels, long[] ended, Detection... ds) {
    Frame f = new Frame(seq, T0.plusMillis((long) (seconds * 1000)), W, H, pixels, "item-" + seq);
    long[] hash = {seq * 0x9E3779B97F4A7C15L, ~seq * 31, seq << 7, -seq}; // every frame a different scene
    return new Labeled(f, new LabelSet("m.onnx", List.of(ds)), new FrameQuality(1, 128, hash), ended);
  }

  private static Detection person(long track, double score, double size) {
    return new Detection("person", score, new Box(10, 10, size, size)).withTrack(track);
  }

  private static final long[] NONE = {};

  @Test
  void bestShotKeepsOneFramePerTrackWhenItEndsTheSharpestLargestMostConfident() {
    Selector s = selector(bestShot(1, Duration.ZERO, Duration.ofHours(1), Budget.NONE));
    assertThat(s.select(frame(1, 0.0, SHARP, NONE, person(7, 0.6, 20)))).isEmpty();
    assertThat(s.select(frame(2, 0.2, SHARP, NONE, person(7, 0.9, 30)))).isEmpty(); // the best: confident, large, sharp
    assertThat(s.select(frame(3, 0.4, FLAT, NONE, person(7, 0.95, 30)))).isEmpty(); // more confident but blurred flat
    assertThat(s.select(frame(4, 0.6, SHARP, NONE, person(7, 0.9, 12)))).isEmpty(); // smaller
    assertThat(s.held()).isEqualTo(1);
    List<Kept> kept = s.select(frame(5, 3.0, SHARP, new long[] {7}));
    assertThat(kept).hasSize(1);
    assertThat(kept.get(0).frame().seq()).isEqualTo(2);
    assertThat(kept.get(0).rule()).isEqualTo("best");
    assertThat(kept.get(0).priority()).isEqualTo(5);
    assertThat(kept.get(0).labels().detections().get(0).trackId()).isEqualTo(7L);
    // frame 5 shows no person: no rule; the other three: tracking kept a better one
    assertThat(rejected).containsExactlyInAnyOrder("item-1:tracked", "item-3:tracked", "item-4:tracked", "item-5:no-rule");
    assertThat(s.held()).isZero();
  }

  @Test
  void aTrackShorterThanMinLengthIsFlickerAndKeepsNothing() {
    Selector s = selector(bestShot(1, Duration.ZERO, Duration.ofHours(1), Budget.NONE));
    s.select(frame(1, 0, SHARP, NONE, person(3, 0.9, 20)));
    s.select(frame(2, 0.2, SHARP, NONE, person(3, 0.8, 20)));
    assertThat(s.select(frame(3, 0.4, SHARP, new long[] {3}))).isEmpty();
    assertThat(rejected).containsExactlyInAnyOrder("item-1:tracked", "item-2:tracked", "item-3:no-rule");
  }

  @Test
  void perTrackKeepsTheNBestSpacedApartInTimeInTheOrderTheyWereSeen() {
    Selector s = selector(bestShot(2, Duration.ofSeconds(2), Duration.ofHours(1), Budget.NONE));
    double[] scores = {0.6, 0.9, 0.85, 0.7, 0.65, 0.8, 0.6};
    for (int i = 0; i < scores.length; i++) {
      s.select(frame(i + 1, i, SHARP, NONE, person(4, scores[i], 20)));
    }
    List<Kept> kept = s.select(frame(20, 10, SHARP, new long[] {4}));
    // 0.9 at 1 s holds 0 s to 3 s (0.85 at 2 s is too close); the best later one is 0.8 at 5 s
    assertThat(kept).extracting(k -> k.frame().seq()).containsExactly(2L, 6L);
  }

  @Test
  void aLongTrackGivesItsBestEveryMaxWaitAndTheRestWhenTheAgentStops() {
    Selector s = selector(bestShot(1, Duration.ZERO, Duration.ofSeconds(60), Budget.NONE));
    List<Long> kept = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      double score = 0.6 + 0.3 * ((i * 37) % 100) / 100.0;
      s.select(frame(i + 1, i, SHARP, NONE, person(9, score, 20))).forEach(k -> kept.add(k.frame().capturedAt().getEpochSecond() - T0.getEpochSecond()));
    }
    assertThat(kept).hasSize(2); // due at 60 s and 120 s after the first candidates
    assertThat(kept.get(0)).isLessThan(61);
    assertThat(kept.get(1)).isBetween(60L, 121L);
    assertThat(s.drain()).hasSize(1); // the stretch from 121 s, not lost with the process
    assertThat(s.held()).isZero();
  }

  @Test
  void bestShotsGoThroughTheRulesBudgetAndOneFrameServesEveryTrackItHeld() {
    Selector s = selector(bestShot(1, Duration.ZERO, Duration.ofHours(1), new Budget(1, 0, 0, 0)));
    for (int i = 0; i < 4; i++) {
      s.select(frame(i + 1, i * 0.2, SHARP, NONE, person(1, 0.9, 20), person(2, 0.7, 20)));
    }
    s.select(frame(5, 1.0, SHARP, NONE, person(3, 0.9, 20)));
    s.select(frame(6, 1.2, SHARP, NONE, person(3, 0.9, 20)));
    s.select(frame(7, 1.4, SHARP, NONE, person(3, 0.95, 20)));
    List<Kept> kept = s.select(frame(8, 2.0, SHARP, new long[] {1, 2, 3}));
    assertThat(kept).hasSize(1); // tracks 1 and 2 share their best frame, kept once; track 3's is over the minute's budget
    assertThat(kept.get(0).frame().seq()).isEqualTo(1);
    assertThat(rejected).contains("item-7:budget");
  }

  @Test
  void pastMaxHeldTheTrackCollectingLongestGivesItsBestEarlyAndNothingIsLost() throws Exception {
    Rule tight = new Rule("best", Type.BEST_SHOT, 5, null, Set.of("person"), 1, 0.5, 0, 1, 0, 0, Budget.NONE, 0, 0, 1,
        new Tracks(1, 1, Duration.ZERO, Duration.ofHours(1), 2), false);
    Selector s = selector(tight);
    assertThat(s.select(frame(1, 0, SHARP, NONE, person(1, 0.9, 20)))).isEmpty();
    assertThat(s.select(frame(2, 0.2, SHARP, NONE, person(2, 0.9, 20)))).isEmpty();
    assertThat(s.held()).isEqualTo(2);
    // a third track's frame: three held would be over max-held 2, so track 1 (collecting since frame 1) gives its best now
    List<Kept> early = s.select(frame(3, 0.4, SHARP, NONE, person(3, 0.9, 20)));
    assertThat(early).extracting(k -> k.frame().seq()).containsExactly(1L);
    assertThat(s.held()).isEqualTo(2);
    assertThat(s.drain()).extracting(k -> k.frame().seq()).containsExactlyInAnyOrder(2L, 3L);
    assertThat(rejected).isEmpty();
  }

  @Test
  void newTrackKeepsTheFirstConfidentFrameOnceTheTrackIsLongEnoughAndNotAgain() {
    Selector s = selector(newTrack(2));
    assertThat(s.select(frame(1, 0, SHARP, NONE, person(5, 0.9, 20)))).isEmpty();
    assertThat(s.select(frame(2, 0.2, SHARP, NONE, person(5, 0.4, 20)))).isEmpty(); // not confident
    List<Kept> second = s.select(frame(3, 0.4, SHARP, NONE, person(5, 0.9, 20), person(6, 0.9, 20)));
    assertThat(second).hasSize(1);
    assertThat(second.get(0).rule()).isEqualTo("new");
    // track 6, new in frame 3, is covered by that frame
    assertThat(s.select(frame(4, 0.6, SHARP, NONE, person(5, 0.9, 20), person(6, 0.9, 20)))).isEmpty();
    assertThat(rejected).containsExactly("item-1:tracked", "item-2:no-rule", "item-4:tracked");
  }
}
