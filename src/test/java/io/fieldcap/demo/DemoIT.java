package io.fieldcap.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import io.fieldcap.testing.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The newcomer's command: the demo in fieldcap-server.jar, and a clear refusal from the device jar. */
class DemoIT {
  @TempDir Path tmp;

  @Test
  void theDemoRunsBrokerServerTwoAgentsAndTheWebAppAndLeavesACocoExport() throws Exception {
    String jar = System.getProperty("fieldcap.server.jar", "target/fieldcap-server.jar");
    try (ChildProcess demo = ChildProcess.start(List.of("java", "-jar", jar, "demo", "--seconds", "25",
        "--data-dir", tmp.toString(), "--http", "127.0.0.1:0"))) {
      assertThat(demo.waitForLine(l -> l.contains("demo: the web app is at"), Duration.ofSeconds(60))).as(demo::output).isTrue();
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("the web app is at (http://\\S+)\\s+\\(log in with the viewer token (fc_\\S+)")
          .matcher(demo.output());
      assertThat(m.find()).as(demo::output).isTrue();
      String url = m.group(1);
      String token = m.group(2);
      var http = java.net.http.HttpClient.newHttpClient();
      JsonNode devices = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (System.nanoTime() < deadline) {
        devices = Json.MAPPER.readTree(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/api/devices"))
            .header("Authorization", "Bearer " + token).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
        if (devices.size() == 2 && devices.get(0).get("online").asBoolean() && devices.get(1).get("online").asBoolean()) {
          break;
        }
        Thread.sleep(500);
      }
      assertThat(devices.toString()).as("the fleet page's data: both demo cameras online").contains("\"device\":\"street-cam\"",
          "\"device\":\"megamind-cam\"");
      assertThat(devices.findValuesAsText("state")).containsOnly("online");
      JsonNode faces = null;
      deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline && (faces == null || faces.get("frames").size() == 0)) {
        Thread.sleep(500);
        faces = Json.MAPPER.readTree(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url
            + "/api/frames?device=megamind-cam&class=face&limit=5")).header("Authorization", "Bearer " + token).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString()).body());
      }
      assertThat(faces.get("frames").size()).as("faces pre-labeled by BlazeFace, arriving live").isPositive();
      assertThat(demo.waitFor(Duration.ofSeconds(90))).as(demo::output).isZero();
      assertThat(demo.output()).contains("demo: captured").containsPattern("demo: \\d+ frames arrived at the server");
    }
    JsonNode coco = Json.MAPPER.readTree(tmp.resolve("coco/annotations.json").toFile());
    assertThat(coco.get("images").size()).isGreaterThanOrEqualTo(8);
    assertThat(tmp.resolve("coco/images/street-cam")).isDirectory();
    assertThat(tmp.resolve("coco/images/megamind-cam")).isDirectory();
  }

  @Test
  void theDeviceJarSaysTheDemoNeedsTheServerJar() throws Exception {
    ChildProcess p = ChildProcess.fieldcapRun("demo", "--seconds", "1", "--data-dir", tmp.toString());
    assertThat(p.exitCode()).isEqualTo(2);
    assertThat(p.output()).contains("the demo needs fieldcap-server.jar");
  }
}
