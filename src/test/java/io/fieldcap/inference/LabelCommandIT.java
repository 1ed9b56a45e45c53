package io.fieldcap.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `fieldcap label` and `fieldcap models inspect` from the packaged jar, with real and test models. */
class LabelCommandIT {
  @TempDir Path tmp;

  @Test
  void labelPrintsOneJsonLinePerImageAndNamesImagesThatDoNotDecode() throws Exception {
    Path frame = tmp.resolve("megamind.jpg");
    TestMedia.run(List.of("ffmpeg", "-v", "error", "-y", "-ss", "2.5", "-i", TestMedia.samples().resolve("Megamind.avi").toString(),
        "-frames:v", "1", frame.toString()));
    Path bogus = Files.writeString(tmp.resolve("bogus.jpg"), "not an image");
    ChildProcess p = ChildProcess.fieldcapRun("label", "--model",
        BlazeFaceIT.model("face_detection_front_128x128_barracuda.onnx").toString(), "--confidence", "0.5",
        frame.toString(), bogus.toString());
    assertThat(p.exitCode()).as(p.output()).isEqualTo(1);
    assertThat(p.output()).contains("fieldcap label: " + bogus + ": not an image OpenCV can decode");
    JsonNode line = Json.MAPPER.readTree(p.output().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
    assertThat(line.get("image").asText()).isEqualTo(frame.toString());
    assertThat(line.get("width").asInt()).isEqualTo(720);
    JsonNode face = line.get("detections").get(0);
    assertThat(face.get("class").asText()).isEqualTo("face");
    assertThat(face.get("score").asDouble()).isGreaterThan(0.9);
    assertThat(face.get("box")).hasSize(4);
  }

  @Test
  void labelWithAClassifierGivesDetectionsWithoutABox() throws Exception {
    Path img = TestMedia.samples().resolve("fruits.jpg");
    ChildProcess p = ChildProcess.fieldcapRun("label", "--model", DecodingTest.model("yolo-cls.onnx").toString(), img.toString());
    assertThat(p.exitCode()).as(p.output()).isZero();
    JsonNode line = Json.MAPPER.readTree(p.output().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
    assertThat(line.get("detections").get(0).get("class").asText()).isEqualTo("bicycle");
    assertThat(line.get("detections").get(0).has("box")).isFalse();
  }

  @Test
  void inspectNamesTheFamilyShapesAndClasses() throws Exception {
    ChildProcess p = ChildProcess.fieldcapRun("models", "inspect", "--json", DecodingTest.model("yolov5-detect.onnx").toString());
    assertThat(p.exitCode()).as(p.output()).isZero();
    JsonNode o = Json.MAPPER.readTree(p.output().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
    assertThat(o.get("family").asText()).isEqualTo("yolov5");
    assertThat(o.get("outputs").get(0).asText()).isEqualTo("output0[1, 6300, 8]");
    assertThat(o.get("names").toString()).isEqualTo("[\"person\",\"bicycle\",\"car\"]");
  }

  @Test
  void aBrokenModelIsRefusedWithExitTwoByLabelInspectAndTheAgent() throws Exception {
    Path text = Files.writeString(tmp.resolve("model.onnx"), "definitely not protobuf");
    ChildProcess p = ChildProcess.fieldcapRun("models", "inspect", text.toString());
    assertThat(p.exitCode()).isEqualTo(2);
    assertThat(p.output()).contains("model file " + text + " is not a usable ONNX model");
    p = ChildProcess.fieldcapRun("label", "--model", tmp.resolve("missing.onnx").toString(), text.toString());
    assertThat(p.exitCode()).isEqualTo(2);
    assertThat(p.output()).contains("model file " + tmp.resolve("missing.onnx") + " not found");
    p = ChildProcess.fieldcapRun("agent", "--set", "device.id=x", "--set", "source.uri=file://" + TestMedia.vtestMp4(10),
        "--set", "spool.dir=" + tmp.resolve("spool"), "--set", "model.path=" + text);
    assertThat(p.exitCode()).as(p.output()).isEqualTo(2);
    assertThat(p.output()).contains("model: model file " + text + " is not a usable ONNX model");
    assertThat(tmp.resolve("spool/frames")).as("nothing captured unlabeled").satisfiesAnyOf(
        d -> assertThat(d).doesNotExist(), d -> assertThat(d).isEmptyDirectory());
  }

  @Test
  void benchMeasuresRawAndPipelineThroughputInOneRun() throws Exception {
    ChildProcess p = ChildProcess.fieldcapRun("bench", "--model", DecodingTest.model("yolov8-detect.onnx").toString(),
        "--input", TestMedia.vtestMp4(10).toString(), "--seconds", "2", "--json");
    assertThat(p.exitCode()).as(p.output()).isZero();
    JsonNode o = Json.MAPPER.readTree(p.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
    assertThat(o.get("rawFps").asDouble()).isPositive();
    assertThat(o.get("pipelineFps").asDouble()).isPositive();
    assertThat(o.get("ratio").asDouble()).isCloseTo(o.get("pipelineFps").asDouble() / o.get("rawFps").asDouble(),
        org.assertj.core.data.Offset.offset(0.01));
    assertThat(o.get("peakRssMb").asLong()).isPositive();
    assertThat(o.get("msPerFrame").has("label")).isTrue();
  }
}
