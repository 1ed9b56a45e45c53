package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.image.Images;
import io.fieldcap.inference.ModelException;
import io.fieldcap.inference.OnnxDetector;
import io.fieldcap.json.Json;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opencv.core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code fieldcap label}: try a model on images before deploying it. */
@Command(name = "label", mixinStandardHelpOptions = true,
    description = {"Run a model on images and print one JSON object per image:",
        "{\"image\": …, \"width\": …, \"height\": …, \"detections\": [{\"class\": …, \"score\": …, \"box\": [x, y, w, h]}]}",
        "Boxes are in pixels of the image (COCO's convention); classifier labels have no box; semantic segmentation",
        "models give one detection per class present, with its \"coverage\" (share of the image) and \"mask\" (COCO RLE)."})
final class LabelCommand implements Callable<Integer> {
  @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Images to label.")
  List<Path> images = new ArrayList<>();

  @CommandLine.Mixin ModelOptions m;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    OnnxDetector.Options options = m.options();
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    int failed = 0;
    try (OnnxDetector d = OnnxDetector.open(options)) {
      for (Path image : images) {
        Mat mat = read(image, err);
        if (mat == null) {
          failed++;
          continue;
        }
        try {
          LabelSet l = d.detect(mat.cols(), mat.rows(), Images.toBgr(mat));
          out.println(Json.MAPPER.writeValueAsString(line(image, mat.cols(), mat.rows(), l)));
          out.flush();
        } finally {
          mat.release();
        }
      }
    } catch (ModelException e) {
      throw new ConfigException("--model: " + e.getMessage());
    }
    return failed == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
  }

  private static Mat read(Path image, PrintWriter err) {
    try {
      Mat m = Images.decode(Files.readAllBytes(image));
      if (m.empty()) {
        err.println("fieldcap label: " + image + ": not an image OpenCV can decode (JPEG, PNG, BMP, TIFF, WebP)");
        return null;
      }
      return m;
    } catch (IOException e) {
      err.println("fieldcap label: " + image + ": cannot be read: " + e.getMessage());
      return null;
    }
  }

  private static Map<String, Object> line(Path image, int w, int h, LabelSet l) {
    List<Map<String, Object>> dets = new ArrayList<>();
    for (Detection d : l.detections()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("class", d.label());
      m.put("score", Math.round(d.score() * 10000) / 10000.0);
      if (d.box() != null) {
        m.put("box", List.of(d.box().x(), d.box().y(), d.box().w(), d.box().h()));
      }
      if (d.polygon() != null) {
        m.put("polygon", d.polygon());
      }
      if (d.mask() != null) {
        m.put("coverage", Math.round(d.mask().coverage() * 10000) / 10000.0);
        m.put("mask", d.mask()); // COCO RLE: {"size": [h, w], "counts": "..."}
      }
      dets.add(m);
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("image", image.toString());
    o.put("width", w);
    o.put("height", h);
    o.put("detections", dets);
    if (l.margin() != null) {
      o.put("margin", l.margin()); // semantic: mean margin between the two likeliest classes per pixel
    }
    return o;
  }
}
