package io.fieldcap.dataset.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.ingest.Manifests;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.FrameId;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Sha256;
import io.fieldcap.protocol.Manifest;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.SampleStore;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report through the jar, opened in headless Chromium: every section is there, every chart
 * and contact sheet is drawn by the browser, the duplicate group clean found and the planted label
 * problem are shown, and the page fetches nothing from the network.
 */
class ReportIT {
  @TempDir Path tmp;

  @Test
  void givenAStoreCleanedAndChecked_thenTheReportShowsItAllInARealBrowser() throws Exception {
    Path data = tmp.resolve("data");
    SampleStore.create(data); // 40 frames of one photo: clean groups them all
    byte[] other = Files.readAllBytes(TestMedia.samples().resolve("baboon.jpg"));
    Instant at = Instant.parse("2026-11-30T08:00:00Z");
    String id = FrameId.of(at, 1).value();
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      st.commit(Manifests.frame(new Manifest(1, id, "cam-x", at, 1, Sha256.hex(other), other.length, 1 << 20, 1, "image/jpeg", 512, 512,
          new LabelSet("yolo11n.onnx", List.of(new Detection("person", 0.4, new Box(480, 10, 80, 100)))), Map.of())), other, at);
      st.measure("cam-x", id);
    }
    ChildProcess clean = ChildProcess.fieldcapRun("clean", "--data-dir", data.toString());
    assertThat(clean.output()).as(clean::output).contains("39 near-duplicates in 1 groups");
    Path report = tmp.resolve("report");
    ChildProcess p = ChildProcess.fieldcapRun("report", "--data-dir", data.toString(), "--out", report.toString(),
        "--split", "train=0.7,val=0.3", "--keep-duplicates", "--keep-broken");
    assertThat(p.exitCode()).as(p::output).isZero();
    assertThat(p.output()).contains("report of 41 frames, 3 classes", "1 duplicate groups");
    String html = Files.readString(report.resolve("index.html"));
    assertThat(html).as("nothing to fetch from the network").doesNotContainPattern("(src|href)=\"(https?:)?//");

    ChildProcess browser = ChildProcess.start(List.of("/usr/bin/python3", "src/test/resources/readers/open_report.py",
        report.toAbsolutePath().toString()));
    assertThat(browser.waitFor(Duration.ofSeconds(120))).as(browser::output).isZero();
    String out = browser.output();
    JsonNode page = Json.MAPPER.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
    assertThat(page.get("summary").asText()).isEqualTo("41 frames, 3 classes");
    List<String> sections = new ArrayList<>();
    page.get("sections").forEach(s -> sections.add(s.asText()));
    assertThat(sections).containsExactly("devices", "classes", "scores", "sizes", "examples", "duplicates", "problems");
    assertThat(page.get("images").size()).isGreaterThanOrEqualTo(10);
    for (JsonNode img : page.get("images")) {
      assertThat(img.get("complete").asBoolean() && img.get("width").asInt() > 0).as("drawn: " + img.get("src")).isTrue();
    }
    List<String> captions = new ArrayList<>();
    page.get("captions").forEach(c -> captions.add(c.asText()));
    assertThat(captions).contains("Class car (32 frames)", "Class person (33 frames)", "Class daytime (32 frames)", "outside");
    assertThat(captions).anyMatch(c -> c.startsWith("Group 1: kept ") && c.endsWith(", 39 marked"));
    List<String> h3 = new ArrayList<>();
    page.get("h3").forEach(c -> h3.add(c.asText()));
    assertThat(h3).contains("outside (1)");
    for (JsonNode r : page.get("requests")) {
      assertThat(r.asText()).as("only the report's own files").startsWith("file://" + report.toAbsolutePath());
    }
    assertThat(page.get("tables").get(0).asInt()).as("header + device/day rows").isEqualTo(1 + 3);
  }
}
