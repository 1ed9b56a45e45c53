package io.fieldcap.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spool with planted damage: a truncated JPEG, a row whose image is gone, an image without a
 * row, a leftover temporary file and a corrupt SQLite WAL. The agent starts, sets the damage aside
 * once, counts it, and carries on.
 */
class DamageIT {
  @TempDir Path tmp;

  private static List<Path> images(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
    }
  }

  @Test
  void givenPlantedDamage_thenTheAgentStartsQuarantinesReportsAndCarriesOn() throws Exception {
    try (Rig rig = new Rig(tmp, 20)) {
      rig.startServer();
      rig.broker.kill();
      rig.startAgent();
      rig.awaitTrue(() -> rig.spoolStats().getOrDefault("pending", 0L) == 20, Duration.ofSeconds(60),
          "20 frames in the spool");
      rig.stopAgent();

      List<Path> spooled = images(rig.spool.resolve("frames"));
      assertThat(spooled).hasSize(20);
      Path truncated = spooled.get(0);
      byte[] whole = Files.readAllBytes(truncated);
      Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2)); // a torn write
      Files.delete(spooled.get(1)); // a row whose image is gone
      Path orphan = spooled.get(2).resolveSibling("20991231T000000000Z-000000999999.jpg");
      Files.copy(spooled.get(2), orphan); // an image without a row
      Files.writeString(rig.spool.resolve("tmp/20991231T000000000Z-000000999998.jpg.part"), "half a frame");
      byte[] garbage = new byte[8192];
      new Random(7).nextBytes(garbage);
      Files.write(rig.spool.resolve("spool.db-wal"), garbage, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);

      rig.broker.start();
      rig.startAgent();
      rig.awaitDrained(18, Duration.ofSeconds(60));
      // it carries on: new files are taken and sent
      TestMedia.run(List.of("ffmpeg", "-loglevel", "error", "-y", "-ss", "30", "-i", TestMedia.vtestAvi().toString(),
          "-vf", "fps=10,scale=384:288", "-frames:v", "5", "-q:v", "3", rig.input.resolve("new-%02d.jpg").toString()));
      rig.awaitDrained(23, Duration.ofSeconds(60));
      rig.stopAgent();

      Map<String, Long> s = rig.spoolStats();
      assertThat(s.get("failed")).as("the truncated image and the missing one").isEqualTo(2);
      assertThat(s.get("quarantined")).as("the image without a row").isEqualTo(1);
      assertThat(images(rig.spool.resolve("failed"))).singleElement()
          .satisfies(p -> assertThat(p.getFileName()).isEqualTo(truncated.getFileName()));
      assertThat(images(rig.spool.resolve("quarantine"))).singleElement()
          .satisfies(p -> assertThat(p.getFileName()).isEqualTo(orphan.getFileName()));
      assertThat(rig.spool.resolve("tmp")).isEmptyDirectory();
      String log = rig.logs();
      assertThat(log).contains("1 image(s) without a row moved to quarantine/")
          .contains("1 row(s) whose image is missing")
          .contains("no longer matches the SHA-256");
      Rig.Tally t = rig.tally(23); // 25 files; the two whose images were destroyed are counted as failed
      Rig.record("planted damage: truncated JPEG, missing image, image without row, temp file, corrupt WAL "
          + "(2 destroyed images counted as failed)", 1, t, "scripts/torture.sh damage");
      Rig.assertPerfect(t, log);
    }
  }
}
