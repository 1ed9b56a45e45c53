package io.fieldcap.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import io.fieldcap.model.Sha256;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.Mosquitto;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar end to end over TLS: Mosquitto with certificates from scripts/gen-certs.sh,
 * requiring a client certificate and a password; `fieldcap server`, `fieldcap agent` and
 * `fieldcap export` as separate processes.
 */
class TlsIT {
  @TempDir Path tmp;

  @Test
  void givenMutualTlsAndAPassword_thenAgentAndServerSyncAndTheExportHoldsEveryFrame() throws Exception {
    Path certs = tmp.resolve("certs");
    TestMedia.run(List.of("scripts/gen-certs.sh", certs.toString(), "tls-cam"));
    Path data = tmp.resolve("data");
    try (Mosquitto broker = Mosquitto.tls(tmp.resolve("mosquitto"), certs, "fleet", "s3cret pass").start()) {
      List<String> tls = List.of("--set", "mqtt.ca-file=" + certs.resolve("ca.pem"),
          "--set", "mqtt.cert-file=" + certs.resolve("server.pem"), "--set", "mqtt.key-file=" + certs.resolve("server.key"),
          "--set", "mqtt.username=fleet");
      List<String> deviceTls = List.of("--set", "mqtt.ca-file=" + certs.resolve("ca.pem"),
          "--set", "mqtt.cert-file=" + certs.resolve("devices/tls-cam.pem"),
          "--set", "mqtt.key-file=" + certs.resolve("devices/tls-cam.key"), "--set", "mqtt.username=fleet");
      Map<String, String> env = Map.of("FIELDCAP_MQTT_PASSWORD", "s3cret pass");
      String[] serverArgs = concat(List.of("server", "--broker", broker.uri(), "--data-dir", data.toString()), tls);
      String[] agentArgs = concat(List.of("agent", "--set", "device.id=tls-cam",
          "--set", "source.uri=file://" + TestMedia.vtestMp4(10), "--set", "source.fps=1", "--set", "source.realtime=false",
          "--set", "spool.dir=" + tmp.resolve("spool"), "--set", "mqtt.broker=" + broker.uri()), deviceTls);
      try (ChildProcess server = ChildProcess.fieldcapWithEnv(env, serverArgs);
          ChildProcess agent = ChildProcess.fieldcapWithEnv(env, agentArgs)) {
        assertThat(server.waitForLine(l -> l.contains("server: connected to ssl://"), Duration.ofSeconds(30)))
            .as(server::output).isTrue();
        assertThat(agent.waitForLine(l -> l.contains("sync: connected to ssl://"), Duration.ofSeconds(30)))
            .as(agent::output).isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (count(data) < 10) {
          assertThat(System.nanoTime()).as(() -> agent.output() + "\n" + server.output()).isLessThan(deadline);
          Thread.sleep(200);
        }
        agent.terminate();
        server.terminate();
        assertThat(agent.waitFor(Duration.ofSeconds(10))).as(agent::output).isZero();
        assertThat(server.waitFor(Duration.ofSeconds(10))).as(server::output).isZero();
      }
      // a client without the password is turned away
      try (ChildProcess intruder = ChildProcess.fieldcap(concat(List.of("server", "--broker", broker.uri(),
          "--data-dir", tmp.resolve("other").toString()), tls))) {
        assertThat(intruder.waitForLine(l -> l.contains("unreachable"), Duration.ofSeconds(30))).as(intruder::output).isTrue();
        assertThat(intruder.output()).doesNotContain("server: connected");
      }
    }
    ChildProcess export = ChildProcess.fieldcapRun("export", "--data-dir", data.toString(), "--format", "coco",
        "--out", tmp.resolve("coco").toString());
    assertThat(export.exitCode()).as(export.output()).isZero();
    assertThat(export.output()).contains("exported 10 images");
    JsonNode coco = Json.MAPPER.readTree(tmp.resolve("coco/annotations.json").toFile());
    assertThat(coco.get("images")).hasSize(10);
    for (JsonNode img : coco.get("images")) {
      Path file = tmp.resolve("coco/images").resolve(img.get("file_name").asText());
      assertThat(Sha256.hex(Files.readAllBytes(file))).isEqualTo(img.get("sha256").asText());
    }
  }

  private static long count(Path data) throws Exception {
    Path images = data.resolve("images/tls-cam");
    if (!Files.isDirectory(images)) {
      return 0;
    }
    try (var s = Files.walk(images)) {
      return s.filter(p -> p.toString().endsWith(".jpg")).count();
    }
  }

  private static String[] concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toArray(String[]::new);
  }
}
