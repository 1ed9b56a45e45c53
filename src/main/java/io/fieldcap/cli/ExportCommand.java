package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.dataset.ExportOptions;
import io.fieldcap.dataset.Recorded;
import io.fieldcap.dataset.Selection;
import io.fieldcap.dataset.Splits;
import io.fieldcap.dataset.augment.Augment;
import io.fieldcap.dataset.format.DatasetFormat;
import io.fieldcap.dataset.format.Exporter;
import io.fieldcap.store.Datasets;
import io.fieldcap.store.Frames;
import io.fieldcap.store.LocalFrameStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fieldcap export}: write a dataset from the server's store. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Write the server's frames and labels (pre-labels or reviewed, --labels) as a dataset (formats: coco, yolo, voc, labelme, labelstudio, cvat).",
        "Conventions per format: docs/datasets.md."})
final class ExportCommand implements Callable<Integer> {
  @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The server's data folder.")
  Path dataDir;

  @Option(names = "--format", defaultValue = "coco", paramLabel = "FORMAT", description = "Dataset format (default: coco).")
  String format;

  @Option(names = "--out", required = true, paramLabel = "OUT", description = "Output folder.")
  Path out;

  @Option(names = "--task", defaultValue = "detect", paramLabel = "TASK",
      description = "detect (boxes) or segment (outlines; yolo) (default ${DEFAULT-VALUE}).")
  String task;

  @Option(names = "--polygons", description = "coco: semantic segmentation masks as polygons (one per region) instead of RLE.")
  boolean polygons;

  @Option(names = "--link", description = "Hard-link images from the server's store instead of copying them.")
  boolean link;

  @Option(names = "--image-url", defaultValue = ExportOptions.LABEL_STUDIO_URL, paramLabel = "PREFIX",
      description = "labelstudio: the URL prefix of each task's image (default ${DEFAULT-VALUE}: Label Studio's local"
          + " files, with the export as the document root).")
  String imageUrl;

  @Mixin SelectionOptions select;

  @Option(names = "--dataset", paramLabel = "NAME",
      description = "Export a frozen dataset (fieldcap dataset create): its frames, labels and splits as recorded;"
          + " selection and split options do not apply.")
  String dataset;

  @Option(names = "--augment", paramLabel = "SPEC",
      description = "Augmented copies of every training frame, e.g. rotate=15,scale=0.8:1.2,crop=0.8,translate=0.1,flip=h,"
          + "brightness=0.2,contrast=0.2,hue=10,noise=0.02,blur=0.1 (docs/datasets.md).")
  String augment;

  @Option(names = "--copies", defaultValue = "1", paramLabel = "N", description = "Augmented copies per training frame (default ${DEFAULT-VALUE}).")
  int copies;

  @Option(names = "--min-visible", defaultValue = "0.4", paramLabel = "F",
      description = "An augmented label is dropped when less than this share of its area stays in the image (default ${DEFAULT-VALUE}).")
  double minVisible;

  @Spec CommandSpec spec;

  /** The exporter for {@code --format}, or a usage error naming the known formats. */
  static Exporter exporter(String format) throws ConfigException {
    try {
      return DatasetFormat.writer(format);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--format: " + e.getMessage());
    }
  }

  @Override
  public Integer call() throws Exception {
    Exporter exporter = exporter(format);
    if (!task.equals("detect") && !task.equals("segment")) {
      throw new ConfigException("--task: '" + task + "' is not allowed; expected detect or segment");
    }
    Splits splits = select.splits();
    if (splits != null && (exporter.format().equals("mot") || exporter.format().equals("cvat-video"))) {
      throw new ConfigException("--split: a " + exporter.format() + " export is one sequence per device, in capture order;"
          + " sequences are not split frame by frame (leave --split out, or split by device with --device)");
    }
    Selection selection = select.selection();
    try (LocalFrameStore store = SelectionOptions.openStore(dataDir)) {
      Frames source = store;
      Instant created = null;
      if (dataset != null) {
        if (select.spec().size() > 1) {
          throw new ConfigException("--dataset " + dataset + " exports the dataset as it was recorded: leave out the"
              + " selection and split options (" + String.join(", ", select.spec().keySet()).replace("labels, ", "") + ")");
        }
        Datasets.Dataset d = store.datasets().get(dataset);
        if (d == null) {
          throw new ConfigException("--dataset: no dataset named '" + dataset + "' in " + dataDir
              + " (fieldcap dataset list shows them)");
        }
        source = store.datasets().frames(dataset);
        created = d.createdAt();
        // the dataset's own labels, classes and splits: nothing to select again
        Recorded recorded = Recorded.of(d);
        selection = recorded.selection();
        splits = recorded.splits();
      }
      Frames from = source;
      var err = spec.commandLine().getErr();
      long[] read = {0, System.nanoTime()};
      // a line on stderr every 2 s on long exports (formats read the store in one or two passes)
      Frames progress = Frames.peek(from, f -> {
        read[0]++;
        if (System.nanoTime() - read[1] > 2_000_000_000L) {
          err.printf("export: %d frames read so far%n", read[0]);
          err.flush();
          read[1] = System.nanoTime();
        }
      });
      Frames frames = progress;
      if (augment != null) {
        Augment aug;
        try {
          aug = new Augment(Augment.Spec.parse(augment), copies, select.seed, minVisible);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(e.getMessage());
        }
        // select first (the copies take the chosen, mapped labels), then add the copies; the exporter selects nothing again
        frames = aug.view(selection.view(progress), splits, Files.createDirectories(out));
        selection = new Selection(Set.of(), null, null, Set.of(), Map.of(), 0, Map.of(),
            selection.classes(), Set.of(), Selection.Labels.PRELABELS, Set.of("duplicate", "broken"));
      }
      Exporter.Result r = exporter.export(frames, out, new ExportOptions(splits, task, link, imageUrl, selection, created,
          polygons));
      spec.commandLine().getOut().printf("exported %d images, %d annotations in %d categories as %s to %s%n",
          r.images(), r.annotations(), r.categories(), exporter.format(), r.out());
    }
    return ExitCodes.OK;
  }
}
