package io.fieldcap.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldcap.config.MqttConfig.Drain;
import io.fieldcap.config.SpoolConfig.WhenFull;
import io.fieldcap.model.FrameId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
  @TempDir Path dir;
  private final InstantSource clock = InstantSource.fixed(Instant.parse("2026-11-29T10:00:00Z"));
  private final AtomicLong free = new AtomicLong(Long.MAX_VALUE / 2);

  private Spool open(long maxBytes, WhenFull policy) {
    return Spool.open(dir, maxBytes, 1000, policy, clock, free::get);
  }

  private static SpoolEntry entry(Spool s, int size, int priority, String item) {
    long seq = s.nextSequence();
    byte[] jpeg = new byte[size];
    jpeg[0] = (byte) seq;
    Instant at = Instant.parse("2026-11-29T10:00:00Z").plusSeconds(seq);
    return new SpoolEntry(FrameId.of(at, seq), seq, at, 4, 3, jpeg, item, priority, "all", null);
  }

  private long files() throws Exception {
    try (Stream<Path> s = Files.walk(dir.resolve("frames"))) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void givenAFrame_whenPut_thenItsFileIsInPlaceAndItIsPendingWithItsBytesCounted() throws Exception {
    try (Spool s = open(1 << 20, WhenFull.EVICT_OLDEST)) {
      SpoolEntry e = entry(s, 1000, 0, null);
      assertThat(s.put(e)).isEqualTo(Spool.PutResult.STORED);
      Path file = dir.resolve("frames/2026-11-29/" + e.id() + ".jpg");
      assertThat(file).exists().hasSize(1000);
      assertThat(dir.resolve("tmp")).isEmptyDirectory();
      SpoolStats st = s.stats();
      assertThat(st.pending()).isEqualTo(1);
      assertThat(st.bytes()).isEqualTo(1000);
    }
  }

  @Test
  void givenABatch_whenPutAll_thenEachIsStoredOnceInOneCommitAndASourceItemTwiceInItIsTakenOnce() throws Exception {
    try (Spool s = open(1 << 20, WhenFull.EVICT_OLDEST)) {
      s.put(entry(s, 10, 0, "dir:a.jpg|1|1"));
      List<SpoolEntry> batch = List.of(entry(s, 100, 0, null), entry(s, 200, 0, "dir:a.jpg|1|1"),
          entry(s, 300, 0, "dir:b.jpg|1|1"), entry(s, 400, 0, "dir:b.jpg|1|1"), entry(s, 500, 0, null));
      assertThat(s.putAll(batch)).containsExactly(Spool.PutResult.STORED, Spool.PutResult.ALREADY_TAKEN,
          Spool.PutResult.STORED, Spool.PutResult.ALREADY_TAKEN, Spool.PutResult.STORED);
      assertThat(files()).isEqualTo(4);
      assertThat(dir.resolve("tmp")).isEmptyDirectory();
      SpoolStats st = s.stats();
      assertThat(st.pending()).isEqualTo(4);
      assertThat(st.captured()).isEqualTo(4);
      assertThat(st.bytes()).isEqualTo(10 + 100 + 300 + 500);
      assertThat(s.isTaken("dir:b.jpg|1|1")).isTrue();
    }
  }

  @Test
  void givenABatchWhoseThirdFileCannotBeWritten_whenPutAll_thenNothingOfItIsStoredOrLeftAndTheFrameIsNamed()
      throws Exception {
    try (Spool s = open(1 << 20, WhenFull.EVICT_OLDEST)) {
      SpoolEntry first = entry(s, 100, 0, "dir:a.jpg|1|1");
      SpoolEntry second = entry(s, 100, 0, null);
      long seq = s.nextSequence();
      Instant nextDay = Instant.parse("2026-11-30T10:00:00Z");
      SpoolEntry third = new SpoolEntry(FrameId.of(nextDay, seq), seq, nextDay, 4, 3, new byte[100], null, 0, "all", null);
      Files.writeString(Files.createDirectories(dir.resolve("frames")).resolve("2026-11-30"), "a file where its folder goes");
      assertThatThrownBy(() -> s.putAll(List.of(first, second, third))).isInstanceOf(SpoolException.class)
          .hasMessageContaining("frame " + third.id()).hasMessageContaining("the 2 others of its batch");
      assertThat(files()).as("the first two files, renamed in, are removed again").isEqualTo(1); // the planted file
      SpoolStats st = s.stats();
      assertThat(st.pending()).isZero();
      assertThat(st.captured()).isZero();
      assertThat(st.bytes()).isZero();
      assertThat(s.isTaken("dir:a.jpg|1|1")).as("its source item can be taken again").isFalse();
      Files.delete(dir.resolve("frames/2026-11-30"));
      assertThat(s.putAll(List.of(first, second, third))).containsOnly(Spool.PutResult.STORED);
      assertThat(s.stats().pending()).isEqualTo(3);
    }
  }

  @Test
  void givenCountersAndFrames_whenReopened_thenCountsSurviveAndStatsCanBeReadFromOutside() throws Exception {
    try (Spool s = open(1 << 20, WhenFull.EVICT_OLDEST)) {
      s.put(entry(s, 100, 0, null));
      s.count(Counters.CAPTURED, 3);
      s.count(Counters.DROPPED, 1);
      s.skip("dir:bad.jpg|1|1", "truncated");
    }
    SpoolStats outside = Spool.readStats(dir, 1 << 20);
    assertThat(outside.captured()).as("the stored frame, 3 counted, the skipped file").isEqualTo(5);
    assertThat(outside.dropped()).isEqualTo(1);
    assertThat(outside.rejected()).isEqualTo(1);
    assertThat(outside.rejectedBy()).containsEntry("truncated", 1L);
    assertThat(outside.pending()).isEqualTo(1);
    try (Spool s = open(1 << 20, WhenFull.EVICT_OLDEST)) {
      s.count(Counters.CAPTURED, 2);
      assertThat(s.stats().captured()).as("unflushed counts are included").isEqualTo(7);
      assertThat(s.isTaken("dir:bad.jpg|1|1")).isTrue();
    }
  }

  @Test
  void givenRestarts_thenSequenceNumbersNeverRepeat() {
    Set<Long> seen = new HashSet<>();
    for (int run = 0; run < 3; run++) {
      try (Spool s = open(1 << 20, WhenFull.EVICT_OLDEST)) {
        for (int i = 0; i < 5; i++) {
          assertThat(seen.add(s.nextSequence())).isTrue();
        }
      }
    }
    assertThat(seen).hasSize(15);
  }

  @Test
  void givenAFullSpool_whenEvictOldest_thenTheOldestLowestPriorityFramesGoAndAreCounted() throws Exception {
    try (Spool s = open(3000, WhenFull.EVICT_OLDEST)) {
      SpoolEntry important = entry(s, 1000, 5, null);
      SpoolEntry old = entry(s, 1000, 0, null);
      SpoolEntry newer = entry(s, 1000, 0, null);
      s.put(important);
      s.put(old);
      s.put(newer);
      assertThat(s.put(entry(s, 1000, 0, null))).isEqualTo(Spool.PutResult.STORED);
      assertThat(dir.resolve("frames/2026-11-29/" + old.id() + ".jpg")).doesNotExist();
      assertThat(dir.resolve("frames/2026-11-29/" + important.id() + ".jpg")).exists();
      assertThat(s.put(entry(s, 1000, 0, null))).isEqualTo(Spool.PutResult.STORED);
      assertThat(dir.resolve("frames/2026-11-29/" + newer.id() + ".jpg")).doesNotExist();
      SpoolStats st = s.stats();
      assertThat(st.evicted()).isEqualTo(2);
      assertThat(st.pending()).isEqualTo(3);
      assertThat(st.bytes()).isLessThanOrEqualTo(3000);
      assertThat(files()).isEqualTo(3);
      // A low-priority frame may not push out a higher-priority one: only priority-5 frames are left to evict.
      s.put(entry(s, 1000, 5, null));
      s.put(entry(s, 1000, 5, null));
      assertThat(s.put(entry(s, 1000, 0, null))).isEqualTo(Spool.PutResult.EVICTED);
      assertThat(s.stats().bytes()).isLessThanOrEqualTo(3000);
    }
  }

  @Test
  void givenAFullSpool_whenRejectNew_thenStoredFramesStayAndTheNewOneIsCounted() throws Exception {
    try (Spool s = open(2000, WhenFull.REJECT_NEW)) {
      s.put(entry(s, 1000, 0, null));
      s.put(entry(s, 1000, 0, null));
      assertThat(s.put(entry(s, 1000, 9, null))).isEqualTo(Spool.PutResult.EVICTED);
      assertThat(s.stats().evicted()).isEqualTo(1);
      assertThat(s.stats().pending()).isEqualTo(2);
      assertThat(files()).isEqualTo(2);
    }
  }

  @Test
  void givenTheDiskReserveIsReached_thenFramesAreEvictedToKeepItFree() throws Exception {
    try (Spool s = open(1 << 30, WhenFull.EVICT_OLDEST)) {
      s.put(entry(s, 1000, 0, null));
      free.set(1500); // 1000 reserve: a new 1000-byte frame only fits once the old one is gone
      assertThat(s.put(entry(s, 1000, 0, null))).isEqualTo(Spool.PutResult.EVICTED);
      assertThat(s.stats().evicted()).isEqualTo(2);
    }
  }

  @Test
  void givenASourceItemAlreadyTaken_thenItIsNotStoredTwice() {
    try (Spool s = open(1 << 20, WhenFull.EVICT_OLDEST)) {
      assertThat(s.put(entry(s, 10, 0, "dir:a.jpg|10|1"))).isEqualTo(Spool.PutResult.STORED);
      assertThat(s.put(entry(s, 10, 0, "dir:a.jpg|10|1"))).isEqualTo(Spool.PutResult.ALREADY_TAKEN);
      assertThat(s.stats().pending()).isEqualTo(1);
    }
  }

  @Test
  void givenDamageFromACrash_whenOpened_thenOrphansAreQuarantinedLostRowsRemovedAndBothCounted() throws Exception {
    SpoolEntry kept;
    SpoolEntry lost;
    try (Spool s = open(1 << 20, WhenFull.EVICT_OLDEST)) {
      kept = entry(s, 100, 0, null);
      lost = entry(s, 100, 0, null);
      s.put(kept);
      s.put(lost);
    }
    Files.delete(dir.resolve("frames/2026-11-29/" + lost.id() + ".jpg"));
    Files.writeString(dir.resolve("frames/2026-11-29/20261129T100000000Z-000000099999.jpg"), "orphan");
    Files.writeString(dir.resolve("tmp/20261129T100000000Z-000000099998.jpg.part"), "half");
    try (Spool s = open(1 << 20, WhenFull.EVICT_OLDEST)) {
      SpoolStats st = s.stats();
      assertThat(st.pending()).isEqualTo(1);
      assertThat(st.failed()).as("the row whose image is gone").isEqualTo(1);
      assertThat(st.quarantined()).as("the image without a row").isEqualTo(1);
      assertThat(st.bytes()).isEqualTo(100);
      assertThat(dir.resolve("quarantine/20261129T100000000Z-000000099999.jpg")).exists();
      assertThat(dir.resolve("tmp")).isEmptyDirectory();
      assertThat(dir.resolve("frames/2026-11-29/" + kept.id() + ".jpg")).exists();
    }
  }

  @Test
  void theDatabaseUsesWriteAheadLogging() throws Exception {
    try (Spool s = open(1 << 20, WhenFull.EVICT_OLDEST)) {
      s.put(entry(s, 10, 0, null));
      try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("spool.db"));
          var r = c.createStatement().executeQuery("PRAGMA journal_mode")) {
        r.next();
        assertThat(r.getString(1)).isEqualTo("wal");
      }
    }
  }

  @Test
  void givenNoSpool_whenStatsAreRead_thenTheErrorSaysWhere() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Spool.readStats(dir.resolve("nope"), 1))
        .isInstanceOf(SpoolException.class).hasMessageContaining("no spool at " + dir.resolve("nope"));
  }

  @Test
  void givenPendingFrames_whenSyncTakesAndTheServerAcks_thenTheyMoveThroughTheirStatesAndFilesGo() throws Exception {
    try (Spool s = open(1 << 20, WhenFull.EVICT_OLDEST)) {
      SpoolEntry low = entry(s, 100, 0, null);
      SpoolEntry high = entry(s, 100, 5, null);
      SpoolEntry other = entry(s, 100, 0, null);
      s.put(low);
      s.put(high);
      s.put(other);
      var taken = s.takePending(2);
      assertThat(taken).extracting(PendingFrame::id).containsExactly(high.id(), low.id());
      assertThat(taken.get(0).sha256()).isEqualTo(io.fieldcap.model.Sha256.hex(high.jpeg()));
      assertThat(s.stats().inFlight()).isEqualTo(2);
      assertThat(s.stats().pending()).isEqualTo(1);
      assertThat(s.acked(high.id(), false)).isTrue();
      assertThat(s.acked(high.id(), false)).as("a repeated ack changes nothing").isFalse();
      assertThat(taken.get(0).file()).doesNotExist();
      assertThat(s.requeue(null)).isEqualTo(1);
      s.failed(other.id(), "test");
      assertThat(dir.resolve("failed/" + other.id() + ".jpg")).exists();
      SpoolStats st = s.stats();
      assertThat(st.acked()).isEqualTo(1);
      assertThat(st.failed()).isEqualTo(1);
      assertThat(st.pending()).isEqualTo(1);
      assertThat(st.inFlight()).isZero();
      assertThat(st.bytes()).isEqualTo(100);
    }
  }

  @Test
  void givenAPendingFrameNotOffered_whenAnAckNamesIt_thenNothingChanges() throws Exception {
    try (Spool s = open(1 << 20, WhenFull.EVICT_OLDEST)) {
      SpoolEntry a = entry(s, 100, 0, null);
      s.put(a);
      assertThat(s.acked(a.id(), false)).as("pending, never offered").isFalse();
      assertThat(s.acked(List.of(a.id()), true)).isEmpty();
      assertThat(dir.resolve("frames/2026-11-29/" + a.id() + ".jpg")).exists();
      assertThat(s.stats().pending()).isEqualTo(1);
      assertThat(s.stats().acked()).isZero();
      s.takePending(1);
      s.requeue(null); // a reconnect puts it back: not in flight any more
      assertThat(s.acked(a.id(), false)).isFalse();
      assertThat(s.stats().pending()).isEqualTo(1);
    }
  }

  @Test
  void givenAFrameInFlight_whenItIsRekeyed_thenItKeepsItsImageAndLabelsUnderANewIdAndSequence() throws Exception {
    try (Spool s = open(1 << 20, WhenFull.EVICT_OLDEST)) {
      SpoolEntry a = entry(s, 100, 3, null);
      s.put(a);
      PendingFrame before = s.takePending(1).get(0);
      PendingFrame after = s.rekey(a.id());
      assertThat(after.id()).isNotEqualTo(a.id());
      assertThat(after.seq()).isGreaterThan(before.seq());
      assertThat(after.capturedAt()).isEqualTo(before.capturedAt());
      assertThat(after.id().value()).startsWith(a.id().value().substring(0, 19));
      assertThat(after.file()).isEqualTo(before.file()).exists();
      assertThat(after.sha256()).isEqualTo(before.sha256());
      assertThat(after.priority()).isEqualTo(3);
      assertThat(s.rekey(a.id())).as("the old id is gone").isNull();
      assertThat(s.stats().inFlight()).isEqualTo(1);
      assertThat(s.acked(a.id(), false)).as("an ack for the old id").isFalse();
      assertThat(s.acked(after.id(), false)).isTrue();
      assertThat(after.file()).doesNotExist();
    }
    try (Spool s = open(1 << 20, WhenFull.EVICT_OLDEST)) {
      assertThat(s.stats().acked()).isEqualTo(1);
      assertThat(s.stats().pending() + s.stats().inFlight()).isZero();
    }
  }

  @Test
  void givenKeepAcked_thenAckedFramesStayUntilSpaceIsNeededAndGoFirstWithoutCountingAsEvicted() throws Exception {
    try (Spool s = open(300, WhenFull.EVICT_OLDEST)) {
      SpoolEntry a = entry(s, 100, 9, null);
      s.put(a);
      s.takePending(1);
      assertThat(s.acked(a.id(), true)).isTrue();
      assertThat(dir.resolve("frames/2026-11-29/" + a.id() + ".jpg")).exists();
      s.put(entry(s, 100, 0, null));
      s.put(entry(s, 100, 0, null));
      s.put(entry(s, 100, 0, null)); // needs room: the retained frame goes, not a pending one
      assertThat(dir.resolve("frames/2026-11-29/" + a.id() + ".jpg")).doesNotExist();
      assertThat(s.stats().evicted()).isZero();
      assertThat(s.stats().pending()).isEqualTo(3);
    }
  }

  private static List<Long> seqs(List<PendingFrame> frames) {
    return frames.stream().map(PendingFrame::seq).toList();
  }

  @Test
  void givenABacklog_thenEachDrainOrderSendsHigherPrioritiesFirstThenItsOwnOrder() {
    try (Spool s = open(1 << 20, WhenFull.EVICT_OLDEST)) {
      for (int i = 0; i < 10; i++) {
        s.put(entry(s, 10, i == 4 ? 5 : 0, null)); // seqs 0..9; seq 4 carries priority 5
      }
      assertThat(seqs(s.takePending(3, Drain.OLDEST_FIRST))).containsExactly(4L, 0L, 1L);
      assertThat(seqs(s.takePending(2, Drain.LIVE_FIRST))).containsExactly(9L, 8L);
      // fair: alternately the newest and the oldest still waiting, across calls
      assertThat(seqs(s.takePending(1, Drain.FAIR))).containsExactly(7L);
      assertThat(seqs(s.takePending(1, Drain.FAIR))).containsExactly(2L);
      assertThat(seqs(s.takePending(2, Drain.FAIR))).containsExactly(6L, 3L);
      // fewer waiting than asked for: all of them
      assertThat(seqs(s.takePending(5, Drain.FAIR))).containsExactly(5L);
      assertThat(s.takePending(5, Drain.FAIR)).isEmpty();
    }
  }

  @Test
  void givenAVersion1Spool_thenItIsUpgradedInPlaceAndItsFramesStillFlow() throws Exception {
    java.nio.file.Files.createDirectories(dir);
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("spool.db"));
        var st = c.createStatement()) {
      st.executeUpdate("""
          CREATE TABLE frames(frame_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, captured_at INTEGER NOT NULL,
            state TEXT NOT NULL, priority INTEGER NOT NULL, reason TEXT, file TEXT NOT NULL, bytes INTEGER NOT NULL,
            width INTEGER NOT NULL, height INTEGER NOT NULL, sha256 TEXT NOT NULL, source_item TEXT, labels TEXT,
            created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)""");
      st.executeUpdate("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      st.executeUpdate("INSERT INTO meta VALUES ('schema_version', '1')");
    }
    try (Spool s = open(1 << 20, WhenFull.EVICT_OLDEST)) {
      SpoolEntry e = entry(s, 10, 0, null);
      s.put(new SpoolEntry(e.id(), e.seq(), e.capturedAt(), 4, 3, e.jpeg(), null, 0, "all", null, "{\"tags\":{\"site\":\"a\"}}"));
      assertThat(s.takePending(5)).singleElement().satisfies(f -> assertThat(f.meta()).contains("\"site\":\"a\""));
    }
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("spool.db"));
        var st = c.createStatement(); var r = st.executeQuery("SELECT value FROM meta WHERE key = 'schema_version'")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).isEqualTo("2");
    }
  }

  @Test
  void givenImagesSetAside_thenTheyCountAgainstTheQuotaAndArePrunedByAgeAndSize() throws Exception {
    java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(
        Instant.parse("2026-11-29T10:00:00Z"));
    InstantSource moving = now::get;
    Files.createDirectories(dir.resolve("failed"));
    Files.createDirectories(dir.resolve("quarantine"));
    Path old = Files.write(dir.resolve("failed/old.jpg"), new byte[300]);
    Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.from(Instant.parse("2026-11-01T00:00:00Z")));
    Path recent = Files.write(dir.resolve("quarantine/recent.jpg"), new byte[400]);
    Files.setLastModifiedTime(recent, java.nio.file.attribute.FileTime.from(Instant.parse("2026-11-29T09:00:00Z")));
    try (Spool s = Spool.open(dir, 5000, 0, WhenFull.EVICT_OLDEST, moving, free::get)) {
      assertThat(old).as("older than 7 days: pruned at start").doesNotExist();
      assertThat(recent).as("a tenth of the quota is 500 bytes: kept").exists();
      assertThat(s.put(entry(s, 4500, 0, null))).as("4500 + the 400 set aside fit in 5000").isEqualTo(Spool.PutResult.STORED);
      assertThat(s.put(entry(s, 200, 9, null))).isEqualTo(Spool.PutResult.STORED);
      assertThat(recent).as("set-aside images go before frames that can still be delivered").doesNotExist();
      assertThat(s.stats().evicted()).isZero();
      Path more = Files.write(dir.resolve("failed/more.jpg"), new byte[600]);
      assertThat(s.pruneSidelined()).as("over a tenth of the quota").isEqualTo(1);
      assertThat(more).doesNotExist();
    }
  }

  @Test
  void givenTakenFilesThatAreGone_thenTheSpoolForgetsThemAndKeepsThoseStillThere() throws Exception {
    try (Spool s = open(1 << 20, WhenFull.EVICT_OLDEST)) {
      for (int i = 0; i < 2500; i++) {
        s.skip("dir:f" + i + ".jpg|1|1", "blur");
      }
      int forgotten = s.forgetTaken(item -> item.startsWith("dir:f7"));
      assertThat(forgotten).isEqualTo(2500 - 111); // f7, f70..f79, f700..f799 stay
      assertThat(s.isTaken("dir:f7.jpg|1|1")).isTrue();
      assertThat(s.isTaken("dir:f8.jpg|1|1")).isFalse();
      assertThat(s.stats().rejected()).as("counts are untouched").isEqualTo(2500);
      s.saveState("rules", "{\"a\":1}");
    }
    try (Spool s = open(1 << 20, WhenFull.EVICT_OLDEST)) {
      assertThat(s.loadState("rules")).isEqualTo("{\"a\":1}");
      assertThat(s.loadState("other")).isNull();
    }
  }
}
