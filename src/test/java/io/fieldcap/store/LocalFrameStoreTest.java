package io.fieldcap.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.ingest.Manifests;
import io.fieldcap.json.Json;
import io.fieldcap.model.Sha256;
import io.fieldcap.protocol.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFrameStoreTest {
  @TempDir Path tmp;

  private static Manifest manifest(byte[] data, int chunk) {
    return new Manifest(1, "20261129T100000000Z-000000000001", "cam", Instant.parse("2026-11-29T10:00:00Z"), 1,
        Sha256.hex(data), data.length, chunk, Manifest.chunkCount(data.length, chunk), "image/jpeg", 4, 4, null, null);
  }

  @Test
  void chunksAreStagedUntilCompleteAndAReplacedManifestDiscardsTheOldChunks() throws Exception {
    byte[] data = new byte[3000];
    data[2999] = 7;
    try (LocalFrameStore s = LocalFrameStore.open(tmp)) {
      Manifest m = manifest(data, 1024);
      s.stage(Manifests.transfer(m), Json.encode(m));
      assertThat(s.missingChunks(Manifests.transfer(m))).containsExactly(0, 1, 2);
      s.putChunk("cam", m.frameId(), 1, new byte[1024]);
      assertThat(s.missingChunks(Manifests.transfer(m))).containsExactly(0, 2);
      s.stage(Manifests.transfer(m), Json.encode(m)); // the same manifest again (a resume) keeps what arrived
      assertThat(s.missingChunks(Manifests.transfer(m))).containsExactly(0, 2);
      Manifest other = manifest(new byte[2048], 1024);
      s.stage(Manifests.transfer(other), Json.encode(other)); // same id, different frame: the old chunks are not its chunks
      assertThat(s.missingChunks(Manifests.transfer(other))).containsExactly(0, 1);
    }
  }

  @Test
  void staleTransfersAreDroppedAfterTheTimeout() throws Exception {
    try (LocalFrameStore s = LocalFrameStore.open(tmp)) {
      Manifest m = manifest(new byte[2048], 1024);
      s.stage(Manifests.transfer(m), Json.encode(m));
      s.putChunk("cam", m.frameId(), 0, new byte[1024]);
      assertThat(s.expireStaged(Instant.now().minus(Duration.ofMinutes(10)))).isZero();
      Path staged = tmp.resolve("staging/cam/" + m.frameId());
      Files.setLastModifiedTime(staged, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
      assertThat(s.expireStaged(Instant.now().minus(Duration.ofMinutes(10)))).isEqualTo(1);
      assertThat(staged).doesNotExist();
      assertThat(s.staged("cam", m.frameId())).isNull();
    }
  }

  private static Manifest frame(String id, byte[] data) {
    return new Manifest(1, id, "cam", Instant.parse("2026-11-29T10:00:00Z"), 1, Sha256.hex(data), data.length, 1024,
        Manifest.chunkCount(data.length, 1024), "image/jpeg", 4, 4, null, null);
  }

  @Test
  void aGroupCommitStoresEachFrameOnceAndAnswersEachAsItsOwnCommitWould() throws Exception {
    try (LocalFrameStore s = LocalFrameStore.open(tmp)) {
      byte[] a = {1, 2, 3};
      byte[] b = {4, 5, 6};
      byte[] c = {7, 8, 9};
      Manifest ma = frame("20261129T100000000Z-000000000001", a);
      Manifest mb = frame("20261129T100000000Z-000000000002", b);
      Manifest mc = frame("20261129T100000000Z-000000000003", c);
      assertThat(s.commit(Manifests.frame(ma), s.assemble(ma.deviceId(), ma.frameId(), a), Instant.now())).isEqualTo(FrameStore.Outcome.STORED);
      Manifest conflicting = frame(mb.frameId(), c);
      assertThat(s.commitAll(java.util.List.of(Manifests.frame(ma), Manifests.frame(mb), Manifests.frame(mc)), java.util.List.of(s.assemble(ma.deviceId(), ma.frameId(), a), s.assemble(mb.deviceId(), mb.frameId(), b),
          s.assemble(mc.deviceId(), mc.frameId(), c)), Instant.now())).containsExactly(FrameStore.Outcome.DUPLICATE, FrameStore.Outcome.STORED,
          FrameStore.Outcome.STORED);
      assertThat(Files.readAllBytes(tmp.resolve("images/cam/2026-11-29/" + mb.frameId() + ".jpg"))).isEqualTo(b);
      assertThat(Files.readAllBytes(tmp.resolve("images/cam/2026-11-29/" + mc.frameId() + ".jpg"))).isEqualTo(c);
      assertThat(s.commitAll(java.util.List.of(Manifests.frame(conflicting)), java.util.List.of(s.assemble(conflicting.deviceId(), conflicting.frameId(), c)), Instant.now()))
          .containsExactly(FrameStore.Outcome.CONFLICT);
      assertThat(Files.readAllBytes(tmp.resolve("images/cam/2026-11-29/" + mb.frameId() + ".jpg")))
          .as("a conflicting offer leaves the stored bytes alone").isEqualTo(b);
    }
  }

  @Test
  void aCommittedFrameIsDurableInPlaceAndASecondCommitIsADuplicate() throws Exception {
    byte[] data = {1, 2, 3, 4};
    try (LocalFrameStore s = LocalFrameStore.open(tmp)) {
      Manifest m = manifest(data, 1024);
      assertThat(s.commit(Manifests.frame(m), data, Instant.now())).isEqualTo(FrameStore.Outcome.STORED);
      assertThat(s.commit(Manifests.frame(m), data, Instant.now())).isEqualTo(FrameStore.Outcome.DUPLICATE);
      assertThat(s.contains("cam", m.frameId())).isTrue();
      assertThat(tmp.resolve("images/cam/2026-11-29/" + m.frameId() + ".jpg")).hasBinaryContent(data);
      try (var files = Files.list(tmp.resolve("images/cam/2026-11-29"))) {
        assertThat(files.count()).as("no temporary files left").isEqualTo(1);
      }
    }
  }

  @Test
  void givenStagedChunks_thenAssemblyStreamsThemIntoAnFsyncedFileWithItsSha256AndCloseDiscardsIt() throws Exception {
    byte[] data = new byte[3000];
    new java.util.Random(3).nextBytes(data);
    try (LocalFrameStore s = LocalFrameStore.open(tmp)) {
      Manifest m = manifest(data, 1024);
      s.stage(Manifests.transfer(m), Json.encode(m));
      for (int i = 0; i < 3; i++) {
        s.putChunk("cam", m.frameId(), i, java.util.Arrays.copyOfRange(data, i * 1024, Math.min(3000, (i + 1) * 1024)));
      }
      assertThat(s.hasChunk("cam", m.frameId(), 2)).isTrue();
      assertThat(s.hasChunk("cam", m.frameId(), 3)).isFalse();
      try (Assembled a = s.assemble(Manifests.transfer(m))) {
        assertThat(a.bytes()).isEqualTo(3000);
        assertThat(a.sha256()).isEqualTo(Sha256.hex(data));
        assertThat(a.open().readAllBytes()).isEqualTo(data);
      }
      try (var files = Files.walk(tmp.resolve("tmp"))) {
        assertThat(files.filter(Files::isRegularFile).count()).as("the discarded assembly is gone").isZero();
      }
      try (Assembled a = s.assemble(Manifests.transfer(m))) {
        assertThat(s.commit(Manifests.frame(m), a, Instant.now())).isEqualTo(FrameStore.Outcome.STORED);
      }
      assertThat(tmp.resolve("images/cam/2026-11-29/" + m.frameId() + ".jpg")).hasBinaryContent(data);
      Manifest other = new Manifest(1, m.frameId(), "cam", m.capturedAt(), 1, Sha256.hex(new byte[] {9}), 1, 1024, 1,
          "image/jpeg", 4, 4, null, null);
      assertThat(s.commit(Manifests.frame(other), new byte[] {9}, Instant.now())).as("other bytes under a stored id").isEqualTo(FrameStore.Outcome.CONFLICT);
      assertThat(tmp.resolve("images/cam/2026-11-29/" + m.frameId() + ".jpg")).as("left as it was").hasBinaryContent(data);
    }
    Files.writeString(tmp.resolve("tmp/left-by-a-crash.part"), "x");
    Path crashed = Files.createDirectories(tmp.resolve("tmp/a-server-that-was-killed"));
    Files.writeString(crashed.resolve("frame.part"), "x");
    Files.setLastModifiedTime(crashed, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    Path running = Files.createDirectories(tmp.resolve("tmp/a-server-still-running"));
    Files.writeString(running.resolve("frame.part"), "x");
    try (LocalFrameStore s = LocalFrameStore.open(tmp)) {
      assertThat(tmp.resolve("tmp/left-by-a-crash.part")).as("never acked: removed at start").doesNotExist();
      assertThat(crashed).as("a killed server's folder").doesNotExist();
      assertThat(running.resolve("frame.part")).as("another server sharing the folder is assembling it").exists();
    }
  }
}
