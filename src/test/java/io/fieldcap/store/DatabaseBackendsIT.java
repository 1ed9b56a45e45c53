package io.fieldcap.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldcap.ingest.Manifests;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.FrameId;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Sha256;
import io.fieldcap.protocol.Manifest;
import io.fieldcap.testing.PgServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The store's every read and write, the same on SQLite and on a real PostgreSQL (a temporary cluster
 * from Debian's package): frames, staging shared by two servers, revisions, marks and clean runs,
 * datasets, the web app's pages and plots, the crawl log and the fleet table.
 */
class DatabaseBackendsIT {
  private static PgServer pg;

  @TempDir Path tmp;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = PgServer.start();
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) {
      pg.close();
    }
  }

  private LocalFrameStore open(String backend, Path dir) throws Exception {
    return LocalFrameStore.open(dir, null, backend.equals("sqlite") ? null : pg.newDatabase());
  }

  private static Manifest manifest(String device, String id, Instant at, byte[] data, int chunk, LabelSet labels,
      Map<String, Object> meta) {
    return new Manifest(1, id, device, at, 1, Sha256.hex(data), data.length, chunk, Manifest.chunkCount(data.length, chunk),
        "image/jpeg", 640, 480, labels, meta);
  }

  private static LabelSet labels(String model, Object... labelAndScore) {
    List<Detection> d = new ArrayList<>();
    for (int i = 0; i < labelAndScore.length; i += 2) {
      d.add(new Detection((String) labelAndScore[i], (Double) labelAndScore[i + 1], new Box(10, 10, 50, 50), null));
    }
    return new LabelSet(model, d);
  }

  private static Browse.Query query() {
    return new Browse.Query(null, null, null, null, null, null, null, null, null, null, null, 100);
  }

  private static List<String> ids(List<StoredFrame> frames) {
    return frames.stream().map(StoredFrame::frameId).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void everyReadAndWriteWorksTheSameOnBothDatabases(String backend) throws Exception {
    Instant t0 = Instant.parse("2026-11-29T10:00:00Z");
    try (LocalFrameStore s = open(backend, tmp)) {
      assertThat(s.db().kind().name().toLowerCase()).isEqualTo(backend);
      byte[][] images = new byte[3][];
      String[] ids = {"20261129T100000000Z-000000000001", "20261129T100001000Z-000000000002", "20261130T100000000Z-000000000003"};
      LabelSet[] pre = {labels("m1", "person", 0.95, "car", 0.42), labels("m1", "car", 0.81), labels("m1")};
      for (int i = 0; i < 3; i++) {
        images[i] = new byte[] {(byte) i, 1, 2, 3};
        Manifest m = manifest("cam-" + (i % 2), ids[i], t0.plusSeconds(86400L * (i / 2) + i), images[i], 1024, pre[i],
            Map.of("keptBy", i == 0 ? "rule:person" : "all", "tags", Map.of("site", i == 1 ? "north" : "south")));
        assertThat(s.commit(Manifests.frame(m), images[i], t0)).isEqualTo(FrameStore.Outcome.STORED);
        assertThat(s.commit(Manifests.frame(m), images[i], t0)).as("the same frame again").isEqualTo(FrameStore.Outcome.DUPLICATE);
      }
      Manifest other = manifest("cam-0", ids[0], t0, new byte[] {9}, 1024, null, null);
      assertThat(s.commit(Manifests.frame(other), new byte[] {9}, t0)).as("other bytes under a stored id").isEqualTo(FrameStore.Outcome.CONFLICT);
      assertThat(s.frame("cam-0", ids[0]).labels().detections()).hasSize(2);
      assertThat(s.devicesWith(ids[1])).containsExactly("cam-1");
      assertThat(s.frameWithSha("cam-0", Sha256.hex(images[2]))).isEqualTo(ids[2]);

      // revisions: a correction, a repeat that changes nothing, the newest labels in reads
      assertThat(s.revisions().add("cam-1", ids[1], labels(null, "truck", 1.0), "ann", "a.json#1", "coco", t0)).isEqualTo(1);
      assertThat(s.revisions().add("cam-1", ids[1], labels(null, "truck", 1.0), "ann", "a.json#1", "coco", t0)).isZero();
      assertThat(s.revisions().of("cam-1", ids[1])).extracting(Revisions.Revision::rev).containsExactly(1);
      assertThat(s.revisions().reviewedFrames()).isEqualTo(1);
      assertThat(s.frame("cam-1", ids[1]).reviewed().detections().get(0).label()).isEqualTo("truck");

      // marks and clean runs: numbered runs, a mark once, undo of the newest run
      int run1 = s.marks().startRun(t0);
      int run2 = s.marks().startRun(t0);
      assertThat(run2).isGreaterThan(run1);
      assertThat(s.marks().mark("cam-0", ids[0], "duplicate", "same as x", "g1", run1, t0)).isTrue();
      assertThat(s.marks().mark("cam-0", ids[0], "duplicate", "again", "g1", run2, t0)).isFalse();
      assertThat(s.marks().mark("cam-0", ids[0], "broken", "dark", null, run2, t0)).isTrue();
      s.marks().finishRun(run2, "{\"marked\":1}");
      assertThat(s.frame("cam-0", ids[0]).mark()).isEqualTo("broken,duplicate");
      io.fieldcap.image.Look look = new io.fieldcap.image.Look("ab".repeat(32), 12.5, 0.5, 0.25, null);
      s.marks().record("cam-0", ids[0], look);
      s.marks().record("cam-0", ids[0], new io.fieldcap.image.Look("cd".repeat(32), 1, 2, 3, "blurred"));
      List<Marks.Measured> looks = new ArrayList<>();
      s.marks().forEach(looks::add);
      assertThat(looks).singleElement().satisfies(m -> assertThat(m.look().problem()).isEqualTo("blurred"));
      assertThat(s.marks().undo(false)).isEqualTo(1);
      assertThat(s.marks().marks()).extracting(Marks.Mark::kind).containsExactly("duplicate");

      // the web app: pages newest first by keyset, each filter, the plots
      assertThat(ids(s.browse().page(query()))).containsExactly(ids[2], ids[1], ids[0]);
      Browse.Query two = new Browse.Query(null, null, null, null, null, null, null, null, null, null, null, 2);
      List<StoredFrame> first = s.browse().page(two);
      Browse.Query next = new Browse.Query(null, null, null, null, null, null, null, null, null, null,
          Browse.cursor(first.get(1)), 2);
      assertThat(ids(s.browse().page(next))).containsExactly(ids[0]);
      assertThat(ids(page(s, "device", "cam-1"))).containsExactly(ids[1]);
      assertThat(ids(page(s, "cls", "car"))).as("newest labels: cam-1's car became a truck").containsExactly(ids[0]);
      assertThat(ids(page(s, "cls", "truck"))).containsExactly(ids[1]);
      assertThat(ids(page(s, "minScore", 0.9))).containsExactly(ids[0]);
      assertThat(ids(page(s, "keptBy", "rule:person"))).containsExactly(ids[0]);
      assertThat(ids(page(s, "tag", "north"))).containsExactly(ids[1]);
      assertThat(ids(page(s, "review", "reviewed"))).containsExactly(ids[1]);
      assertThat(ids(page(s, "review", "unreviewed"))).containsExactly(ids[2], ids[0]);
      assertThat(ids(page(s, "mark", "none"))).containsExactly(ids[2], ids[1]);
      assertThat(ids(page(s, "mark", "duplicate"))).containsExactly(ids[0]);
      assertThat(ids(page(s, "since", t0.plusSeconds(3600)))).containsExactly(ids[2]);
      assertThat(s.browse().capturesPerDeviceDay())
          .isEqualTo(Map.of("cam-0", Map.of("2026-11-29", 1, "2026-11-30", 1), "cam-1", Map.of("2026-11-29", 1)));
      Map<String, int[]> classes = s.browse().classStats();
      assertThat(classes.keySet()).containsExactly("car", "person", "truck");
      assertThat(classes.get("car")[0]).as("cars in the newest labels").isEqualTo(1);
      assertThat(classes.get("car")[1 + 4]).as("pre-label score 0.42 in the 0.4 bin").isEqualTo(1);
      assertThat(classes.get("car")[1 + 8]).as("pre-label score 0.81 in the 0.8 bin").isEqualTo(1);
      assertThat(classes.get("person")[1 + 9]).isEqualTo(1);

      // pre-labels only where there are none
      assertThat(s.setPrelabels("cam-0", ids[2], labels("m2", "dog", 0.7))).isFalse(); // has (empty) pre-labels
      // datasets: frozen, in order, reproducible
      Datasets.Dataset d = s.datasets().create("ds-1", "{}", s, f -> f.frameId().equals(ids[0]) ? "val" : "train", t0);
      assertThat(d.frames()).isEqualTo(3);
      List<String> manifest = s.datasets().manifest("ds-1");
      assertThat(manifest).hasSize(3).allSatisfy(l -> assertThat(l).matches("[0-9a-f]{64}  cam-\\d/\\S+ (train|val) r\\d"));
      assertThatThrownBy(() -> s.datasets().create("ds-1", "{}", s, null, t0)).hasMessageContaining("exists");
      assertThat(s.datasets().list()).extracting(Datasets.Dataset::name).containsExactly("ds-1");

      // the crawl log replaces an outcome; the fleet table keeps last-seen across an offline will
      s.crawlLog().record("web", "http://x/1.jpg", "failed", "timeout", null, t0);
      s.crawlLog().record("web", "http://x/1.jpg", "stored", null, ids[0], t0);
      assertThat(s.crawlLog().outcome("web", "http://x/1.jpg")).isEqualTo("stored");
      s.devices().update("cam-0", "online", "{\"state\":\"online\"}", t0);
      s.devices().update("cam-0", "offline", "{\"state\":\"offline\"}", t0.plusSeconds(60));
      Devices.Device dev = s.devices().all().get(0);
      assertThat(dev.state()).isEqualTo("offline");
      assertThat(dev.lastSeen()).isEqualTo(t0);
      assertThat(dev.status()).contains("online");

      List<String> all = new ArrayList<>();
      s.forEach(f -> all.add(f.device() + "/" + f.frameId()));
      assertThat(all).containsExactly("cam-0/" + ids[0], "cam-0/" + ids[2], "cam-1/" + ids[1]);
    }
  }

  private static List<StoredFrame> page(LocalFrameStore s, String filter, Object value) throws IOException {
    return s.browse().page(new Browse.Query(
        filter.equals("device") ? (String) value : null, filter.equals("cls") ? (String) value : null,
        filter.equals("minScore") ? (Double) value : null, filter.equals("keptBy") ? (String) value : null,
        filter.equals("tag") ? "site" : null, filter.equals("tag") ? (String) value : null,
        filter.equals("review") ? (String) value : null, filter.equals("mark") ? (String) value : null,
        filter.equals("since") ? (Instant) value : null, null, null, 100));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void twoServersTakeTheChunksOfOneFrameAndWhicheverHasTheLastAssemblesIt(String backend) throws Exception {
    byte[] data = new byte[3000];
    new java.util.Random(5).nextBytes(data);
    Manifest m = manifest("cam", "20261129T100000000Z-000000000001", Instant.parse("2026-11-29T10:00:00Z"), data, 1024,
        null, null);
    String database = backend.equals("sqlite") ? null : pg.newDatabase();
    // SQLite: both servers share the data folder; PostgreSQL: each has its own folder, they share the database
    Path dirA = tmp.resolve("a");
    Path dirB = backend.equals("sqlite") ? dirA : tmp.resolve("b");
    try (LocalFrameStore a = LocalFrameStore.open(dirA, null, database);
        LocalFrameStore b = LocalFrameStore.open(dirB, null, database)) {
      a.stage(Manifests.transfer(m), Json.encode(m));
      assertThat(b.staged("cam", m.frameId())).isEqualTo(Json.encode(m));
      a.putChunk("cam", m.frameId(), 0, Arrays.copyOfRange(data, 0, 1024));
      b.putChunk("cam", m.frameId(), 2, Arrays.copyOfRange(data, 2048, 3000));
      assertThat(b.missingChunks(Manifests.transfer(m))).containsExactly(1);
      a.putChunk("cam", m.frameId(), 1, Arrays.copyOfRange(data, 1024, 2048));
      a.putChunk("cam", m.frameId(), 1, Arrays.copyOfRange(data, 1024, 2048)); // a re-sent chunk
      assertThat(b.hasChunk("cam", m.frameId(), 1)).isTrue();
      try (Assembled img = b.assemble(Manifests.transfer(m))) {
        assertThat(img.sha256()).isEqualTo(m.sha256());
        assertThat(b.commit(Manifests.frame(m), img, Instant.now())).isEqualTo(FrameStore.Outcome.STORED);
      }
      try (Assembled img = a.assemble(Manifests.transfer(m))) {
        assertThat(a.commit(Manifests.frame(m), img, Instant.now())).as("the other server, a moment later").isEqualTo(FrameStore.Outcome.DUPLICATE);
      }
      b.dropStaged("cam", m.frameId());
      assertThat(a.staged("cam", m.frameId())).isNull();
      assertThat(a.missingChunks(Manifests.transfer(m))).containsExactly(0, 1, 2);
      a.stage(Manifests.transfer(m), Json.encode(m));
      a.putChunk("cam", m.frameId(), 0, new byte[1024]);
      assertThat(a.expireStaged(Instant.now().plusSeconds(1))).isEqualTo(1);
      assertThat(b.staged("cam", m.frameId())).isNull();
      assertThat(b.frame("cam", m.frameId()).image().fetch()).hasBinaryContent(data);
    }
    if (database != null) {
      assertThat(PgServer.query(database, "SELECT count(*) FROM staged_chunks")).containsExactly("0");
      assertThat(PgServer.query(database, "SELECT device, frame_id, sha256 FROM frames"))
          .containsExactly("cam|" + m.frameId() + "|" + m.sha256());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void aClipIsStoredOnceWhicheverServerAssemblesItAndReadBackWithItsLabels(String backend) throws Exception {
    byte[] video = new byte[5000];
    new java.util.Random(9).nextBytes(video);
    Instant t0 = Instant.parse("2026-11-29T10:00:00Z");
    List<io.fieldcap.model.ClipLabels.Frame> frames = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      frames.add(new io.fieldcap.model.ClipLabels.Frame(40 + i, t0.plusMillis(200L * i), labels("m.onnx", "deer", 0.8)));
    }
    byte[] json = Json.encode(new io.fieldcap.model.ClipLabels(5, 2, frames));
    String id = "20261129T100000000Z-000000000046";
    Manifest m = new Manifest(1, id, "cam", t0, 46, Sha256.hex(video), video.length, 2048,
        Manifest.chunkCount(video.length + json.length, 2048), Manifest.CLIP_TYPE, 320, 240, null,
        Map.of("keptBy", "deer", "clip", Map.of("fps", 5.0, "frames", 6)), json.length, Sha256.hex(json));
    byte[] all = Arrays.copyOf(video, video.length + json.length);
    System.arraycopy(json, 0, all, video.length, json.length);
    String database = backend.equals("sqlite") ? null : pg.newDatabase();
    Path dirA = tmp.resolve("a");
    Path dirB = backend.equals("sqlite") ? dirA : tmp.resolve("b");
    try (LocalFrameStore a = LocalFrameStore.open(dirA, null, database);
        LocalFrameStore b = LocalFrameStore.open(dirB, null, database)) {
      for (LocalFrameStore s : List.of(a, b)) {
        s.stage(Manifests.transfer(m), Json.encode(m));
        for (int c = 0; c < m.chunks(); c++) {
          s.putChunk("cam", id, c, Arrays.copyOfRange(all, c * 2048, Math.min(all.length, (c + 1) * 2048)));
        }
        Assembled.Split split = s.assemble(Manifests.transfer(m)).split(video.length);
        assertThat(split.tail()).isEqualTo(json);
        try (Assembled v = split.image()) {
          assertThat(s.clips().commit(Manifests.clip(m, Json.MAPPER.readValue(split.tail(), io.fieldcap.model.ClipLabels.class), split.tail()), v, Instant.now()))
              .isEqualTo(s == a ? FrameStore.Outcome.STORED : FrameStore.Outcome.DUPLICATE);
        }
        s.dropStaged("cam", id);
      }
      Clips.Clip c = b.clips().get("cam", id);
      assertThat(c.frames()).isEqualTo(6);
      assertThat(c.trigger()).isEqualTo(2);
      assertThat(c.endedAt()).isEqualTo(t0.plusMillis(1000));
      assertThat(c.rule()).isEqualTo("deer");
      assertThat(b.clips().list(null, 10)).extracting(Clips.Clip::clipId).containsExactly(id);
      assertThat(b.clips().list("other", 10)).isEmpty();
      assertThat(Json.MAPPER.readValue(b.clips().labels("cam", id), io.fieldcap.model.ClipLabels.class).frames()).isEqualTo(frames);
      assertThat(a.clips().video("cam", id)).hasBinaryContent(video);
      assertThat(b.contains("cam", id)).as("a clip is no frame").isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void queriesAreAnsweredByTheDatabaseAsByJavaAndTheClassIndexIsFilledForOlderFrames(String backend) throws Exception {
    String database = backend.equals("sqlite") ? null : pg.newDatabase();
    List<List<String>> before;
    try (LocalFrameStore s = LocalFrameStore.open(tmp, null, database)) {
      FrameQueryTest.fill(s);
      before = FrameQueryTest.answers(s);
      try (Statement st = s.db().c().createStatement()) { // as a database made before the class index was
        st.executeUpdate("DELETE FROM frame_classes");
        st.executeUpdate("DELETE FROM flyway_schema_history WHERE installed_rank >= (SELECT installed_rank FROM flyway_schema_history WHERE version = '2')");
      }
    }
    try (LocalFrameStore s = LocalFrameStore.open(tmp, null, database)) {
      assertThat(FrameQueryTest.answers(s)).isEqualTo(before);
    }
  }

  /**
   * The review queue on both databases: the unreviewed frames, set-aside ones passed over, in the
   * order asked for; two reviewers get different frames; a save takes a frame out, and a save based
   * on an old revision is refused; a data folder made before the queue existed gets it filled.
   */
  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void theReviewQueueHandsOutUnreviewedFramesOneReviewerAtATime(String backend) throws Exception {
    String database = backend.equals("sqlite") ? null : pg.newDatabase();
    Instant now = Instant.parse("2026-12-01T09:00:00Z");
    try (LocalFrameStore s = LocalFrameStore.open(tmp, null, database)) {
      List<String> ids = FrameQueryTest.fill(s); // 30 frames; 8 reviewed; 7, 14, 21 duplicates and 9 rejected unreviewed
      ReviewQueue q = s.reviewQueue();
      assertThat(q.remaining(null)).isEqualTo(18);
      assertThat(q.remaining("cam-1")).isEqualTo(6); // 1, 10 (flagged: still to review), 13, 19, 22, 25
      byte[] image = {1, 2, 3};
      Instant late = Instant.parse("2026-11-29T11:00:00Z");
      String doubtful = FrameId.of(late, 99).value();
      s.commit(new NewFrame("cam-9", doubtful, 99, late, Sha256.hex(image), 3, "image/jpeg", 4, 4,
          new LabelSet("m.onnx", List.of(new Detection("car", 0.31, new Box(0, 0, 2, 2)))), Map.of("keptBy", "motion")), image, now);
      assertThat(q.next("ann", ReviewQueue.Order.UNCERTAIN, null, null, List.of(), now))
          .as("the least certain first, however new").isEqualTo(new ReviewQueue.Entry("cam-9", doubtful));
      ReviewQueue.Entry a = q.next("ann", ReviewQueue.Order.OLDEST, null, null, List.of(), now);
      ReviewQueue.Entry b = q.next("bob", ReviewQueue.Order.OLDEST, null, null, List.of(), now);
      assertThat(a).isEqualTo(new ReviewQueue.Entry("cam-1", ids.get(1)));
      assertThat(b).as("ann holds frame 1").isEqualTo(new ReviewQueue.Entry("cam-2", ids.get(2)));
      assertThat(q.next("ann", ReviewQueue.Order.OLDEST, null, null, List.of(a), now)).as("skipped")
          .isEqualTo(new ReviewQueue.Entry("cam-0", ids.get(3)));
      assertThat(q.next("ann", ReviewQueue.Order.OLDEST, "cam-1", null, List.of(), now)).isEqualTo(a);
      assertThat(q.next("ann", ReviewQueue.Order.RULE, null, "motion", List.of(), now)).isEqualTo(new ReviewQueue.Entry("cam-9", doubtful));
      assertThat(q.next("carol", ReviewQueue.Order.OLDEST, null, null, List.of(a), now)).as("bob holds frame 2")
          .isEqualTo(new ReviewQueue.Entry("cam-0", ids.get(3)));
      assertThat(q.next("carol", ReviewQueue.Order.OLDEST, null, null, List.of(a), now.plus(ReviewQueue.LEASE).plusSeconds(1)))
          .as("bob's lease ran out").isEqualTo(b);

      assertThat(s.revisions().save("cam-1", ids.get(1), 0, FrameQueryTest.labels("person"), "ann", "web: editor", "web", now))
          .isEqualTo(new Revisions.Saved(1, false));
      assertThat(s.revisions().save("cam-1", ids.get(1), 0, FrameQueryTest.labels("car"), "bob", "web: editor", "web", now))
          .as("bob edited the pre-labels, ann saved since").isEqualTo(new Revisions.Saved(1, true));
      assertThat(s.frame("cam-1", ids.get(1)).reviewed().detections()).extracting(Detection::label).containsExactly("person");
      assertThat(q.remaining(null)).isEqualTo(18); // 18 + cam-9's frame - frame 1
      assertThat(q.reviewedBy("ann", now.minusSeconds(1))).isEqualTo(1);
      try (Statement st = s.db().c().createStatement()) { // as a data folder made before the queue existed
        st.executeUpdate("DELETE FROM review_queue");
        st.executeUpdate("DELETE FROM flyway_schema_history WHERE installed_rank >= (SELECT installed_rank FROM flyway_schema_history WHERE version = '5')");
      }
    }
    try (LocalFrameStore s = LocalFrameStore.open(tmp, null, database)) {
      assertThat(s.reviewQueue().remaining(null)).isEqualTo(18);
      assertThat(s.reviewQueue().next("dan", ReviewQueue.Order.UNCERTAIN, null, null, List.of(), now)).extracting(ReviewQueue.Entry::device)
          .isEqualTo("cam-9");
    }
  }

  @Test
  void aDataFolderMadeBeforeSchemaMigrationsOpensWithItsFramesKept() throws Exception {
    // the schema as servers wrote it before Flyway: tables made by CREATE TABLE IF NOT EXISTS, no history
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("fieldcap.db"));
        Statement st = c.createStatement()) {
      st.executeUpdate("""
          CREATE TABLE frames(device TEXT NOT NULL, frame_id TEXT NOT NULL, seq INTEGER NOT NULL, captured_at TEXT NOT NULL,
            sha256 TEXT NOT NULL, bytes INTEGER NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
            content_type TEXT NOT NULL, model TEXT, labels TEXT, meta TEXT, path TEXT NOT NULL,
            received_at TEXT NOT NULL, PRIMARY KEY (device, frame_id))""");
      st.executeUpdate("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      st.executeUpdate("CREATE INDEX frames_by_time ON frames(captured_at)");
      st.executeUpdate("""
          INSERT INTO frames VALUES ('cam', 'f1', 1, '2026-11-29T10:00:00Z', 'abc', 4, 4, 4, 'image/jpeg', NULL, NULL, NULL,
            'images/cam/2026-11-29/f1.jpg', '2026-11-29T10:00:01Z')""");
    }
    try (LocalFrameStore s = LocalFrameStore.open(tmp)) {
      assertThat(s.storedSha256("cam", "f1")).isEqualTo("abc");
      assertThat(s.marks().startRun(Instant.now())).isEqualTo(1);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("fieldcap.db"));
        Statement st = c.createStatement();
        var r = st.executeQuery("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")) {
      List<String> versions = new ArrayList<>();
      while (r.next()) {
        versions.add(r.getString(1));
      }
      assertThat(versions).containsExactly("0", "1", "2", "3", "4", "5", "6");
    }
  }

  @Test
  void aDatabaseThatCannotBeReachedOrAFolderInSqliteAreRefusedWithTheReason() throws Exception {
    int port = io.fieldcap.testing.TestMedia.freePort();
    assertThatThrownBy(() -> LocalFrameStore.open(tmp.resolve("x"), null, "postgresql://fieldcap:secret@127.0.0.1:" + port + "/db"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot connect to postgresql://fieldcap@127.0.0.1:" + port + "/db")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> LocalFrameStore.open(tmp.resolve("x"), null, "postgresql://127.0.0.1/"))
        .hasMessageContaining("expected postgresql://[user@]host[:port]/database");
    assertThatThrownBy(() -> LocalFrameStore.open(tmp.resolve("x"), null, "mysql://127.0.0.1/db"))
        .hasMessageContaining("expected sqlite: or postgresql://host/db");

    byte[] data = {1, 2, 3};
    try (LocalFrameStore s = LocalFrameStore.open(tmp.resolve("old"))) {
      s.commit(Manifests.frame(manifest("cam", "f1", Instant.now(), data, 1024, null, null)), data, Instant.now());
    }
    String database = pg.newDatabase();
    assertThatThrownBy(() -> LocalFrameStore.open(tmp.resolve("old"), null, database))
        .hasMessageContaining("keeps its metadata in SQLite").hasMessageContaining("fieldcap server migrate");

    try (LocalFrameStore s = LocalFrameStore.open(tmp.resolve("new"), null, database)) {
      s.commit(Manifests.frame(manifest("cam", "f1", Instant.now(), data, 1024, null, null)), data, Instant.now());
    }
    assertThat(Files.readString(tmp.resolve("new/database.json"))).contains("postgresql://fieldcap@").doesNotContain("password");
    try (LocalFrameStore s = LocalFrameStore.open(tmp.resolve("new"))) {
      assertThat(s.db().postgres()).as("a command given only the folder finds the database").isTrue();
      assertThat(s.contains("cam", "f1")).isTrue();
    }
    assertThatThrownBy(() -> LocalFrameStore.open(tmp.resolve("new"), null, "sqlite:"))
        .hasMessageContaining("keeps its metadata in postgresql://");
  }
}
