package io.fieldcap.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.protocol.Codec;
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
  void theDemoRunsBrokerServerAndAgentAndLeavesACocoExport() throws Exception {
    String jar = System.getProperty("fieldcap.server.jar", "target/fieldcap-server.jar");
    try (ChildProcess demo = ChildProcess.start(List.of("java", "-jar", jar, "demo", "--seconds", "8",
        "--data-dir", tmp.toString()))) {
      assertThat(demo.waitFor(Duration.ofSeconds(90))).as(demo::output).isZero();
      assertThat(demo.output()).contains("demo: captured").containsPattern("demo: \\d+ frames arrived at the server");
    }
    JsonNode coco = Codec.JSON.readTree(tmp.resolve("coco/annotations.json").toFile());
    assertThat(coco.get("images").size()).isGreaterThanOrEqualTo(8);
    assertThat(tmp.resolve("coco/images/demo-cam")).isDirectory();
  }

  @Test
  void theDeviceJarSaysTheDemoNeedsTheServerJar() throws Exception {
    ChildProcess p = ChildProcess.fieldcapRun("demo", "--seconds", "1", "--data-dir", tmp.toString());
    assertThat(p.exitCode()).isEqualTo(2);
    assertThat(p.output()).contains("the demo needs fieldcap-server.jar");
  }
}
