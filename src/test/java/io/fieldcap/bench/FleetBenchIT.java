package io.fieldcap.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.Mosquitto;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load generator against real brokers and a real server: what it reports is what the server stored. */
class FleetBenchIT {
  @TempDir Path tmp;

  @Test
  void everyOfferedFrameIsStoredOnceAndTheReportSaysSo() throws Exception {
    try (Mosquitto a = Mosquitto.plain(tmp.resolve("a")).start(); Mosquitto b = Mosquitto.plain(tmp.resolve("b")).start();
        ChildProcess server = ChildProcess.fieldcap("server", "--broker", a.uri(), "--data-dir", tmp.resolve("data").toString(),
            "--set", "server.brokers=" + a.uri() + "," + b.uri())) {
      assertThat(server.waitForLine(l -> l.contains("server: connected to " + b.uri()), Duration.ofSeconds(30)))
          .as(server::output).isTrue();
      ChildProcess bench = ChildProcess.fieldcap("bench", "fleet", "--brokers", a.uri() + "," + b.uri(), "--devices", "6",
          "--fps", "2", "--frame-bytes", "40k", "--chunk-bytes", "16KiB", "--seconds", "3", "--json");
      assertThat(bench.waitFor(Duration.ofSeconds(90))).as(bench::output).isZero();
      JsonNode r = Json.MAPPER.readTree(bench.output().lines().filter(l -> l.startsWith("{")).reduce((x, y) -> y).orElseThrow());
      assertThat(r.get("devices").asInt()).isEqualTo(6);
      assertThat(r.get("brokers").asInt()).isEqualTo(2);
      assertThat(r.get("offered").asLong()).isBetween(30L, 42L);
      assertThat(r.get("stored").asLong()).isEqualTo(r.get("offered").asLong());
      assertThat(r.get("lost").asLong()).isZero();
      assertThat(r.get("duplicated").asLong()).isZero();
      assertThat(r.get("frameBytes").asInt()).isBetween(20_000, 60_000);
      assertThat(r.at("/latencyMs/p99").asLong()).isPositive();
      server.terminate();
      server.waitFor(Duration.ofSeconds(20));
      AtomicInteger rows = new AtomicInteger();
      try (LocalFrameStore s = LocalFrameStore.open(tmp.resolve("data"))) {
        s.forEach(f -> rows.incrementAndGet());
      }
      assertThat((long) rows.get()).as("rows in the server's store").isEqualTo(r.get("stored").asLong());
    }
  }
}
