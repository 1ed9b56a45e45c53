package io.fieldcap.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.model.Sha256;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.Closer;
import io.fieldcap.testing.Mosquitto;
import io.fieldcap.testing.PgServer;
import io.fieldcap.testing.S3Server;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The scaled-out server side as processes: two agents, each on its own broker; three servers, each
 * subscribed to both brokers, keeping images in an S3 bucket and metadata either in one shared data
 * folder (SQLite) or in PostgreSQL (each server with a data folder of its own, as on separate
 * machines); one server SIGKILLed mid-transfer. Every frame of both devices ends up stored once, its
 * object intact.
 */
class ScaleOutIT {
  @TempDir Path tmp;
  private final Closer cleanup = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    cleanup.close();
  }

  @Test
  void twoAgentsTwoBrokersThreeServersOneKilled_everyFrameStoredOnceInTheBucket() throws Exception {
    scaleOut(null);
  }

  @Test
  void theSameWithMetadataInPostgresAndNothingSharedButTheDatabaseAndTheBucket() throws Exception {
    PgServer pg = PgServer.start();
    cleanup.add(pg);
    scaleOut(pg);
    assertThat(pg.query("SELECT count(*), count(DISTINCT (device, frame_id)) FROM frames")).containsExactly("80|80");
    assertThat(pg.query("SELECT count(*) FROM staged_chunks")).as("every staged chunk assembled and dropped").containsExactly("0");
  }

  private void scaleOut(PgServer pg) throws Exception {
    S3Server s3 = S3Server.start(tmp.resolve("s3"));
    cleanup.add(s3);
    Mosquitto a = Mosquitto.plain(tmp.resolve("a")).start();
    cleanup.add(a);
    Mosquitto b = Mosquitto.plain(tmp.resolve("b")).start();
    cleanup.add(b);
    Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", s3.accessKey, "AWS_SECRET_ACCESS_KEY", s3.secretKey);
    s3.credentialsInThisJvm(); // this JVM reads the store too
    Path data = tmp.resolve("data");
    List<ChildProcess> servers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ChildProcess s = ChildProcess.fieldcapServerJar(env, "server", "--broker", a.uri(),
          "--data-dir", (pg == null ? data : tmp.resolve("data-" + i)).toString(),
          "--set", "server.brokers=" + a.uri() + "," + b.uri(), "--set", "server.store=s3://" + s3.bucket + "/scale",
          "--set", "server.s3.endpoint=" + s3.endpoint, "--set", "server.s3.region=" + s3.region,
          "--set", "server.database=" + (pg == null ? "sqlite:" : pg.url));
      cleanup.add(s);
      servers.add(s);
    }
    for (ChildProcess s : servers) {
      assertThat(s.waitForLine(l -> l.contains("server: connected to " + b.uri()), Duration.ofSeconds(60))).as(s::output).isTrue();
    }
    List<ChildProcess> agents = new ArrayList<>();
    for (String[] dev : new String[][] {{"cam-a", a.uri()}, {"cam-b", b.uri()}}) {
      ChildProcess ag = ChildProcess.fieldcap("agent", "--set", "device.id=" + dev[0], "--set",
          "source.uri=file://" + TestMedia.vtestMp4(20), "--set", "source.fps=2", "--set", "source.realtime=false",
          "--set", "spool.dir=" + tmp.resolve("spool-" + dev[0]), "--set", "mqtt.broker=" + dev[1],
          "--set", "mqtt.chunk-bytes=16KiB", "--set", "mqtt.ack-timeout=3s", "--set", "quality.duplicates=false",
          "--set", "quality.blur-min=0");
      cleanup.add(ag);
      agents.add(ag);
    }
    Thread.sleep(3000);
    servers.get(0).close(); // SIGKILL, mid-transfer: the other two take over both brokers' shared subscriptions
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    List<StoredFrame> frames = new ArrayList<>();
    java.io.IOException last = null;
    while (System.nanoTime() < deadline) {
      frames.clear();
      try (LocalFrameStore store = LocalFrameStore.open(pg == null ? data : tmp.resolve("data-1"))) {
        store.forEach(f -> frames.add(f.withLabels(null)));
      } catch (java.io.IOException e) {
        last = e;
      }
      if (frames.size() >= 80) {
        break;
      }
      Thread.sleep(1000);
    }
    assertThat(frames).as("40 frames (20 s at 2 fps) from each of two devices; last error reading: " + last).hasSize(80);
    Set<String> ids = new HashSet<>();
    try (S3Client c = s3.client()) {
      for (StoredFrame f : frames) {
        assertThat(ids.add(f.device() + "/" + f.frameId())).as("stored once: " + f.frameId()).isTrue();
        String key = "scale/images/" + f.device() + "/" + f.capturedAt().toString().substring(0, 10) + "/" + f.frameId() + ".jpg";
        assertThat(Sha256.hex(c.getObjectAsBytes(r -> r.bucket(s3.bucket).key(key)).asByteArray())).as(key).isEqualTo(f.sha256());
      }
    }
    assertThat(frames).extracting(StoredFrame::device).containsOnly("cam-a", "cam-b");
    for (ChildProcess ag : agents) {
      assertThat(ag.alive()).as(ag::output).isTrue();
    }
  }
}
