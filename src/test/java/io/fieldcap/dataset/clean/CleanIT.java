package io.fieldcap.dataset.clean;

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
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fieldcap clean} through the jar on real footage: cam-a stores ten frames of vtest.avi five
 * seconds apart; cam-b stores three of the same moments from its own encoder (JPEG quality 40,
 * half the size): three near-duplicate pairs across devices. Another device holds Megamind.avi every
 * two seconds. Planted broken frames: a truncated JPEG, a uniform grey frame (a covered lens), bytes
 * that are no image, and labels for an image of another size. Clean must find exactly these.
 */
class CleanIT {
  @TempDir Path tmp;
  private Path data;
  private final Set<String> planted = new TreeSet<>();
  private final Set<String> duplicatesExpected = new TreeSet<>();
  private int megamind;

  private List<Path> frames(String clip, String name, String filter, int quality) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    TestMedia.run(List.of("ffmpeg", "-v", "error", "-i", TestMedia.samples().resolve(clip).toString(), "-vf", filter, "-q:v",
        Integer.toString(quality), dir.resolve("%03d.jpg").toString()));
    try (var s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  private void store(LocalFrameStore st, String device, int seq, byte[] jpeg, int w, int h, LabelSet labels) throws Exception {
    Instant at = Instant.parse("2026-11-29T08:00:00Z").plusSeconds(5L * seq);
    String id = FrameId.of(at, seq).value();
    st.commit(Manifests.frame(new Manifest(1, id, device, at, seq, Sha256.hex(jpeg), jpeg.length, 1 << 20, 1, "image/jpeg", w, h, labels,
        Map.of("keptBy", "all"))), jpeg, at);
    st.measure(device, id);
  }

  private static String key(String device, int seq) {
    return device + "/" + FrameId.of(Instant.parse("2026-11-29T08:00:00Z").plusSeconds(5L * seq), seq).value();
  }

  @BeforeEach
  void store() throws Exception {
    data = tmp.resolve("data");
    List<Path> a = frames("vtest.avi", "a", "fps=1/5", 2); // 768x576
    List<Path> b = frames("vtest.avi", "b", "fps=1/5,scale=384:288", 12);
    List<Path> m = frames("Megamind.avi", "m", "fps=1/2", 2); // 720x528, an 11 s clip with cuts
    LabelSet person = new LabelSet("yolo11n.onnx", List.of(new Detection("person", 0.9, new Box(100, 100, 40, 90))));
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      for (int i = 0; i < 10; i++) {
        store(st, "cam-a", i, Files.readAllBytes(a.get(i)), 768, 576, person);
      }
      for (int i : new int[] {2, 5, 8}) {
        store(st, "cam-b", i, Files.readAllBytes(b.get(i)), 384, 288, null);
        duplicatesExpected.add(key("cam-b", i)); // smaller and blurrier than cam-a's: cam-a's is kept
      }
      megamind = m.size();
      for (int i = 0; i < megamind; i++) {
        store(st, "megamind", i, Files.readAllBytes(m.get(i)), 720, 528, null);
      }
      byte[] whole = Files.readAllBytes(a.get(0));
      store(st, "cam-c", 1, java.util.Arrays.copyOf(whole, whole.length / 2), 768, 576, null);
      planted.add(key("cam-c", 1) + " truncated");
      store(st, "cam-c", 2, Files.readAllBytes(frames("vtest.avi", "grey", "fps=1/5,geq=lum=128:cb=128:cr=128", 2).get(0)),
          768, 576, null);
      planted.add(key("cam-c", 2) + " uniform");
      store(st, "cam-c", 3, "these bytes are no image at all".getBytes(), 768, 576, null);
      planted.add(key("cam-c", 3) + " undecodable");
      store(st, "cam-c", 4, Files.readAllBytes(m.get(0)), 720, 528,
          new LabelSet("yolo11n.onnx", List.of(new Detection("person", 0.9, new Box(900, 100, 300, 300)))));
      planted.add(key("cam-c", 4) + " labels"); // megamind's first frame again, but broken: never a duplicate candidate
    }
  }

  @Test
  void givenRealFootageWithPlantedProblems_thenCleanMarksExactlyThemAndExportsLeaveThemOutUntilUndone() throws Exception {
    ChildProcess p = ChildProcess.fieldcapRun("clean", "--data-dir", data.toString(), "--json");
    assertThat(p.exitCode()).as(p::output).isZero();
    String out = p.output();
    JsonNode r = Json.MAPPER.readTree(out.substring(out.indexOf('{')));
    assertThat(r.get("frames").asInt()).isEqualTo(10 + 3 + megamind + 4);
    assertThat(r.get("measured").asInt()).as("every frame was measured when stored").isZero();
    Set<String> duplicates = new TreeSet<>();
    for (JsonNode g : r.get("groups")) {
      assertThat(g.get("kept").asText()).startsWith("cam-a/");
      g.get("marked").forEach(x -> duplicates.add(x.asText()));
    }
    assertThat(duplicates).as("the three cross-device pairs and nothing else").isEqualTo(duplicatesExpected);
    assertThat(r.get("duplicateGroups").asInt()).isEqualTo(3);
    Set<String> broken = new TreeSet<>();
    ChildProcess list = ChildProcess.fieldcapRun("clean", "--data-dir", data.toString(), "--list");
    for (String line : list.output().lines().filter(l -> l.startsWith("broken")).toList()) {
      String[] f = line.split("\\s+");
      broken.add(f[1] + " " + f[4].replace(":", ""));
    }
    assertThat(broken).isEqualTo(planted);
    assertThat(r.at("/broken/truncated").asInt()).isEqualTo(1);
    assertThat(r.at("/broken/uniform").asInt()).isEqualTo(1);

    ChildProcess again = ChildProcess.fieldcapRun("clean", "--data-dir", data.toString());
    assertThat(again.output()).as("a second run marks nothing new").contains("marked 0 broken", "0 near-duplicates in 0 groups",
        "7 already marked");

    int all = 10 + 3 + megamind + 4;
    assertThat(exported("plain")).hasSize(all - 3 - 4);
    assertThat(exported("keep", "--keep-duplicates", "--keep-broken")).hasSize(all);

    ChildProcess undo = ChildProcess.fieldcapRun("clean", "--data-dir", data.toString(), "--undo");
    assertThat(undo.output()).contains("took back 7 marks");
    assertThat(exported("undone")).hasSize(all);
  }

  private List<String> exported(String name, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("export", "--data-dir", data.toString(), "--format", "yolo", "--out",
        tmp.resolve("export-" + name).toString()));
    args.addAll(List.of(extra));
    ChildProcess p = ChildProcess.fieldcapRun(args.toArray(String[]::new));
    assertThat(p.exitCode()).as(p::output).isZero();
    try (var s = Files.list(tmp.resolve("export-" + name).resolve("labels/train"))) {
      return s.map(x -> x.getFileName().toString()).toList();
    }
  }
}
