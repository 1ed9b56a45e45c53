package io.fieldcap.dataset.clean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fieldcap check labels} through the jar: the 40 clean sample frames plus one device whose
 * frames carry one planted problem each, and two reviewers who disagree on a frame. Every planted
 * problem is found, nothing else is, and the exit code tells a CI job which.
 */
class CheckLabelsIT {
  @TempDir Path tmp;
  private Path data;
  private final Map<String, String> planted = new TreeMap<>(); // frame -> kind

  private String plant(LocalFrameStore st, int seq, String kind, Detection... d) throws Exception {
    byte[] jpeg = SampleStore.withComment(Files.readAllBytes(TestMedia.samples().resolve("fruits.jpg")), "planted " + seq);
    Instant at = Instant.parse("2026-11-30T08:00:00Z").plusSeconds(seq);
    String id = FrameId.of(at, seq).value();
    st.commit(Manifests.frame(new Manifest(1, id, "cam-x", at, seq, Sha256.hex(jpeg), jpeg.length, 1 << 20, 1, "image/jpeg", 512, 480,
        new LabelSet("yolo11n.onnx", List.of(d), SampleStore.VERSION), Map.of("keptBy", "all"))), jpeg, at);
    if (kind != null) {
      planted.put("cam-x/" + id, kind);
    }
    return id;
  }

  private static Detection box(String label, double x, double y, double w, double h) {
    return new Detection(label, 0.9, new Box(x, y, w, h));
  }

  @BeforeEach
  void store() throws Exception {
    data = tmp.resolve("data");
    SampleStore.create(data);
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      plant(st, 1, "outside", box("person", 480, 10, 60, 100));
      plant(st, 2, "degenerate", box("car", 100, 100, 1.5, 40));
      plant(st, 3, "outline-outside-box", new Detection("car", 0.9, new Box(100, 100, 50, 50),
          List.of(100.0, 100.0, 150.0, 100.0, 190.0, 150.0)));
      plant(st, 4, "duplicate-box", box("person", 10, 10, 100, 200), box("person", 11, 10, 100, 200));
      plant(st, 5, null, box("Person", 10, 10, 50, 50), box("persons ", 200, 10, 50, 50), box("dragon", 300, 300, 40, 40));
      String id = plant(st, 6, null, box("person", 10, 10, 100, 100));
      // two reviewers: ann keeps the person; bob moves it (IoU 0.82) and adds a car ann did not see
      Instant t = Instant.parse("2026-11-30T09:00:00Z");
      st.revisions().add("cam-x", id, new LabelSet(null, List.of(box("person", 10, 10, 100, 100))), "ann", "a.json", "labelme", t);
      st.revisions().add("cam-x", id, new LabelSet(null, List.of(box("person", 20, 10, 100, 100), box("car", 300, 300, 50, 50))),
          "bob", "b.json", "labelme", t.plusSeconds(60));
    }
  }

  @Test
  void givenPlantedLabelProblems_thenEveryOneIsListedNothingElseAndTheExitCodeIs3() throws Exception {
    ChildProcess p = ChildProcess.fieldcapRun("check", "labels", "--data-dir", data.toString(), "--classes", "person,car,daytime",
        "--labels", "prelabels", "--json");
    assertThat(p.exitCode()).as(p::output).isEqualTo(3);
    String out = p.output();
    JsonNode r = Json.MAPPER.readTree(out.substring(out.indexOf('{')));
    Map<String, String> frameProblems = new TreeMap<>();
    List<String> datasetWide = new ArrayList<>();
    for (JsonNode x : r.get("problems")) {
      if (x.get("frame").asText().equals("-")) {
        datasetWide.add(x.get("kind").asText() + " " + x.get("label").asText());
      } else {
        assertThat(frameProblems.put(x.get("frame").asText(), x.get("kind").asText())).as("one problem per planted frame").isNull();
      }
    }
    assertThat(frameProblems).isEqualTo(planted);
    assertThat(datasetWide).containsExactlyInAnyOrder("similar-names 'Person', 'person', 'persons '", "unknown-class Person",
        "unknown-class persons ", "unknown-class dragon", "rare-class Person", "rare-class persons ", "rare-class dragon");
    String similar = r.get("problems").findValues("reason").stream().map(JsonNode::asText).filter(s -> s.contains("--map"))
        .findFirst().orElseThrow();
    assertThat(similar).contains("--map 'Person=person'", "--map 'persons =person'");

    JsonNode reviewers = null;
    for (JsonNode a : r.get("agreement")) {
      if (a.get("between").asText().equals("reviewers ann vs bob")) {
        reviewers = a;
      }
    }
    assertThat(reviewers).as(out).isNotNull();
    assertThat(reviewers.at("/classes/person/0").asDouble()).as("person matched").isEqualTo(1.0);
    assertThat(reviewers.at("/classes/person/1").asDouble()).as("mean IoU").isCloseTo(90 * 100 / 11000.0, offset(1e-3));
    assertThat(reviewers.at("/classes/car/0").asDouble()).as("bob's car, unmatched").isZero();
    assertThat(reviewers.get("worstFrames").get(0).asText()).contains("(50% of boxes matched)");

    ChildProcess clean = ChildProcess.fieldcapRun("check", "labels", "--data-dir", data.toString(), "--device", "cam-a",
        "--device", "cam-b", "--classes", "person,car,daytime");
    assertThat(clean.exitCode()).as(clean::output).isZero();
    assertThat(clean.output()).contains("0 problems");
    ChildProcess bad = ChildProcess.fieldcapRun("check", "labels", "--data-dir", tmp.resolve("nowhere").toString());
    assertThat(bad.exitCode()).isEqualTo(2);
  }
}
