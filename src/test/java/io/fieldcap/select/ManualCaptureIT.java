package io.fieldcap.select;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.Mosquitto;
import io.fieldcap.testing.TestMedia;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "Capture now" from the command line and over MQTT, to an agent whose rules keep nothing. */
class ManualCaptureIT {
  @TempDir Path tmp;

  private List<String> kept() {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("spool/spool.db") + "?open_mode=1");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT reason, priority FROM frames ORDER BY seq")) {
      while (r.next()) {
        out.add(r.getString(1) + "@" + r.getInt(2));
      }
    } catch (Exception e) {
      // not created yet
    }
    return out;
  }

  @Test
  void givenRulesThatKeepNothing_thenEachRequestKeepsOneFrameWithItsTag() throws Exception {
    try (Mosquitto broker = Mosquitto.plain(tmp.resolve("mosquitto")).start()) {
      String[] cfg = {"--set", "device.id=gate-cam", "--set", "source.uri=file://" + TestMedia.vtestMp4(60),
          "--set", "source.fps=2", "--set", "spool.dir=" + tmp.resolve("spool"), "--set", "mqtt.broker=" + broker.uri(),
          "--set", "capture.rules.never.type=random", "--set", "capture.rules.never.probability=0.000001"};
      List<String> agentArgs = new ArrayList<>(List.of("agent"));
      agentArgs.addAll(List.of(cfg));
      try (ChildProcess agent = ChildProcess.fieldcap(agentArgs.toArray(String[]::new))) {
        assertThat(agent.waitForLine(l -> l.contains("sync: connected"), Duration.ofSeconds(30))).as(agent::output).isTrue();
        Thread.sleep(3000);
        assertThat(kept()).as("the rules keep nothing").isEmpty();

        List<String> cli = new ArrayList<>(List.of("capture-now", "--tag", "gate-3"));
        cli.addAll(List.of(cfg));
        ChildProcess req = ChildProcess.fieldcapRun(cli.toArray(String[]::new));
        assertThat(req.exitCode()).as(req.output()).isZero();
        assertThat(req.output()).contains("capture requested");
        awaitKept(1, agent);

        MqttClient c = new MqttClient(broker.uri(), "operator", new MemoryPersistence());
        c.connect();
        c.publish("fieldcap/v1/gate-cam/commands", "{\"cmd\":\"capture\",\"tag\":\"remote\"}".getBytes(StandardCharsets.UTF_8),
            1, false);
        c.disconnect();
        c.close();
        awaitKept(2, agent);
        Thread.sleep(1500);
        assertThat(kept()).as("one frame per request, nothing more").containsExactly("manual:gate-3@100", "manual:remote@100");
        agent.terminate();
        assertThat(agent.waitFor(Duration.ofSeconds(10))).as(agent::output).isZero();
      }
    }
  }

  private void awaitKept(int n, ChildProcess agent) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (kept().size() < n) {
      assertThat(System.nanoTime()).as(agent::output).isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
