package io.fieldcap.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.agent.Agent;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.dataset.format.CocoExporter;
import io.fieldcap.json.Json;
import io.fieldcap.model.Sha256;
import io.fieldcap.server.Server;
import io.fieldcap.testing.Closer;
import io.fieldcap.testing.Mosquitto;
import io.fieldcap.testing.S3Server;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Images in an S3 object store (S3Proxy in its own JVM, or the endpoint given by the environment):
 * two servers ingest one device's frames into the same bucket, one stops midway; every frame is
 * stored once, its object holds the bytes with the right SHA-256, and an export from the data folder
 * alone (cache removed) fetches them back intact.
 */
class ObjectStoreIT {
  @TempDir Path tmp;
  private final Closer cleanup = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    cleanup.close();
  }

  private Server server(String broker, Path data, S3Server s3) throws Exception {
    Server s = new Server(ConfigLoader.loadServer(null, List.of("mqtt.broker=" + broker, "server.data-dir=" + data,
        "server.store=s3://" + s3.bucket + "/fieldcap/test", "server.s3.endpoint=" + s3.endpoint,
        "server.s3.region=" + s3.region)), InstantSource.system());
    s.start();
    cleanup.add(s::stop);
    return s;
  }

  @Test
  void framesGoToTheBucketOnce_andEveryCommandReadsThemBackThroughTheDataFolder() throws Exception {
    S3Server s3 = S3Server.start(tmp.resolve("s3"));
    cleanup.add(s3);
    s3.credentialsInThisJvm();
    Mosquitto broker = Mosquitto.plain(tmp.resolve("mosquitto")).start();
    cleanup.add(broker);
    Path data = tmp.resolve("data");
    Server one = server(broker.uri(), data, s3);
    Server two = server(broker.uri(), data, s3);
    assertThat(one.awaitConnected(Duration.ofSeconds(10)) && two.awaitConnected(Duration.ofSeconds(10))).isTrue();
    Agent agent = new Agent(ConfigLoader.load(null, List.of("device.id=cam-s3", "source.uri=file://" + TestMedia.vtestMp4(10),
        "source.fps=2", "source.realtime=false", "spool.dir=" + tmp.resolve("spool"), "mqtt.broker=" + broker.uri(),
        "mqtt.chunk-bytes=16KiB", "mqtt.ack-timeout=3s")), InstantSource.system());
    agent.start();
    cleanup.add(agent::stop);
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (agent.spool().stats().acked() < 8) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(100);
    }
    one.stop();
    while (agent.spool().stats().acked() < 20) {
      assertThat(System.nanoTime()).as("20 frames acked").isLessThan(deadline);
      Thread.sleep(100);
    }
    two.stop();

    List<StoredFrame> frames = new ArrayList<>();
    try (LocalFrameStore store = LocalFrameStore.open(data)) {
      assertThat(store.images().describe()).isEqualTo("s3://" + s3.bucket + "/fieldcap/test at " + s3.endpoint);
      store.forEach(frames::add);
    }
    assertThat(frames).hasSize(20).extracting(StoredFrame::frameId).doesNotHaveDuplicates();
    try (S3Client c = s3.client()) {
      for (StoredFrame f : frames) {
        String key = "fieldcap/test/images/cam-s3/" + f.capturedAt().toString().substring(0, 10) + "/" + f.frameId() + ".jpg";
        ResponseBytes<GetObjectResponse> o = c.getObjectAsBytes(b -> b.bucket(s3.bucket).key(key));
        assertThat(Sha256.hex(o.asByteArray())).as(key).isEqualTo(f.sha256());
        assertThat(o.response().metadata()).containsEntry("sha256", f.sha256());
      }
    }
    Files.walk(data.resolve("cache")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    Path out = tmp.resolve("coco");
    try (LocalFrameStore store = LocalFrameStore.open(data)) {
      new CocoExporter().export(store, out);
    }
    JsonNode coco = Json.MAPPER.readTree(out.resolve("annotations.json").toFile());
    assertThat(coco.get("images")).hasSize(20);
    for (JsonNode img : coco.get("images")) {
      assertThat(Sha256.hex(Files.readAllBytes(out.resolve("images").resolve(img.get("file_name").asText()))))
          .as("fetched back from the bucket").isEqualTo(img.get("sha256").asText());
    }
  }

  @Test
  void aMissingBucketOrWrongCredentialsStopTheServerAtStartWithTheReason() throws Exception {
    S3Server s3 = S3Server.start(tmp.resolve("s3"));
    cleanup.add(s3);
    s3.credentialsInThisJvm();
    var none = new io.fieldcap.config.ObjectStoreConfig("no-such-bucket", "", s3.endpoint, s3.region, true, 1 << 20);
    assertThatThrownBy(() -> LocalFrameStore.open(tmp.resolve("d1"), none)).hasMessageContaining("s3://no-such-bucket")
        .hasMessageContaining("no such bucket");
    System.setProperty("aws.secretAccessKey", "wrong");
    var bucket = new io.fieldcap.config.ObjectStoreConfig(s3.bucket, "", s3.endpoint, s3.region, true, 1 << 20);
    assertThatThrownBy(() -> LocalFrameStore.open(tmp.resolve("d2"), bucket)).hasMessageContaining("access denied");
  }

  @Test
  void aDataFolderWithImagesAsFilesIsNotSwitchedToABucketInPlace() throws Exception {
    Path data = tmp.resolve("data");
    try (LocalFrameStore store = LocalFrameStore.open(data)) {
      Path img = tmp.resolve("x.jpg");
      Files.write(img, io.fieldcap.image.Images.encodeJpeg(8, 8, new byte[8 * 8 * 3], 90));
      store.storeImported("src", "20261129T000000000Z-000000000001", 1, java.time.Instant.now(), img, Sha256.file(img),
          Files.size(img), 8, 8, "image/jpeg", java.util.Map.of(), java.time.Instant.now());
    }
    assertThatThrownBy(() -> LocalFrameStore.open(data, new io.fieldcap.config.ObjectStoreConfig("b", "", "http://127.0.0.1:1",
        "us-east-1", true, 1 << 20))).hasMessageContaining("keeps its images as files; it cannot be switched to s3://b");
  }
}
