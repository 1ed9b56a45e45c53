package io.fieldcap.inference;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What a model is, as {@code fieldcap models inspect} prints it.
 *
 * @param inputs name and shape of each input
 * @param outputs name and shape of each output
 * @param names class names by index
 * @param metadata the model's custom metadata (Ultralytics writes names, imgsz, task, stride)
 */
public record ModelInfo(
    String file, ModelFamily family, List<Tensor> inputs, List<Tensor> outputs, List<String> names,
    Map<String, String> metadata, int inputWidth, int inputHeight) {

  /** Whether the input's size is dynamic (a -1 in its shape): it runs at {@code model.input-size}. */
  public boolean dynamicInput() {
    return Arrays.stream(inputs.get(0).shape()).anyMatch(d -> d < 0);
  }

  /** A tensor's name and shape (-1 for a dynamic dimension). */
  public record Tensor(String name, long[] shape) {
    @Override
    public String toString() {
      return name + Arrays.toString(shape);
    }
  }
}
