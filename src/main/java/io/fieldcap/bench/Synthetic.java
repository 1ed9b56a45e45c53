package io.fieldcap.bench;

import io.fieldcap.image.Images;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Sha256;
import io.fieldcap.store.LocalFrameStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** The synthetic stores the benchmarks read: many rows, all pointing at one small JPEG, with the same labels. */
final class Synthetic {
  /** Two boxes on a 64x48 image: a person and a car. */
  static final LabelSet TWO_BOXES = new LabelSet("bench.onnx", List.of(new Detection("person", 0.9, new Box(1.5, 2.5, 20, 30)),
      new Detection("car", 0.6, new Box(30, 10, 25.25, 12))));

  private static final String IMAGE = "images/bench/one.jpg";

  private final byte[] jpeg;

  private Synthetic(byte[] jpeg) {
    this.jpeg = jpeg;
  }

  /** Writes the one 64x48 JPEG into the data folder {@code data}. */
  static Synthetic image(Path data) throws IOException {
    byte[] jpeg = Images.encodeJpeg(64, 48, new byte[64 * 48 * 3], 90);
    Files.write(Files.createDirectories(data.resolve("images/bench")).resolve("one.jpg"), jpeg);
    return new Synthetic(jpeg);
  }

  /** Records {@code n} frames of {@code device}, a second apart from {@code start}, with {@code labels}. */
  void frames(LocalFrameStore store, String device, int n, Instant start, LabelSet labels) throws IOException {
    store.insertSynthetic(device, n, start, IMAGE, Sha256.hex(jpeg), jpeg.length, 64, 48, labels);
  }
}
