package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.image.Images;
import io.fieldcap.inference.ModelException;
import io.fieldcap.inference.OnnxDetector;
import io.fieldcap.model.LabelSet;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.StoredFrame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.opencv.core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code fieldcap prelabel}: pre-labels for frames already on the server. */
@Command(name = "prelabel", mixinStandardHelpOptions = true,
    description = {"Pre-label frames the server holds without pre-labels (imported datasets, crawled images, frames of devices",
        "without a model) with an ONNX model, the same engine and model layouts as the agent. Pre-labels are never",
        "overwritten: frames that have some are counted and left alone. Then report corrections measures the model",
        "against the frames' reviewed labels."})
final class PrelabelCommand implements Callable<Integer> {
  @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The server's data folder.")
  Path dataDir;

  @Option(names = {"--source", "--device"}, paramLabel = "NAME", description = "Only this source's or device's frames; repeatable.")
  List<String> devices = new ArrayList<>();

  @CommandLine.Mixin ModelOptions m;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    OnnxDetector.Options options = m.options();
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    int labelled = 0;
    int had = 0;
    int failed = 0;
    try (LocalFrameStore store = SelectionOptions.openStore(dataDir);
        OnnxDetector d = OnnxDetector.open(options)) {
      List<StoredFrame> todo = new ArrayList<>();
      int[] counts = {0};
      store.forEach(f -> {
        if (!devices.isEmpty() && !devices.contains(f.device())) {
          return;
        }
        if (f.labels() != null) {
          counts[0]++;
        } else {
          todo.add(f.withLabels(null));
        }
      });
      had = counts[0];
      long last = System.nanoTime();
      for (StoredFrame f : todo) {
        Mat mat = Images.decode(Files.readAllBytes(f.image().fetch()));
        try {
          if (mat.empty()) {
            err.println("fieldcap prelabel: " + f.device() + "/" + f.frameId() + ": not an image OpenCV can decode; skipped");
            failed++;
            continue;
          }
          LabelSet l = d.detect(mat.cols(), mat.rows(), Images.toBgr(mat));
          if (store.setPrelabels(f.device(), f.frameId(), l)) {
            labelled++;
          } else {
            had++;
          }
        } finally {
          mat.release();
        }
        if (System.nanoTime() - last > 2_000_000_000L) {
          err.printf("prelabel: %d of %d frames%n", labelled + failed, todo.size());
          err.flush();
          last = System.nanoTime();
        }
      }
    } catch (ModelException e) {
      throw new ConfigException("--model: " + e.getMessage());
    }
    out.printf("pre-labelled %d frames with %s; %d had pre-labels already (left alone); %d could not be decoded%n",
        labelled, m.model.getFileName(), had, failed);
    return failed == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
  }
}
