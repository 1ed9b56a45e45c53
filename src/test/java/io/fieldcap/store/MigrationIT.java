package io.fieldcap.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldcap.config.ObjectStoreConfig;
import io.fieldcap.model.Sha256;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.Closer;
import io.fieldcap.testing.PgServer;
import io.fieldcap.testing.S3Server;
import io.fieldcap.testing.SampleStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code fieldcap server migrate}: a SQLite data folder with frames, corrections, marks, a dataset,
 * a crawl log and the fleet table moved to a real PostgreSQL and its images to S3Proxy; interrupted
 * half way (an image found damaged), then resumed; afterwards every command given the folder reads
 * PostgreSQL and the bucket, and every frame is there once with its image intact.
 */
class MigrationIT {
  @TempDir Path tmp;
  private final Closer cleanup = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    cleanup.close();
  }

  private static List<String> read(Path data) throws Exception {
    List<String> out = new ArrayList<>();
    try (LocalFrameStore s = LocalFrameStore.open(data)) {
      s.forEach(f -> out.add(f.device() + "/" + f.frameId() + " " + f.sha256() + " r" + f.revision() + " "
          + (f.labels() == null ? 0 : f.labels().detections().size()) + " " + f.mark()));
    }
    return out;
  }

  @Test
  void aSqliteFolderMovesToPostgresAndS3_resumedAfterAnInterruption_nothingLostOrDoubled() throws Exception {
    PgServer pg = PgServer.start();
    cleanup.add(pg);
    S3Server s3 = S3Server.start(tmp.resolve("s3"));
    cleanup.add(s3);
    s3.credentialsInThisJvm();
    Path data = tmp.resolve("data");
    SampleStore.create(data);
    Instant at = Instant.parse("2026-11-30T00:00:00Z");
    String someFrame;
    try (LocalFrameStore s = LocalFrameStore.open(data)) {
      List<StoredFrame> all = new ArrayList<>();
      s.forEach(all::add);
      someFrame = all.get(3).frameId();
      s.revisions().add(all.get(3).device(), someFrame, new io.fieldcap.model.LabelSet(null, List.of()), "ann", "f.json", "coco", at);
      int run = s.marks().startRun(at);
      s.marks().mark(all.get(5).device(), all.get(5).frameId(), "duplicate", "same as 4", "g", run, at);
      s.marks().record(all.get(5).device(), all.get(5).frameId(), new io.fieldcap.image.Look("00".repeat(32), 1, 2, 3, null));
      s.datasets().create("before-migration", "{}", s, f -> "train", at);
      s.crawlLog().record("web", "http://example.org/a.jpg", "stored", null, someFrame, at);
      s.devices().update("cam-a", "online", "{}", at);
    }
    List<String> before = read(data);
    assertThat(before).hasSize(SampleStore.FRAMES);

    // interrupted: the 30th image of the folder is damaged, so the run stops there; what it did stays
    List<String> paths = new ArrayList<>();
    try (var w = Files.walk(data.resolve("images"))) {
      w.filter(Files::isRegularFile).sorted().forEach(p -> paths.add(p.toString()));
    }
    Path damaged = Path.of(paths.get(29));
    byte[] good = Files.readAllBytes(damaged);
    Files.write(damaged, new byte[] {1, 2, 3});
    System.setProperty("fieldcap.migrate.batch", "5");
    ObjectStoreConfig bucket = new ObjectStoreConfig(s3.bucket, "moved", s3.endpoint, s3.region, true, 1 << 20);
    StringWriter log = new StringWriter();
    try {
      assertThatThrownBy(() -> Migration.run(data, pg.url, bucket, new PrintWriter(log, true)))
          .hasMessageContaining("is missing or does not match its SHA-256").hasMessageContaining("nothing was switched over");
    } finally {
      System.clearProperty("fieldcap.migrate.batch");
    }
    assertThat(data.resolve("database.json")).doesNotExist();
    assertThat(data.resolve("fieldcap.db")).exists();
    long copied = Long.parseLong(pg.query("SELECT count(*) FROM frames").get(0));
    assertThat(copied).as("whole batches before the damaged image are in; the rest is not").isBetween(1L, 29L);
    assertThat(read(data)).as("the SQLite folder still works as before").isEqualTo(before);

    // resumed, from the command line, as a user would
    Files.write(damaged, good);
    Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", s3.accessKey, "AWS_SECRET_ACCESS_KEY", s3.secretKey);
    ChildProcess run = ChildProcess.fieldcapServerJar(env, "server", "migrate", "--from", "sqlite:" + data, "--to", pg.url,
        "--store", "s3://" + s3.bucket + "/moved", "--s3-endpoint", s3.endpoint);
    cleanup.add(run);
    assertThat(run.waitFor(Duration.ofSeconds(120))).as(run::output).isZero();
    assertThat(run.output()).contains("switched " + data + " over").contains("frames: 40 rows")
        .containsPattern("images uploaded: \\d+, already there: (\\d+)");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("images uploaded: (\\d+), already there: (\\d+)").matcher(run.output());
    assertThat(m.find()).isTrue();
    assertThat(Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2))).isEqualTo(SampleStore.FRAMES);
    assertThat(Integer.parseInt(m.group(2))).as("images uploaded by the interrupted run are not uploaded again")
        .isGreaterThanOrEqualTo((int) copied).isLessThan(SampleStore.FRAMES);

    assertThat(data.resolve("fieldcap.db")).doesNotExist();
    assertThat(data.resolve("fieldcap.db.migrated")).exists();
    assertThat(pg.query("SELECT count(*), count(DISTINCT (device, frame_id)) FROM frames")).containsExactly("40|40");
    assertThat(pg.query("SELECT count(*) FROM revisions")).containsExactly("1");
    assertThat(pg.query("SELECT count(*) FROM dataset_frames WHERE dataset = 'before-migration'")).containsExactly("40");
    assertThat(pg.query("SELECT outcome FROM crawl_log")).containsExactly("stored");
    // the folder now reads PostgreSQL and the bucket: the same frames, labels, revisions, marks
    Files.walk(data.resolve("images")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    Files.walk(data.resolve("cache")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    assertThat(read(data)).isEqualTo(before);
    try (LocalFrameStore s = LocalFrameStore.open(data); S3Client c = s3.client()) {
      assertThat(s.db().postgres()).isTrue();
      assertThat(s.marks().startRun(at)).as("clean runs go on numbering after the migrated ones").isEqualTo(2);
      s.forEach(f -> {
        String key = "moved/images/" + f.device() + "/" + f.capturedAt().toString().substring(0, 10) + "/" + f.frameId() + ".jpg";
        assertThat(Sha256.hex(c.getObjectAsBytes(r -> r.bucket(s3.bucket).key(key)).asByteArray())).as(key).isEqualTo(f.sha256());
      });
      assertThat(s.datasets().manifest("before-migration")).hasSize(40);
    }
    // a command given only the folder: an export reads both
    ChildProcess export = ChildProcess.fieldcapServerJar(env, "export", "--data-dir", data.toString(), "--format", "coco",
        "--out", tmp.resolve("coco").toString());
    cleanup.add(export);
    assertThat(export.waitFor(Duration.ofSeconds(120))).as(export::output).isZero();
    try (var images = Files.walk(tmp.resolve("coco/images"))) {
      assertThat(images.filter(Files::isRegularFile).count()).as("all but the frame marked a duplicate").isEqualTo(SampleStore.FRAMES - 1);
    }

    // and an import writes there too: the exported dataset comes back as frames of a source
    ChildProcess imp = ChildProcess.fieldcapServerJar(env, "import", "--data-dir", data.toString(), "--format", "coco",
        "--in", tmp.resolve("coco/annotations.json").toString(), "--source", "reimported");
    cleanup.add(imp);
    assertThat(imp.waitFor(Duration.ofSeconds(120))).as(imp::output).isZero();
    assertThat(pg.query("SELECT count(*) FROM frames WHERE device = 'reimported'")).containsExactly(String.valueOf(SampleStore.FRAMES - 1));
    assertThat(pg.query("SELECT count(*) FROM revisions WHERE device = 'reimported'")).as("the dataset's labels as first revisions")
        .containsExactly(String.valueOf(SampleStore.FRAMES - 1));
    try (S3Client c = s3.client()) {
      assertThat(c.listObjectsV2Paginator(r -> r.bucket(s3.bucket).prefix("moved/images/reimported/")).contents().stream()
          .map(o -> o.key()).filter(k -> k.endsWith(".jpg")).count()).isEqualTo(SampleStore.FRAMES - 1);
    }

    // once more: nothing to migrate, said plainly
    ChildProcess again = ChildProcess.fieldcapServerJar(env, "server", "migrate", "--from", "sqlite:" + data, "--to", pg.url);
    cleanup.add(again);
    assertThat(again.waitFor(Duration.ofSeconds(60))).isEqualTo(1);
    assertThat(again.output()).contains("keeps its metadata in postgresql://").contains("nothing to migrate");
  }

  @Test
  void badArgumentsAreRefusedWithTheReason() throws Exception {
    ChildProcess p = ChildProcess.fieldcapRun("server", "migrate", "--from", tmp.toString(), "--to", "postgresql://127.0.0.1/x");
    assertThat(p.exitCode()).isEqualTo(1);
    assertThat(p.output()).contains("no fieldcap.db in " + tmp);
    p = ChildProcess.fieldcapRun("server", "migrate", "--from", tmp.toString(), "--to", "mysql://127.0.0.1/x");
    assertThat(p.output()).contains("'mysql://127.0.0.1/x' is not a PostgreSQL URL");
    p = ChildProcess.fieldcapRun("server", "migrate", "--from", tmp.toString(), "--to", "postgresql://h/x", "--store", "s3://A");
    assertThat(p.exitCode()).isEqualTo(2);
    assertThat(p.output()).contains("--store: 's3://A' is not allowed");
  }
}
