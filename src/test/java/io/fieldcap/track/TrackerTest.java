package io.fieldcap.track;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.eval.MotEval;
import io.fieldcap.model.Box;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The tracker on synthetic trajectories, scored with MotEval (py-motmetrics' figures). */
class TrackerTest {
  /** One object of a scene: its id, class and box at frame t (null when out of view), its score. */
  private interface Walker {
    Box at(int t);

    default double score(int t) {
      return 0.9;
    }

    default String label() {
      return "person";
    }
  }

  private static MotEval.Summary run(Tracker tracker, List<Walker> walkers, int frames, long seed) {
    MotEval eval = new MotEval();
    Random rnd = new Random(seed);
    for (int t = 0; t < frames; t++) {
      List<MotEval.Tracked> truth = new ArrayList<>();
      List<Tracker.Seen> seen = new ArrayList<>();
      for (int k = 0; k < walkers.size(); k++) {
        Box b = walkers.get(k).at(t);
        if (b == null) {
          continue;
        }
        truth.add(new MotEval.Tracked(k + 1, b));
        seen.add(new Tracker.Seen(walkers.get(k).label(), walkers.get(k).score(t), new Box(b.x() + rnd.nextGaussian(),
            b.y() + rnd.nextGaussian(), b.w() + rnd.nextGaussian(), b.h() + rnd.nextGaussian())));
      }
      long[] ids = tracker.update(seen);
      List<MotEval.Tracked> out = new ArrayList<>();
      for (int i = 0; i < ids.length; i++) {
        if (ids[i] != 0) {
          out.add(new MotEval.Tracked(ids[i], seen.get(i).box()));
        }
      }
      eval.frame(truth, out);
    }
    return eval.summary();
  }

  @Test
  void twoPeopleCrossingKeepTheirIds() {
    List<Walker> w = List.of(t -> new Box(10 + 8 * t, 100, 40, 80), t -> new Box(330 - 8 * t, 120, 40, 80));
    MotEval.Summary s = run(new Tracker(Tracker.Options.DEFAULT), w, 40, 1);
    assertThat(s.switches()).as("the Kalman filter's velocities carry each through the crossing").isZero();
    assertThat(s.idf1()).isGreaterThan(0.95);
    assertThat(s.misses()).as("each is missed only on its first frame, before its track is confirmed").isEqualTo(2);
  }

  @Test
  void aHalfHiddenObjectKeepsItsTrackThroughItsWeakDetections() {
    // behind a fence from frame 12 to 20: still detected, with a score of 0.3
    Walker hidden = new Walker() {
      @Override
      public Box at(int t) {
        return new Box(20 + 6 * t, 60, 40, 80);
      }

      @Override
      public double score(int t) {
        return t >= 12 && t <= 20 ? 0.3 : 0.9;
      }
    };
    Walker other = t -> new Box(400, 40 + 3 * t, 30, 60);
    MotEval.Summary byte_ = run(new Tracker(Tracker.Options.DEFAULT), List.of(hidden, other), 40, 2);
    Tracker.Options strongOnly = new Tracker.Options(0.5, 0.5, 0.2, 0.5, 2, 30);
    MotEval.Summary sort = run(new Tracker(strongOnly), List.of(hidden, other), 40, 2);
    assertThat(byte_.switches()).isZero();
    assertThat(byte_.misses()).as("only the frames before confirmation").isEqualTo(2);
    assertThat(sort.misses()).as("without the second pass the weak frames are lost").isEqualTo(2 + 9);
    assertThat(byte_.mota()).isGreaterThan(sort.mota());
  }

  @Test
  void anObjectThatLeavesForLongerThanMaxAgeComesBackUnderANewTrack() {
    Walker w = t -> t >= 10 && t < 30 ? null : new Box(50 + 2 * t, 80, 40, 80);
    Tracker tracker = new Tracker(new Tracker.Options(0.5, 0.1, 0.2, 0.5, 2, 5));
    MotEval.Summary s = run(tracker, List.of(w), 45, 3);
    assertThat(tracker.started()).as("its first track ended after 5 frames unseen").isEqualTo(2);
    assertThat(s.switches()).isEqualTo(1);
    assertThat(tracker.active()).isEqualTo(1);
  }

  @Test
  void aTrackThatEndsIsReportedOnceWithItsLengthAndEndAllReportsTheRest() {
    Tracker tracker = new Tracker(new Tracker.Options(0.5, 0.1, 0.2, 0.5, 2, 3), 40);
    List<Long> ended = new ArrayList<>();
    int endedAt = -1;
    for (int t = 0; t < 20; t++) {
      List<Tracker.Seen> seen = new ArrayList<>();
      seen.add(new Tracker.Seen("person", 0.9, new Box(300, 100 + t, 40, 80))); // stays all along
      if (t < 8) {
        seen.add(new Tracker.Seen("person", 0.9, new Box(20 + 3 * t, 100, 40, 80))); // walks out after 8 frames
      }
      tracker.update(seen);
      for (long id : tracker.endedNow()) {
        ended.add(id);
        endedAt = t;
      }
    }
    assertThat(ended).as("track ids go on from 40").containsExactly(41L);
    assertThat(endedAt).as("unseen from frame 8, more than max-age (3) frames: 8, 9, 10, 11").isEqualTo(11);
    assertThat(tracker.endedAndFrames()).containsExactly(1, 8);
    assertThat(tracker.endAll()).containsExactly(40L);
    assertThat(tracker.endedAndFrames()).containsExactly(2, 28);
    assertThat(tracker.active()).isZero();
    assertThat(tracker.nextId()).isEqualTo(42);
  }

  @Test
  void tracksOfDifferentClassesNeverTakeEachOthersDetections() {
    // a dog walking through a standing person: same place, other class
    Walker person = new Walker() {
      @Override
      public Box at(int t) {
        return new Box(200, 100, 40, 80);
      }
    };
    Walker dog = new Walker() {
      @Override
      public Box at(int t) {
        return new Box(120 + 4 * t, 110, 40, 70);
      }

      @Override
      public String label() {
        return "dog";
      }
    };
    MotEval.Summary s = run(new Tracker(Tracker.Options.DEFAULT), List.of(person, dog), 40, 4);
    assertThat(s.switches()).isZero();
    assertThat(s.idf1()).isGreaterThan(0.95);
  }

  @Test
  void aFlickeringFalseAlarmNeverBecomesATrack() {
    Tracker tracker = new Tracker(Tracker.Options.DEFAULT);
    for (int t = 0; t < 20; t++) {
      List<Tracker.Seen> seen = t % 2 == 0 ? List.of(new Tracker.Seen("person", 0.8, new Box(10 + 37 * t, 300, 30, 30)))
          : List.of();
      assertThat(java.util.stream.LongStream.of(tracker.update(seen))).as("no track id").allMatch(id -> id == 0);
    }
    assertThat(tracker.started()).isZero();
  }

  @Test
  void aDetectionCarriesItsTrackIdThroughJsonAndOlderLabelsReadAsUntracked() throws Exception {
    io.fieldcap.model.Detection d = new io.fieldcap.model.Detection("person", 0.9, new Box(1, 2, 3, 4)).withTrack(7);
    String json = io.fieldcap.json.Json.MAPPER.writeValueAsString(d);
    assertThat(json).contains("\"trackId\":7");
    assertThat(io.fieldcap.json.Json.MAPPER.readValue(json, io.fieldcap.model.Detection.class)).isEqualTo(d);
    String untracked = io.fieldcap.json.Json.MAPPER.writeValueAsString(new io.fieldcap.model.Detection("car", 0.5, new Box(0, 0, 1, 1)));
    assertThat(untracked).as("labels of frames nobody tracked are written as before").doesNotContain("trackId");
    assertThat(io.fieldcap.json.Json.MAPPER.readValue(untracked, io.fieldcap.model.Detection.class).trackId()).isNull();
  }
}
