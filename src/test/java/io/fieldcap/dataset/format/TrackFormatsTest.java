package io.fieldcap.dataset.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.dataset.ExportOptions;
import io.fieldcap.dataset.imports.Importer;
import io.fieldcap.json.Json;
import io.fieldcap.model.Detection;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.StoredFrame;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.SampleStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The formats that hold tracks: written from tracked frames, read by the tools' own readers and by fieldcap's, track ids kept. */
class TrackFormatsTest {
  @TempDir Path tmp;

  @Test
  void motChallengeSequencesHoldEachDevicesTracksAndReadBackWithTheirIds() throws Exception {
    Path data = tmp.resolve("data");
    Map<String, List<Detection>> expected = SampleStore.createTracked(data);
    Path out = tmp.resolve("mot");
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      Exporter.Result r = DatasetFormat.writer("mot").export(st, out, ExportOptions.DEFAULT);
      assertThat(r.images()).isEqualTo(SampleStore.FRAMES);
    }
    assertThat(Files.readAllLines(out.resolve("labels.txt"))).containsExactly("car", "person");
    assertThat(Files.readString(out.resolve("cam-a/seqinfo.ini"))).contains("seqLength=20", "imWidth=512", "imHeight=480",
        "imExt=.jpg", "frameRate=1"); // cam-a's frames are 14 minutes apart: MOT's frame rate is whole frames a second
    assertThat(out.resolve("cam-a/img1/000020.jpg")).exists();
    // py-motmetrics' own pandas call reads what was written
    ChildProcess py = ChildProcess.start(List.of("/usr/bin/python3", "src/test/resources/readers/mot_read.py",
        out.resolve("cam-a/gt/gt.txt").toString()));
    assertThat(py.waitFor(Duration.ofSeconds(60))).as(py::output).isZero();
    JsonNode read = Json.MAPPER.readTree(py.output().lines().reduce((a, b) -> b).orElseThrow());
    // cam-a has frames 0, 2, ... 38 of the sample; every fifth sample frame (4, 14, 24, 34) has no labels
    assertThat(read.get("rows").asInt()).isEqualTo(2 * 16);
    assertThat(read.get("classes")).extracting(JsonNode::asInt).containsExactly(1, 2);
    assertThat(read.get("ids").get("-1")).as("the untracked car: MOT's id -1").hasSize(16);
    List<Integer> track1 = new ArrayList<>();
    read.get("ids").get("1").forEach(n -> track1.add(n.asInt()));
    assertThat(track1).as("sample frames 0, 2, 6, 8 are cam-a's frames 1, 2, 4, 5").containsExactly(1, 2, 4, 5);
    assertThat(read.get("ids").size()).as("tracks 1-4 and -1").isEqualTo(5);

    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      ImportReport r = new Importer(st, null, null, Clock.systemUTC(), true).run(DatasetFormat.reader("mot"), out);
      assertThat(r.problems()).isEmpty();
      assertThat(r.images()).isEqualTo(SampleStore.FRAMES);
      List<StoredFrame> frames = new ArrayList<>();
      st.forEach(frames::add);
      int checked = 0;
      for (StoredFrame f : frames) {
        List<Detection> want = expected.get(f.device() + "_" + f.frameId());
        List<Detection> got = f.reviewed().detections();
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.size(); i++) {
          assertThat(got.get(i).label()).isEqualTo(want.get(i).label());
          assertThat(got.get(i).trackId()).as(f.frameId()).isEqualTo(want.get(i).trackId());
          assertThat(got.get(i).box().x()).isCloseTo(want.get(i).box().x(), org.assertj.core.data.Offset.offset(0.01));
          checked++;
        }
      }
      assertThat(checked).isEqualTo(64);
    }
  }

  @Test
  void cvatForVideoHoldsTracksWithTheirGapsAndReadsBackWithTheirIds() throws Exception {
    Path data = tmp.resolve("data");
    Map<String, List<Detection>> expected = SampleStore.createTracked(data);
    Path out = tmp.resolve("cvat");
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      DatasetFormat.writer("cvat-video").export(st, out, ExportOptions.DEFAULT);
    }
    String xml = Files.readString(out.resolve("cam-a/annotations.xml"));
    assertThat(xml).contains("<mode>interpolation</mode>", "<size>20</size>", "<track id=\"1\" label=\"person\" source=\"auto\">");
    // track 1 is in cam-a's frames 0, 1, 3, 4 (sample frame 4 has no labels): it leaves at 2, comes back at 3, leaves at 5
    String track1 = xml.substring(xml.indexOf("<track id=\"1\""), xml.indexOf("</track>", xml.indexOf("<track id=\"1\"")));
    assertThat(track1.lines().filter(l -> l.contains("<box")).map(l -> l.replaceAll(".* frame=\"(\\d+)\".*outside=\"(\\d)\".*", "$1:$2")))
        .containsExactly("0:0", "1:0", "2:1", "3:0", "4:0", "5:1");
    assertThat(out.resolve("cam-a/images/frame_000019.jpg")).exists();
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      ImportReport r = new Importer(st, null, null, Clock.systemUTC(), true).run(DatasetFormat.reader("cvat-video"), out);
      assertThat(r.problems()).isEmpty();
      assertThat(r.images()).isEqualTo(SampleStore.FRAMES);
      List<StoredFrame> frames = new ArrayList<>();
      st.forEach(frames::add);
      java.util.Set<String> carTracks = new java.util.HashSet<>();
      for (StoredFrame f : frames) {
        List<Detection> want = expected.get(f.device() + "_" + f.frameId());
        List<Detection> got = f.reviewed().detections().stream()
            .sorted(java.util.Comparator.comparing(Detection::label).reversed()).toList(); // person, car as they were
        assertThat(got).extracting(Detection::label).containsExactlyElementsOf(want.stream().map(Detection::label).toList());
        for (int i = 0; i < want.size(); i++) {
          assertThat(got.get(i).box().x()).isCloseTo(want.get(i).box().x(), org.assertj.core.data.Offset.offset(0.01));
          if (want.get(i).trackId() != null) {
            assertThat(got.get(i).trackId()).as(f.frameId()).isEqualTo(want.get(i).trackId());
          } else {
            assertThat(carTracks.add(f.device() + "/" + got.get(i).trackId())).as("an untracked box: a track of one frame of its own").isTrue();
          }
        }
      }
    }
  }

  @Test
  void aCvatVideoTrackWithKeyframesOnlyIsInterpolatedAsCvatDoes() throws Exception {
    Path task = Files.createDirectories(tmp.resolve("in"));
    Files.writeString(task.resolve("annotations.xml"), """
        <annotations><version>1.1</version><meta><task><size>6</size><mode>interpolation</mode></task>
        <original_size><width>100</width><height>80</height></original_size></meta>
        <track id="0" label="car" source="manual">
          <box frame="0" keyframe="1" outside="0" occluded="0" xtl="0" ytl="10" xbr="10" ybr="20" z_order="0"/>
          <box frame="4" keyframe="1" outside="0" occluded="0" xtl="40" ytl="10" xbr="50" ybr="20" z_order="0"/>
          <box frame="5" keyframe="1" outside="1" occluded="0" xtl="40" ytl="10" xbr="50" ybr="20" z_order="0"/>
        </track></annotations>
        """);
    List<Annotated> items = new ArrayList<>();
    new CvatVideoReader().read(task, items::add, new ImportReport());
    assertThat(items).hasSize(6);
    assertThat(items.get(2).labels()).singleElement().satisfies(d -> {
      assertThat(d.box().x()).isEqualTo(20.0);
      assertThat(d.trackId()).as("CVAT's track 0").isEqualTo(1L);
    });
    assertThat(items.get(5).labels()).as("outside: gone").isEmpty();
    assertThat(items.get(0).width()).isEqualTo(100);
  }

  @Test
  void aBrokenMotLineIsReportedWithItsPlaceAndTheRestIsRead() throws Exception {
    Path seq = Files.createDirectories(tmp.resolve("in/MOT17-02/gt"));
    Files.writeString(seq.getParent().resolve("seqinfo.ini"), "[Sequence]\nimDir=img1\nseqLength=3\nimWidth=100\nimHeight=80\nimExt=.jpg\n");
    Files.writeString(seq.resolve("gt.txt"), "1,4,10,10,20,30,1,1,1\n2,4,11,10,20,30,1,1,0.5\n2,x,1,1,1,1\n3,9,0,0,5,5,0,1,1\n");
    List<Annotated> items = new ArrayList<>();
    ImportReport report = new ImportReport();
    new MotReader().read(tmp.resolve("in"), items::add, report);
    assertThat(items).hasSize(3);
    assertThat(items.get(1).labels()).singleElement().satisfies(d -> {
      assertThat(d.trackId()).isEqualTo(4L);
      assertThat(d.label()).isEqualTo("class-1");
    });
    assertThat(items.get(2).labels()).as("conf 0: MOT's ignore region").isEmpty();
    assertThat(items.get(0).imageName()).isEqualTo("MOT17-02/img1/000001.jpg");
    assertThat(report.problems()).singleElement().asString().contains("MOT17-02/gt/gt.txt:3").contains("2,x,1,1,1,1");
  }
}
