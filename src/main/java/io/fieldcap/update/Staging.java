package io.fieldcap.update;

import io.fieldcap.config.ModelConfig;
import io.fieldcap.image.Images;
import io.fieldcap.inference.ModelException;
import io.fieldcap.inference.ModelFamily;
import io.fieldcap.inference.OnnxDetector;
import io.fieldcap.model.Detection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.opencv.core.Mat;

/**
 * Checks a model beside the running one before it may take over: it loads, its layout is one the
 * agent decodes, its class names are the bundle's, its inference time on this device is within
 * {@code model.max-latency}, and on the bundle's golden images it finds what it should.
 */
public final class Staging {
  private Staging() {}

  /** Opens a model with the device's model settings; the family is detected unless a bundle model is the configured one. */
  public static OnnxDetector open(ModelConfig m, Path file, Path labels, boolean detectFamily) throws ModelException {
    return OnnxDetector.open(OnnxDetector.Options.of(m, file, labels, detectFamily ? null : ModelFamily.of(m)));
  }

  /** The staged model, checked; the caller owns it. */
  static OnnxDetector check(ModelConfig m, Bundle b, Path dir) throws Signed.Refused {
    Path labels = b.files().size() > 1 && !isImage(b.files().get(1).name()) ? dir.resolve(b.files().get(1).name()) : null;
    OnnxDetector d;
    try {
      d = open(m, dir.resolve(b.name()), labels, true);
    } catch (ModelException e) {
      throw new Signed.Refused("the model does not load here: " + e.getMessage());
    }
    try {
      List<String> names = d.info().names();
      if (b.classes() != null && !b.classes().equals(names)) {
        throw new Signed.Refused("the model's classes " + names + " are not the bundle's " + b.classes());
      }
      List<Mat> images = new ArrayList<>();
      List<String> imageNames = new ArrayList<>();
      for (Bundle.FileEntry f : b.files()) {
        if (isImage(f.name())) {
          Mat mat = Images.decode(read(dir.resolve(f.name())));
          if (mat.empty()) {
            throw new Signed.Refused("golden image " + f.name() + " is not an image this device can decode");
          }
          images.add(mat);
          imageNames.add(f.name());
        }
      }
      byte[] probe = images.isEmpty() ? new byte[640 * 480 * 3] : Images.toBgr(images.get(0));
      int pw = images.isEmpty() ? 640 : images.get(0).cols();
      int ph = images.isEmpty() ? 480 : images.get(0).rows();
      long[] t = new long[3];
      for (int i = 0; i < t.length; i++) {
        long t0 = System.nanoTime();
        d.detect(pw, ph, probe);
        t[i] = System.nanoTime() - t0;
      }
      Arrays.sort(t);
      Duration latency = Duration.ofNanos(t[1]);
      if (latency.compareTo(m.maxLatency()) > 0) {
        throw new Signed.Refused("inference takes " + latency.toMillis() + " ms here, above model.max-latency ("
            + m.maxLatency().toMillis() + " ms)");
      }
      if (b.golden() != null) {
        int expected = 0;
        int found = 0;
        int matched = 0;
        for (int i = 0; i < images.size(); i++) {
          Mat mat = images.get(i);
          List<Detection> got = d.detect(mat.cols(), mat.rows(), Images.toBgr(mat)).detections();
          List<Bundle.Expected> want = b.golden().expected().getOrDefault(imageNames.get(i), List.of());
          expected += want.size();
          found += got.size();
          matched += Golden.matched(want, got, b.golden().iou());
        }
        double score = Math.max(expected, found) == 0 ? 1 : (double) matched / Math.max(expected, found);
        if (score < b.golden().match()) {
          throw new Signed.Refused(String.format(Locale.ROOT,
              "golden images: %d of %d expected detections found at IoU %.2f (%d found in all), %.0f%% where %.0f%% is needed",
              matched, expected, b.golden().iou(), found, 100 * score, 100 * b.golden().match()));
        }
      }
      images.forEach(Mat::release);
      return d;
    } catch (Signed.Refused | ModelException | RuntimeException e) {
      d.close();
      if (e instanceof Signed.Refused r) {
        throw r;
      }
      throw new Signed.Refused("the model failed its checks: " + e.getMessage());
    }
  }

  static boolean isImage(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
  }

  private static byte[] read(Path p) throws Signed.Refused {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new Signed.Refused("cannot read " + p.getFileName() + ": " + e.getMessage());
    }
  }
}
