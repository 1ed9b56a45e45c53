package io.fieldcap.eval;

import io.fieldcap.dataset.Recorded;
import io.fieldcap.image.Images;
import io.fieldcap.inference.ModelException;
import io.fieldcap.inference.OnnxDetector;
import io.fieldcap.model.LabelSet;
import io.fieldcap.store.Datasets;
import io.fieldcap.store.Frames;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.StoredFrame;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.opencv.core.Mat;

/** Where an evaluation's ground truth and detections come from: a frozen dataset's split, a model run here. */
public final class Sources {
  private Sources() {}

  /** A frozen dataset's frames (all, or one split) with its labels as recorded, and its classes; null when there is no such dataset. */
  public record Truth(Frames frames, List<String> classes) {}

  /** The frames of dataset {@code name} (of {@code split}, when given), their labels as the dataset recorded them. */
  public static Truth dataset(LocalFrameStore store, String name, String split) throws IOException {
    Datasets.Dataset d = store.datasets().get(name);
    if (d == null) {
      return null;
    }
    Recorded recorded = Recorded.of(d);
    Frames frames = store.datasets().frames(name);
    Frames inSplit = split == null ? frames : action -> frames.forEach(f -> {
      if (split.equals(f.split())) {
        action.accept(f);
      }
    });
    return new Truth(recorded.selection().view(inSplit), recorded.classes());
  }

  /** Detections of {@code model} run here on each frame's image (the agent's engine). */
  public static Evaluation.Detector model(OnnxDetector model) {
    return (image, f) -> detect(model, f);
  }

  private static List<Evaluation.Found> detect(OnnxDetector d, StoredFrame f) throws IOException {
    return Evaluation.found(labels(d, f));
  }

  /** Everything {@code model} finds on a frame's image: boxes, masks, whole-frame labels. */
  public static LabelSet labels(OnnxDetector d, StoredFrame f) throws IOException {
    Mat mat = Images.decode(Files.readAllBytes(f.image().fetch()));
    try {
      if (mat.empty()) {
        throw new IOException("frame " + f.device() + "/" + f.frameId() + " is not an image OpenCV can decode");
      }
      return d.detect(mat.cols(), mat.rows(), Images.toBgr(mat));
    } catch (ModelException e) {
      throw new IOException("the model on frame " + f.device() + "/" + f.frameId() + ": " + e.getMessage(), e);
    } finally {
      mat.release();
    }
  }
}
