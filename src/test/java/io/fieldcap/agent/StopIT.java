package io.fieldcap.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent stops within agent.stop-timeout after SIGTERM for every kind of source, while
 * its broker is down (sync is retrying), measured from the signal to the process's exit.
 */
class StopIT {
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(4);
  /** The JVM's own exit after the agent has stopped. */
  private static final Duration JVM_EXIT = Duration.ofMillis(1000);

  @TempDir Path tmp;

  private long stopMillis(String uri, String waitFor) throws Exception {
    int deadPort = TestMedia.freePort(); // nothing listens there: the broker is down
    try (ChildProcess agent = ChildProcess.fieldcap("agent", "--set", "device.id=stopper", "--set", "source.uri=" + uri,
        "--set", "source.fps=5", "--set", "spool.dir=" + tmp.resolve("spool-" + Math.abs(uri.hashCode())),
        "--set", "mqtt.broker=tcp://127.0.0.1:" + deadPort, "--set", "agent.stop-timeout=" + STOP_TIMEOUT.toSeconds() + "s")) {
      assertThat(agent.waitForLine(l -> l.contains(waitFor), Duration.ofSeconds(40))).as(agent::output).isTrue();
      assertThat(agent.waitForLine(l -> l.contains("unreachable"), Duration.ofSeconds(20))).as(agent::output).isTrue();
      Thread.sleep(1500); // well into sync's reconnect attempts and capture
      long t0 = System.nanoTime();
      agent.terminate();
      Integer code = agent.waitFor(Duration.ofSeconds(30));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(code).as(uri + ": " + agent.output()).isZero();
      System.out.printf("StopIT: %s stopped in %d ms%n", uri.replaceAll("\\d{4,5}", "PORT"), ms);
      return ms;
    }
  }

  @Test
  void givenEverySourceKindAndABrokerThatIsDown_thenSigtermStopsTheAgentWithinTheStopTimeout() throws Exception {
    long limit = STOP_TIMEOUT.plus(JVM_EXIT).toMillis();
    Path clip = TestMedia.vtestMp4(60);
    assertThat(stopMillis("file://" + clip, "streaming 768x576")).as("video file").isLessThan(limit);

    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.copy(TestMedia.samples().resolve("fruits.jpg"), in.resolve("a.jpg"));
    assertThat(stopMillis("dir://" + in, "started")).as("folder").isLessThan(limit);

    assertThat(stopMillis("/dev/video63", "retrying")).as("a camera that is not there").isLessThan(limit);

    int http = TestMedia.freePort();
    try (ChildProcess server = ChildProcess.start(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
        "-stream_loop", "-1", "-i", clip.toString(), "-an", "-c:v", "mjpeg", "-q:v", "5", "-f", "mpjpeg", "-listen", "1",
        "http://127.0.0.1:" + http + "/cam.mjpg"))) {
      Thread.sleep(500);
      assertThat(stopMillis("http://127.0.0.1:" + http + "/cam.mjpg", "streaming 768x576")).as("HTTP MJPEG").isLessThan(limit);
    }

    int rtsp = TestMedia.freePort();
    try (ChildProcess server = ChildProcess.start(List.of("/usr/bin/python3", "scripts/rtsp-server.py", "--port",
        Integer.toString(rtsp), "--mount", "/cam", clip.toString()))) {
      assertThat(server.waitForLine(l -> l.startsWith("READY"), Duration.ofSeconds(20))).as(server::output).isTrue();
      assertThat(stopMillis("rtsp://127.0.0.1:" + rtsp + "/cam", "streaming 768x576")).as("RTSP").isLessThan(limit);
    }

    // a stream that was never there: ffmpeg is inside its connect when the signal comes
    assertThat(stopMillis("rtsp://127.0.0.1:" + TestMedia.freePort() + "/none", "retrying")).as("RTSP down")
        .isLessThan(limit);
  }
}
