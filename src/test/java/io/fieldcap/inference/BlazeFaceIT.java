package io.fieldcap.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.capture.FfmpegSource;
import io.fieldcap.capture.Image;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real MediaPipe BlazeFace models (scripts/fetch-models.sh) on real footage with faces (Megamind.avi). */
class BlazeFaceIT {
  @TempDir Path tmp;

  static Path model(String name) {
    Path p = Path.of("models", name);
    assertThat(p).as("run scripts/fetch-models.sh").exists();
    return p;
  }

  private List<LabelSet> facesIn(String model, int frames) throws Exception {
    var src = ConfigLoader.load(null, List.of("device.id=x", "source.uri=file://" + TestMedia.samples().resolve("Megamind.avi"),
        "source.fps=2", "source.realtime=false", "spool.dir=" + tmp)).source();
    List<LabelSet> out = new ArrayList<>();
    try (FfmpegSource s = new FfmpegSource(src);
        OnnxDetector d = OnnxDetector.open(new OnnxDetector.Options(model(model), null, null, 0.5f, 0.3f, "cpu", 2))) {
      assertThat(d.info().family()).isEqualTo(ModelFamily.BLAZEFACE);
      s.open();
      Image img;
      while (out.size() < frames && (img = s.next()) != null) {
        out.add(d.detect(img.width(), img.height(), img.bgr()));
      }
    }
    return out;
  }

  @Test
  void theFrontModelFindsTheFaceInMegamindWithHighScoresAndSensibleBoxes() throws Exception {
    List<LabelSet> frames = facesIn("face_detection_front_128x128_barracuda.onnx", 20);
    long withFace = frames.stream().filter(l -> l.detections().stream().anyMatch(d -> d.score() > 0.8)).count();
    assertThat(withFace).as("frames with a face scored over 0.8").isGreaterThanOrEqualTo(frames.size() / 2);
    for (LabelSet l : frames) {
      for (Detection d : l.detections()) {
        assertThat(d.label()).isEqualTo("face");
        assertThat(d.box().w()).isBetween(20.0, 720.0);
        assertThat(d.box().h()).isBetween(20.0, 528.0);
        assertThat(d.box().x() + d.box().w()).isLessThanOrEqualTo(720.0);
        assertThat(d.box().y() + d.box().h()).isLessThanOrEqualTo(528.0);
      }
    }
    System.out.println("BlazeFace front on Megamind: " + frames.get(5));
  }
}
