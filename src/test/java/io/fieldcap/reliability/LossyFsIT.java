package io.fieldcap.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.config.SpoolConfig.WhenFull;
import io.fieldcap.fs.Durable;
import io.fieldcap.ingest.Manifests;
import io.fieldcap.model.FrameId;
import io.fieldcap.model.Sha256;
import io.fieldcap.protocol.Manifest;
import io.fieldcap.spool.Spool;
import io.fieldcap.spool.SpoolEntry;
import io.fieldcap.store.FrameStore;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.StoredFrame;
import io.fieldcap.testing.LossyMount;
import io.fieldcap.testing.TestMedia;
import io.fieldcap.update.UpdateState;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lossy filesystem keeps exactly what was made durable, and each finding of the power-loss
 * harness stays fixed: fieldcap's stores created on a fresh folder of such a mount keep what they
 * promised across a cut.
 */
class LossyFsIT {
  @TempDir Path tmp;
  private LossyMount disk;
  private Path root;

  @BeforeEach
  void mount() throws Exception {
    String why = LossyMount.unavailable();
    assumeTrue(why == null, () -> "lossy filesystem tests skipped: " + why);
    disk = LossyMount.start(tmp.resolve("disk"));
    root = disk.mountpoint;
  }

  @AfterEach
  void unmount() throws Exception {
    if (disk != null) {
      disk.close();
    }
  }

  private static void write(Path f, byte[] data, boolean fsync) throws Exception {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap(data));
      if (fsync) {
        ch.force(true);
      }
    }
  }

  @Test
  void whatWasNotFsyncedIsForgottenAndWhatWasIsKept() throws Exception {
    byte[] a = "synced data, synced name".getBytes();
    write(root.resolve("kept"), a, true);
    write(root.resolve("name-only"), "data never synced".getBytes(), false);
    Files.createDirectory(root.resolve("folder"));
    Durable.syncDir(root); // the names so far
    write(root.resolve("data-only"), "name never synced".getBytes(), true);
    write(root.resolve("folder/inside"), "in a folder never synced".getBytes(), true);
    Files.move(root.resolve("kept"), root.resolve("renamed"), StandardCopyOption.ATOMIC_MOVE); // rename never synced
    try (FileChannel ch = FileChannel.open(root.resolve("name-only"), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[100])); // more unsynced data
    }

    JsonNode cut = disk.cut(false, 1);

    assertThat(Files.readAllBytes(root.resolve("kept"))).as("the rename was not synced: the old name").isEqualTo(a);
    assertThat(root.resolve("renamed")).doesNotExist();
    assertThat(Files.size(root.resolve("name-only"))).as("a durable name, no durable data").isZero();
    assertThat(root.resolve("data-only")).as("durable data, no durable name").doesNotExist();
    assertThat(root.resolve("folder")).isDirectory();
    assertThat(root.resolve("folder/inside")).as("its folder was never synced").doesNotExist();
    assertThat(cut.get("forgottenWrites").asInt()).isPositive();
    assertThat(cut.get("lostNames").asInt()).isEqualTo(3); // data-only, folder/inside, renamed
    assertThat(cut.get("oldNames").asInt()).isEqualTo(1); // kept
  }

  @Test
  void tornWritesKeepAPrefixOfWhatWasNotSynced() throws Exception {
    Path f = root.resolve("log");
    write(f, new byte[0], true);
    Durable.syncDir(root);
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      for (int i = 0; i < 20; i++) {
        ch.write(ByteBuffer.wrap(new byte[] {(byte) i}), i); // 20 unsynced writes of one byte each
      }
    }
    long size = -1;
    for (int seed = 0; seed < 20 && (size <= 0 || size >= 20); seed++) {
      // a kept prefix of the writes: the first bytes, in order
      disk.cut(true, seed);
      size = Files.size(f);
      byte[] got = Files.readAllBytes(f);
      for (int i = 0; i < got.length; i++) {
        assertThat(got[i]).isEqualTo((byte) i);
      }
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.force(true);
        for (int i = 0; i < 20; i++) {
          ch.write(ByteBuffer.wrap(new byte[] {(byte) i}), i);
        }
      }
    }
    assertThat(size).as("some seed keeps part of the writes").isBetween(1L, 19L);
  }

  /** Finding: the server's data folder was created without syncing its parent; a cut took it and every acked frame. */
  @Test
  void aFrameTheServerStoredOnAFreshDataFolderSurvivesTheCut() throws Exception {
    byte[] jpeg = Files.readAllBytes(TestMedia.samples().resolve("fruits.jpg"));
    Instant at = Instant.parse("2026-11-29T10:00:00Z");
    String id = FrameId.of(at, 1).value();
    Path data = root.resolve("srv/data");
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      Manifest m = new Manifest(1, id, "cam", at, 1, Sha256.hex(jpeg), jpeg.length, 1 << 20, 1, "image/jpeg", 512, 480,
          null, null);
      assertThat(st.commit(Manifests.frame(m), jpeg, at)).isEqualTo(FrameStore.Outcome.STORED); // what the stored ack promises
    }
    disk.cut(false, 2);
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      StoredFrame f = st.frame("cam", id);
      assertThat(f).as("the frame the server acked").isNotNull();
      assertThat(Files.readAllBytes(f.image().fetch())).isEqualTo(jpeg);
    }
  }

  /** The spool's folder, made fresh by the agent's first start (the report): a frame put is a frame kept. */
  @Test
  void aFramePutIntoAFreshSpoolSurvivesTheCut() throws Exception {
    byte[] jpeg = Files.readAllBytes(TestMedia.samples().resolve("fruits.jpg"));
    Path dir = root.resolve("var/spool");
    FrameId id = FrameId.of(Instant.parse("2026-11-29T10:00:00Z"), 0);
    try (Spool spool = Spool.open(dir, 1 << 30, 0, WhenFull.EVICT_OLDEST, InstantSource.system())) {
      spool.put(new SpoolEntry(id, spool.nextSequence(), Instant.parse("2026-11-29T10:00:00Z"), 512, 480, jpeg, "a.jpg",
          0, "all", null));
    }
    disk.cut(false, 3);
    try (Spool spool = Spool.open(dir, 1 << 30, 0, WhenFull.EVICT_OLDEST, InstantSource.system())) {
      assertThat(spool.stats().pending()).isEqualTo(1);
      assertThat(spool.takePending(1).get(0).id()).isEqualTo(id);
    }
  }

  /** Finding: the update state was renamed into place without syncing its folder; a replayed bundle could apply again. */
  @Test
  void theLastAppliedUpdateSequenceSurvivesTheCut() throws Exception {
    Path spool = root.resolve("spool");
    UpdateState s = UpdateState.load(spool);
    s.kind("model").lastSequence = 42;
    s.save();
    disk.cut(false, 4);
    assertThat(UpdateState.load(spool).kind("model").lastSequence).isEqualTo(42);
  }

  /** Finding: store.json (where a data folder's images are) was renamed into place without syncing its folder. */
  @Test
  void aFileWrittenDurablyIsThereWholeAfterTheCut() throws Exception {
    Path f = root.resolve("srv/store.json");
    Durable.write(f, "{\"type\":\"s3\"}".getBytes());
    Durable.write(f, "{\"type\":\"s3\",\"bucket\":\"b\"}".getBytes());
    disk.cut(true, 5);
    assertThat(Files.readString(f)).isEqualTo("{\"type\":\"s3\",\"bucket\":\"b\"}");
    try (var files = Files.list(f.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("store.json");
    }
  }
}
