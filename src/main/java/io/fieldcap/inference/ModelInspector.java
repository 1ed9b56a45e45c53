package io.fieldcap.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a model's shapes and metadata, decides its family and class names (see {@link ModelFamily}). */
final class ModelInspector {
  private ModelInspector() {}

  /**
   * Reads shapes and metadata and decides the family. Class names come from {@code labels} (a file),
   * else {@code classes}, else the metadata. A dynamic input runs at {@code width}x{@code height} when
   * given (0: the metadata's {@code imgsz}, else 640x640); a fixed one refuses another size.
   */
  static ModelInfo inspect(Path path, OrtSession session, ModelFamily forced, Path labels, List<String> classes, int width,
      int height) throws ModelException {
    try {
      List<ModelInfo.Tensor> inputs = tensors(session.getInputInfo());
      List<ModelInfo.Tensor> outputs = tensors(session.getOutputInfo());
      Map<String, String> meta = new LinkedHashMap<>(session.getMetadata().getCustomMetadata());
      if (inputs.size() != 1 || inputs.get(0).shape().length != 4) {
        throw new ModelException("model " + path + " has inputs " + inputs + "; expected one image input of rank 4");
      }
      ModelFamily family = forced != null ? forced : detect(path, inputs.get(0), outputs);
      long[] in = inputs.get(0).shape();
      int h = (int) (family == ModelFamily.BLAZEFACE ? in[1] : in[2]);
      int w = (int) (family == ModelFamily.BLAZEFACE ? in[2] : in[3]);
      boolean dynamic = h <= 0 || w <= 0;
      if (dynamic && width > 0) {
        h = height;
        w = width;
      } else if (dynamic) {
        int[] size = imgsz(meta.get("imgsz"));
        h = size[0];
        w = size[1];
      } else if (width > 0 && (width != w || height != h)) {
        throw new ModelException("model " + path + " takes a fixed " + w + "x" + h + " input; an input size of " + width
            + "x" + height + " does not fit it (input sizes are for models whose input size is dynamic)");
      }
      List<String> names = switch (family) {
        case BLAZEFACE -> List.of("face");
        case BINARY -> meta.containsKey("names") ? ClassNames.fromMetadata(meta.get("names")) : List.of("foreground");
        default -> ClassNames.fromMetadata(meta.get("names"));
      };
      int count = classCount(family, outputs, path);
      if (labels != null || !classes.isEmpty()) {
        names = labels != null ? ClassNames.fromFile(labels) : classes;
        if (count > 0 && names.size() != count) {
          throw new ModelException((labels != null ? "labels file " + labels : "the class list " + classes) + " has "
              + names.size() + " names but model " + path + " has " + count + " classes"
              + (family == ModelFamily.BINARY ? " (a binary segmentation map is one class)" : ""));
        }
      }
      if (names.isEmpty()) {
        List<String> generic = new ArrayList<>();
        for (int i = 0; i < Math.max(count, 0); i++) {
          generic.add("class" + i);
        }
        names = generic;
      }
      return new ModelInfo(path.toString(), family, inputs, outputs, names, meta, w, h);
    } catch (OrtException e) {
      throw new ModelException("cannot read model " + path + ": " + e.getMessage(), e);
    }
  }

  private static int[] imgsz(String s) {
    if (s != null) {
      List<Integer> v = new ArrayList<>();
      for (String p : s.replaceAll("[\\[\\]() ]", "").split(",")) {
        if (!p.isEmpty()) {
          v.add(Integer.parseInt(p));
        }
      }
      if (v.size() == 1) {
        return new int[] {v.get(0), v.get(0)};
      }
      if (v.size() >= 2) {
        return new int[] {v.get(0), v.get(1)};
      }
    }
    return new int[] {640, 640};
  }

  private static List<ModelInfo.Tensor> tensors(Map<String, NodeInfo> infos) {
    List<ModelInfo.Tensor> out = new ArrayList<>();
    for (Map.Entry<String, NodeInfo> e : infos.entrySet()) {
      long[] shape = e.getValue().getInfo() instanceof TensorInfo t ? t.getShape() : new long[0];
      out.add(new ModelInfo.Tensor(e.getKey(), shape));
    }
    return out;
  }

  /** Decides the family from the shapes, as described in {@link ModelFamily}. */
  static ModelFamily detect(Path path, ModelInfo.Tensor input, List<ModelInfo.Tensor> outputs) throws ModelException {
    long[] in = input.shape();
    if (in[3] == 3 && outputs.size() == 4 && outputs.stream().anyMatch(o -> o.shape().length == 3 && o.shape()[1] == 896 - 384)) {
      return ModelFamily.BLAZEFACE;
    }
    if (outputs.size() == 2 && outputs.stream().anyMatch(o -> o.shape().length == 4)
        && outputs.stream().anyMatch(o -> o.shape().length == 3)) {
      return ModelFamily.YOLO_SEG;
    }
    if (outputs.size() == 1) {
      long[] s = outputs.get(0).shape();
      if (s.length == 2) {
        return ModelFamily.CLASSIFY;
      }
      if (s.length == 3 && s[2] == 6 && s[1] > 0 && s[1] <= 1000) {
        return ModelFamily.YOLO_E2E;
      }
      if (s.length == 3 && s[1] > 4 && s[2] > s[1]) {
        return ModelFamily.YOLOV8;
      }
      if (s.length == 3 && s[2] > 5 && s[1] > s[2]) {
        return ModelFamily.YOLOV5;
      }
      // [1, C, h, w]: a score per class and pixel (a map under 8x8 pixels is no map; -1: dynamic)
      boolean map = s.length == 4 && (s[2] >= 8 || s[2] < 0) && (s[3] >= 8 || s[3] < 0);
      if (map && s[1] >= 2) {
        return ModelFamily.SEMANTIC;
      }
      if (map && s[1] == 1) {
        return ModelFamily.BINARY; // [1, 1, h, w]: one probability per pixel
      }
    }
    throw new ModelException("model " + path + " has outputs " + outputs + ", which match no known family; set model.format "
        + "to one of yolov8, yolo-seg, yolov5, yolo-e2e, classify, blazeface, semantic, binary");
  }

  private static int classCount(ModelFamily f, List<ModelInfo.Tensor> outputs, Path path) throws ModelException {
    long[] s = outputs.get(0).shape();
    if (f == ModelFamily.YOLO_SEG) {
      return (int) (rank(outputs, 3).shape()[1] - 4 - rank(outputs, 4).shape()[1]);
    }
    return switch (f) {
      case YOLOV8 -> (int) s[1] - 4;
      case YOLOV5 -> (int) s[2] - 5;
      case CLASSIFY -> (int) s[s.length - 1];
      case YOLO_E2E -> -1; // classes are indexes into the names
      case BLAZEFACE -> 1;
      case SEMANTIC -> {
        if (s.length != 4 || s[1] < 2) {
          throw new ModelException("model " + path + " has outputs " + outputs + "; a semantic segmentation model has one "
              + "output [1, classes, height, width] with at least 2 classes");
        }
        yield (int) s[1];
      }
      case BINARY -> {
        if (s.length != 4 || (s[1] != 1 && s[1] != -1)) {
          throw new ModelException("model " + path + " has outputs " + outputs + "; a binary segmentation model has one "
              + "output [1, 1, height, width] of probabilities");
        }
        yield 1;
      }
      case YOLO_SEG -> throw new IllegalStateException();
    };
  }

  static ModelInfo.Tensor rank(List<ModelInfo.Tensor> outputs, int rank) {
    return outputs.stream().filter(o -> o.shape().length == rank).findFirst().orElseThrow();
  }

}
