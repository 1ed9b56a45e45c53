package io.fieldcap.bench;

import io.fieldcap.dataset.ExportOptions;
import io.fieldcap.dataset.augment.Augment;
import io.fieldcap.dataset.format.DatasetFormat;
import io.fieldcap.dataset.format.Exporter;
import io.fieldcap.image.JpegHeader;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Sha256;
import io.fieldcap.store.LocalFrameStore;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Augmentation throughput: a YOLO export of {@code frames} frames of one real photo, plain and with
 * every transform at {@code copies} copies per frame, in one run; copies written per second and the
 * time of an augmented export over a plain one.
 */
public final class AugmentBench {
  public static final String SPEC = "rotate=15,scale=0.8:1.2,crop=0.8,translate=0.1,flip=h,brightness=0.2,contrast=0.2,"
      + "hue=10,noise=0.02,blur=0.1";

  private AugmentBench() {}

  public static Map<String, Object> run(int frames, int copies, Path photo, Path work) throws Exception {
    Path data = work.resolve("data");
    byte[] jpeg = Files.readAllBytes(photo);
    Files.write(Files.createDirectories(data.resolve("images/bench")).resolve("photo.jpg"), jpeg);
    var size = JpegHeader.read(new ByteArrayInputStream(jpeg));
    LabelSet labels = new LabelSet("bench.onnx", List.of(new Detection("person", 0.9, new Box(40, 50, 120, 160)),
        new Detection("car", 0.6, new Box(200, 100, 150, 90), List.of(200.0, 100.0, 350.0, 100.0, 350.0, 190.0, 200.0, 190.0))));
    Map<String, Object> r = new LinkedHashMap<>();
    try (LocalFrameStore store = LocalFrameStore.open(data)) {
      store.insertSynthetic("bench", frames, Instant.parse("2026-11-29T00:00:00Z"), "images/bench/photo.jpg",
          Sha256.hex(jpeg), jpeg.length, size.width(), size.height(), labels);
      Exporter yolo = DatasetFormat.writer("yolo");
      long t0 = System.nanoTime();
      yolo.export(store, work.resolve("plain"), ExportOptions.DEFAULT);
      double plain = (System.nanoTime() - t0) / 1e9;
      t0 = System.nanoTime();
      Augment a = new Augment(Augment.Spec.parse(SPEC), copies, 1, 0.4);
      Exporter.Result res = yolo.export(a.view(store, null, Files.createDirectories(work.resolve("aug"))), work.resolve("aug"),
          ExportOptions.DEFAULT);
      double augmented = (System.nanoTime() - t0) / 1e9;
      r.put("photo", photo.getFileName().toString());
      r.put("size", size.width() + "x" + size.height());
      r.put("frames", frames);
      r.put("copies", frames * copies);
      r.put("imagesWritten", res.images());
      r.put("plainSeconds", Math.round(plain * 100) / 100.0);
      r.put("augmentedSeconds", Math.round(augmented * 100) / 100.0);
      r.put("copiesPerSecond", Math.round(frames * copies / (augmented - plain)));
      r.put("augmentedOverPlain", Math.round(augmented / plain * 10) / 10.0);
    }
    return r;
  }
}
