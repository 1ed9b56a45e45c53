package io.fieldcap.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.config.SpoolConfig.WhenFull;
import io.fieldcap.model.Frame;
import io.fieldcap.model.FrameId;
import io.fieldcap.spool.Spool;
import io.fieldcap.spool.SpoolEntry;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A folder source over real sample images, with the real spool as its ledger. */
class DirectorySourceTest {
  @TempDir Path tmp;
  private final ExecutorService exec = Executors.newSingleThreadExecutor();
  private final List<String> skipped = new ArrayList<>();

  @AfterEach
  void shutdown() {
    exec.shutdownNow();
  }

  private Path in() throws Exception {
    return Files.createDirectories(tmp.resolve("in"));
  }

  private void copySample(String name, String as, long mtime) throws Exception {
    Path p = Files.copy(TestMedia.samples().resolve(name), in().resolve(as));
    Files.setLastModifiedTime(p, FileTime.fromMillis(mtime));
  }

  private Spool spool() {
    return Spool.open(tmp.resolve("spool"), 1 << 30, 0, WhenFull.EVICT_OLDEST, InstantSource.system());
  }

  private FrameSink sinkFor(Spool spool) {
    return new FrameSink() {
      @Override
      public void accept(Frame frame) {
        byte[] jpeg = {1, 2, 3};
        spool.put(new SpoolEntry(FrameId.of(frame.capturedAt(), frame.seq()), frame.seq(), frame.capturedAt(),
            frame.width(), frame.height(), jpeg, frame.sourceItem(), 0, "all", null));
      }

      @Override
      public void skipped(String origin, String reason) {
        skipped.add(reason);
        spool.skip(origin, reason);
      }
    };
  }

  /** Reads up to {@code n} images, storing each in the spool as the agent would. */
  private List<Image> take(DirectorySource src, Spool spool, int n, long timeoutMs) throws Exception {
    List<Image> out = new ArrayList<>();
    FrameSink sink = sinkFor(spool);
    long seqStart = spool.nextSequence();
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (out.size() < n && System.currentTimeMillis() < deadline) {
      Future<Image> f = exec.submit(src::next);
      try {
        Image img = f.get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        out.add(img);
        sink.accept(new Frame(seqStart + out.size(), Instant.now(), img.width(), img.height(), img.bgr(), img.sourceItem()));
      } catch (java.util.concurrent.TimeoutException e) {
        f.cancel(true);
        break;
      }
    }
    return out;
  }

  @Test
  void givenFilesAlreadyThere_thenTheyAreTakenOldestFirstAndDecodedAtTheirSize() throws Exception {
    copySample("baboon.jpg", "b.jpg", 2_000_000);
    copySample("fruits.jpg", "a.jpg", 3_000_000);
    try (Spool spool = spool()) {
      DirectorySource src = new DirectorySource(in(), 100, spool::isTaken, sinkFor(spool));
      src.open();
      List<Image> got = take(src, spool, 2, 5000);
      assertThat(got).extracting(Image::sourceItem).containsExactly(
          "dir:b.jpg|" + Files.size(in().resolve("b.jpg")) + "|2000000",
          "dir:a.jpg|" + Files.size(in().resolve("a.jpg")) + "|3000000");
      assertThat(got.get(0).width()).isEqualTo(512);
      assertThat(got.get(0).bgr()).hasSize(512 * 512 * 3);
    }
  }

  @Test
  void givenARestart_thenFilesTakenBeforeAreNotTakenAgainButNewOnesAre() throws Exception {
    copySample("baboon.jpg", "one.jpg", 1_000_000);
    copySample("fruits.jpg", "two.jpg", 2_000_000);
    try (Spool spool = spool()) {
      DirectorySource src = new DirectorySource(in(), 100, spool::isTaken, sinkFor(spool));
      src.open();
      assertThat(take(src, spool, 2, 5000)).hasSize(2);
      src.close();
    }
    copySample("home.jpg", "three.jpg", 3_000_000);
    try (Spool spool = spool()) {
      DirectorySource src = new DirectorySource(in(), 100, spool::isTaken, sinkFor(spool));
      src.open();
      List<Image> got = take(src, spool, 3, 3000);
      assertThat(got).extracting(Image::sourceItem).singleElement().asString().startsWith("dir:three.jpg|");
      assertThat(spool.stats().pending()).isEqualTo(3);
    }
  }

  @Test
  void givenFilesArrivingLater_thenTheyAreTakenOnceComplete_andPartialOrHiddenFilesWait() throws Exception {
    try (Spool spool = spool()) {
      DirectorySource src = new DirectorySource(in(), 100, spool::isTaken, sinkFor(spool));
      src.open();
      assertThat(take(src, spool, 1, 1200)).isEmpty();
      Files.copy(TestMedia.samples().resolve("baboon.jpg"), in().resolve("new.jpg.part"));
      Files.copy(TestMedia.samples().resolve("baboon.jpg"), in().resolve(".hidden.jpg"));
      assertThat(take(src, spool, 1, 1500)).isEmpty();
      Files.move(in().resolve("new.jpg.part"), in().resolve("new.jpg"));
      assertThat(take(src, spool, 2, 3000)).extracting(Image::sourceItem).singleElement().asString()
          .startsWith("dir:new.jpg|");
    }
  }

  @Test
  void givenDamagedFiles_thenEachIsSkippedOnceByReasonAndGoodFilesStillCome() throws Exception {
    byte[] jpeg = Files.readAllBytes(TestMedia.samples().resolve("baboon.jpg"));
    Files.write(in().resolve("truncated.jpg"), java.util.Arrays.copyOf(jpeg, jpeg.length / 2));
    Files.writeString(in().resolve("notes.jpg"), "this is not an image");
    copySample("fruits.jpg", "good.jpg", System.currentTimeMillis());
    try (Spool spool = spool()) {
      DirectorySource src = new DirectorySource(in(), 100, spool::isTaken, sinkFor(spool));
      src.open();
      assertThat(take(src, spool, 1, 5000)).extracting(Image::sourceItem).singleElement().asString()
          .startsWith("dir:good.jpg|");
      assertThat(skipped).containsExactlyInAnyOrder("truncated", "not-an-image");
      src.close();
      src.open();
      assertThat(take(src, spool, 1, 1500)).isEmpty();
      assertThat(skipped).hasSize(2);
      assertThat(spool.stats().rejectedBy()).containsEntry("truncated", 1L).containsEntry("not-an-image", 1L);
    }
  }

  @Test
  void givenARate_thenFilesAreTakenNoFasterThanIt() throws Exception {
    for (int i = 0; i < 4; i++) {
      copySample("baboon.jpg", "f" + i + ".jpg", 1_000_000 + i);
    }
    try (Spool spool = spool()) {
      DirectorySource src = new DirectorySource(in(), 2, spool::isTaken, sinkFor(spool));
      src.open();
      long t0 = System.nanoTime();
      assertThat(take(src, spool, 4, 10_000)).hasSize(4);
      // 4 files at 2 per second: the 4th is due 1.5 s after the first.
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(1400);
    }
  }
}
