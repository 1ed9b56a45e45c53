package io.fieldcap.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.config.ConfigLoader;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.Mosquitto;
import io.fieldcap.testing.TestMedia;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's Prometheus endpoint with a real model, a real Mosquitto and the packaged server: the
 * counters move, the inference and ack latency histograms fill, the model is named, and Debian's
 * promtool finds nothing wrong with the text.
 */
class AgentMetricsIT {
  @TempDir Path tmp;

  private static long value(String text, String metric) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + " (\\S+)$").matcher(text);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
  }

  @Test
  void givenAnAgentWithAModel_thenItsMetricsCountFramesLatenciesAndTheModelAndPassPromtool() throws Exception {
    int port = TestMedia.freePort();
    try (Mosquitto broker = Mosquitto.plain(tmp.resolve("mosquitto")).start();
        ChildProcess server = ChildProcess.fieldcap("server", "--broker", broker.uri(), "--data-dir", tmp.resolve("data").toString())) {
      assertThat(server.waitForLine(l -> l.contains("server: connected"), Duration.ofSeconds(30))).as(server::output).isTrue();
      Agent agent = new Agent(ConfigLoader.load(null, List.of("device.id=metered", "source.uri=file://" + TestMedia.vtestMp4(10),
          "source.fps=2", "source.realtime=false", "spool.dir=" + tmp.resolve("spool"), "mqtt.broker=" + broker.uri(),
          "model.path=src/test/resources/models/yolov8-detect.onnx", "model.threads=1",
          "agent.metrics-listen=127.0.0.1:" + port, "tracking.enabled=true")), InstantSource.system());
      agent.start();
      try {
        String text = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
          HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
              + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).isEqualTo(200);
          text = r.body();
          // the ack's latency is observed as the ack arrives, the spool's acked count when it is committed: wait for both
          if (value(text, "fieldcap_agent_ack_latency_seconds_count") >= 5 && value(text, "fieldcap_agent_frames_acked_total") >= 5) {
            break;
          }
          Thread.sleep(250);
        }
        assertThat(value(text, "fieldcap_agent_frames_captured_total")).as(text).isGreaterThanOrEqualTo(5);
        assertThat(value(text, "fieldcap_agent_frames_acked_total")).isGreaterThanOrEqualTo(5);
        assertThat(value(text, "fieldcap_agent_inference_seconds_count")).isGreaterThanOrEqualTo(5);
        assertThat(value(text, "fieldcap_agent_ack_latency_seconds_count")).isGreaterThanOrEqualTo(5);
        assertThat(value(text, "fieldcap_agent_broker_connected")).isEqualTo(1);
        assertThat(text).contains("fieldcap_agent_model_info{model=\"yolov8-detect.onnx\",version=\"");
        assertThat(text).as("tracking's counts").contains("fieldcap_agent_tracks_active ", "fieldcap_agent_tracks_started_total ",
            "fieldcap_agent_tracks_ended_total ", "fieldcap_agent_track_frames_mean ");
        io.fieldcap.testing.Promtool.Result lint = io.fieldcap.testing.Promtool.check(tmp, text);
        assertThat(lint.exitCode()).as(lint.said()).isZero();
        assertThat(lint.said()).as("promtool's lint").isEmpty();
        HttpResponse<String> other = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/spool")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).isEqualTo(404);

        // the operator's view from the broker alone: fieldcap fleet
        ChildProcess fleet = ChildProcess.fieldcapRun("fleet", "--broker", broker.uri(), "--wait", "1s");
        assertThat(fleet.exitCode()).as(fleet::output).isZero();
        assertThat(fleet.output()).containsPattern("metered\\s+online\\s+\\S+\\s+yolov8-detect\\.onnx@[0-9a-f]{12}");
      } finally {
        agent.stop();
      }
      ChildProcess after = ChildProcess.fieldcapRun("fleet", "--broker", broker.uri(), "--wait", "1s", "--json");
      assertThat(after.output()).as("a clean stop says offline").contains("\"state\" : \"offline\"");
    }
  }
}
