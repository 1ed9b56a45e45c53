package io.fieldcap.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.FrameId;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Sha256;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database answers a {@link FrameQuery} (devices, time, marks, review state, classes) with the
 * frames the same test in Java picks, and the class index is filled for frames stored before it existed.
 */
class FrameQueryTest {
  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

  @TempDir Path tmp;

  static LabelSet labels(String... classes) {
    List<Detection> d = new ArrayList<>();
    for (String c : classes) {
      d.add(new Detection(c, 0.9, new Box(1, 1, 5, 5)));
    }
    return new LabelSet("m", d);
  }

  private static Instant at(int i) {
    return T0.plusMillis(700L * i); // every other frame has a fraction of a second
  }

  /** 30 frames of three devices: pre-labels, revisions that change classes, marks of each kind. */
  static List<String> fill(LocalFrameStore s) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      List<String> cls = new ArrayList<>();
      if (i % 2 == 0) {
        cls.add("person");
      }
      if (i % 3 == 0) {
        cls.add("car");
      }
      String id = FrameId.of(at(i), i).value();
      ids.add(id);
      byte[] image = {(byte) i, 7, 7};
      LabelSet pre = i % 5 == 0 ? null : labels(cls.toArray(String[]::new));
      assertThat(s.commit(new NewFrame("cam-" + i % 3, id, i, at(i), Sha256.hex(image), image.length, "image/jpeg", 4, 4,
          pre, Map.of()), image, T0)).isEqualTo(FrameStore.Outcome.STORED);
      if (i % 4 == 0) {
        s.revisions().add("cam-" + i % 3, id, labels("person"), "ann", "first.json", "coco", T0);
        if (i % 8 == 0) { // a second revision: the newest one counts
          s.revisions().add("cam-" + i % 3, id, labels("truck"), "ann", "second.json", "coco", T0);
        }
      }
      if (i % 7 == 0) {
        s.marks().mark("cam-" + i % 3, id, "duplicate", "same as another", "g", 1, T0);
      }
      if (i == 9 || i == 10) {
        s.marks().mark("cam-" + i % 3, id, i == 9 ? "rejected" : "flagged", "by a reviewer", null, 0, T0);
      }
    }
    s.setPrelabels("cam-2", ids.get(5), labels("bicycle")); // a frame stored without pre-labels gets some
    return ids;
  }

  private static List<FrameQuery> queries() {
    Set<String> none = Set.of();
    List<FrameQuery> q = new ArrayList<>();
    for (FrameQuery.Labels l : FrameQuery.Labels.values()) {
      q.add(new FrameQuery(none, null, null, none, l, none));
      q.add(new FrameQuery(none, null, null, none, l, Set.of("car")));
      q.add(new FrameQuery(none, null, null, none, l, Set.of("truck", "bicycle")));
      q.add(new FrameQuery(none, null, null, none, l, Set.of("person")));
      q.add(new FrameQuery(Set.of("cam-1", "cam-2"), at(4), at(21), Set.of("duplicate", "rejected"), l, Set.of("person", "car")));
    }
    q.add(new FrameQuery(Set.of("cam-0"), null, null, none, FrameQuery.Labels.BEST, none));
    q.add(new FrameQuery(none, at(3), null, none, FrameQuery.Labels.BEST, none)); // 2.1 s: a bound inside a second
    q.add(new FrameQuery(none, null, at(3), none, FrameQuery.Labels.BEST, none));
    q.add(new FrameQuery(none, at(2), at(10), none, FrameQuery.Labels.BEST, none)); // 1.4 s to 7 s
    q.add(new FrameQuery(none, null, null, Set.of("duplicate", "broken", "rejected"), FrameQuery.Labels.BEST, none));
    q.add(new FrameQuery(none, null, null, Set.of("flagged"), FrameQuery.Labels.BEST, none));
    q.add(new FrameQuery(none, null, null, none, FrameQuery.Labels.BEST, Set.of("no-such-class")));
    return q;
  }

  private static List<String> read(Frames frames) throws Exception {
    List<String> out = new ArrayList<>();
    frames.forEach(f -> out.add(f.device() + "/" + f.frameId()));
    return out;
  }

  /** Every query, answered by the database, and by testing each frame in Java. */
  static List<List<String>> answers(LocalFrameStore s) throws Exception {
    List<List<String>> out = new ArrayList<>();
    for (FrameQuery q : queries()) {
      List<String> byDatabase = read(s.where(q));
      Frames everyFrame = s::forEach; // a plain Frames: the default where tests each frame
      List<String> byJava = read(everyFrame.where(q));
      assertThat(byDatabase).as("%s", q).isEqualTo(byJava);
      out.add(byDatabase);
    }
    return out;
  }

  @Test
  void theDatabaseAnswersEachQueryWithTheFramesTheJavaTestPicks() throws Exception {
    try (LocalFrameStore s = LocalFrameStore.open(tmp)) {
      List<String> ids = fill(s);
      List<List<String>> answers = answers(s);
      assertThat(answers.get(0)).hasSize(30);
      // worked by hand: pre-labels with a car are frames 3, 6, 9, 12, 18, 21, 24, 27 (0, 15 have none)
      assertThat(read(s.where(new FrameQuery(Set.of(), null, null, Set.of(), FrameQuery.Labels.PRELABELS, Set.of("car")))))
          .containsExactlyInAnyOrder(frames(ids, 3, 6, 9, 12, 18, 21, 24, 27));
      // newest labels with a truck: frames 0, 8, 16, 24 (second revisions); bicycle: 5 (set later)
      assertThat(read(s.where(new FrameQuery(Set.of(), null, null, Set.of(), FrameQuery.Labels.BEST, Set.of("truck", "bicycle")))))
          .containsExactlyInAnyOrder(frames(ids, 0, 5, 8, 16, 24));
      // 2.1 s (frame 3) and later: a bound inside a second, where text order is not time order
      assertThat(read(s.where(new FrameQuery(Set.of(), at(3), null, Set.of(), FrameQuery.Labels.BEST, Set.of())))).hasSize(27);
      // every answer is a real choice: empty only for reviewed cars (no revision has one) and the class
      // nobody has; every frame only without filters (pre-labels or best labels)
      assertThat(answers.stream().filter(List::isEmpty)).hasSize(2);
      assertThat(answers.stream().filter(a -> a.size() == 30)).hasSize(2);
    }
  }

  private static String[] frames(List<String> ids, int... i) {
    String[] out = new String[i.length];
    for (int k = 0; k < i.length; k++) {
      out[k] = "cam-" + i[k] % 3 + "/" + ids.get(i[k]);
    }
    return out;
  }

  @Test
  void theClassIndexIsFilledForFramesStoredBeforeItExisted() throws Exception {
    List<List<String>> before;
    try (LocalFrameStore s = LocalFrameStore.open(tmp)) {
      fill(s);
      before = answers(s);
      try (Statement st = s.db().c().createStatement()) { // as a data folder made before the index was
        st.executeUpdate("DELETE FROM frame_classes");
        st.executeUpdate("DELETE FROM flyway_schema_history WHERE installed_rank >= (SELECT installed_rank FROM flyway_schema_history WHERE version = '2')");
      }
      assertThat(read(s.where(queries().get(1)))).as("no index, no class matches").isEmpty();
    }
    try (LocalFrameStore s = LocalFrameStore.open(tmp)) {
      assertThat(answers(s)).isEqualTo(before);
    }
  }
}
