package io.fieldcap.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.Mosquitto;
import io.fieldcap.testing.MqttWatcher;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device status topic: a retained "online" with counts while the agent runs, "offline" by the will when it dies. */
class StatusIT {
  @TempDir Path tmp;

  @Test
  void givenARunningAgent_thenItsRetainedStatusIsOnlineWithCounts_andItsWillSaysOfflineWhenItIsKilled() throws Exception {
    try (Mosquitto broker = Mosquitto.plain(tmp.resolve("mosquitto")).start();
        ChildProcess agent = ChildProcess.fieldcap("agent", "--set", "device.id=status-cam",
            "--set", "source.uri=file://" + TestMedia.vtestMp4(20), "--set", "source.fps=2",
            "--set", "spool.dir=" + tmp.resolve("spool"), "--set", "mqtt.broker=" + broker.uri(),
            "--set", "mqtt.status-interval=1s",
            "--set", "capture.rules.rare.type=random", "--set", "capture.rules.rare.probability=0.000001")) {
      assertThat(agent.waitForLine(l -> l.contains("sync: connected"), Duration.ofSeconds(30))).as(agent::output).isTrue();
      Thread.sleep(3000);
      MqttWatcher watcher = new MqttWatcher(broker.uri(), "watcher", "fieldcap/v1/status-cam/status");
      MqttWatcher.Message first = watcher.next(Duration.ofSeconds(10));
      assertThat(first).as("a retained status for a late subscriber").isNotNull();
      JsonNode online = Json.MAPPER.readTree(first.payload());
      assertThat(online.get("state").asText()).isEqualTo("online");
      assertThat(online.get("device").asText()).isEqualTo("status-cam");
      assertThat(online.get("captured").asLong()).isPositive();
      assertThat(online.has("backlog")).isTrue();
      assertThat(online.at("/rejectedBy/no-rule").asLong()).as("frames no rule kept, by reason").isPositive();
      assertThat(online.get("diskFree").asLong()).isPositive();
      assertThat(online.get("fps").asDouble()).isBetween(0.5, 4.0);
      assertThat(online.get("forgedAcks").asLong()).isZero();
      assertThat(online.at("/stages/capture").asText()).isEqualTo("streaming");
      assertThat(online.at("/stages/writer").asText()).isEqualTo("ok");
      agent.close(); // SIGKILL: no goodbye, the broker publishes the will
      JsonNode last = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline) {
        MqttWatcher.Message m = watcher.next(Duration.ofSeconds(1));
        if (m != null) {
          JsonNode s = Json.MAPPER.readTree(m.payload());
          last = s;
          if (s.get("state").asText().equals("offline")) {
            break;
          }
        }
      }
      assertThat(last).isNotNull();
      assertThat(last.get("state").asText()).isEqualTo("offline");
      watcher.close();
    }
  }
}
