package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.dataset.Selection;
import io.fieldcap.eval.ClassifyEval;
import io.fieldcap.eval.CocoEval;
import io.fieldcap.eval.Confusion;
import io.fieldcap.eval.Evaluation;
import io.fieldcap.eval.SemanticEval;
import io.fieldcap.eval.Sources;
import io.fieldcap.inference.ModelException;
import io.fieldcap.inference.ModelFamily;
import io.fieldcap.inference.OnnxDetector;
import io.fieldcap.json.Json;
import io.fieldcap.model.Sha256;
import io.fieldcap.store.Frames;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.Models;
import io.fieldcap.store.StoredFrame;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fieldcap eval}: a model's detections scored against reviewed labels, with COCO's figures. */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = {"Scores a model on frames whose labels are the ground truth (by default the reviewed ones): COCO's",
        "twelve figures (AP@[.50:.95], AP50, AP75, AP and AR by area and detection limit) as pycocotools computes",
        "them, AP and AP50 per class, the confusion matrix at IoU 0.5 and the frames with the most mistakes.",
        "Detections come from --model (the agent's engine) or --detections (a COCO results file whose ids are those",
        "of `fieldcap export --format coco` over the same selection)."})
final class EvalCommand implements Callable<Integer> {
  @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The server's data folder.")
  Path dataDir;

  @Option(names = "--dataset", paramLabel = "NAME", description = "A frozen dataset (its labels, classes and splits as recorded).")
  String dataset;

  @Mixin SelectionOptions select;

  @Option(names = "--model", paramLabel = "PATH", description = "An ONNX model to run on every frame (the agent's engine).")
  Path model;

  @Option(names = "--model-classes", paramLabel = "FILE", description = "The model's class names, one per line (default: its metadata).")
  Path modelClasses;

  @Option(names = "--confidence", defaultValue = "0.001", paramLabel = "T",
      description = "--model: lowest score kept (default ${DEFAULT-VALUE}: AP needs the whole precision-recall curve).")
  float confidence;

  @Option(names = "--iou", defaultValue = "0.7", paramLabel = "T", description = "--model: NMS overlap threshold (default ${DEFAULT-VALUE}).")
  float iou;

  @Option(names = "--model-format", defaultValue = "auto", paramLabel = "F", description = "--model: its family (default: detected).")
  String modelFormat;

  @Option(names = "--detections", paramLabel = "RESULTS.json", description = "A COCO results file instead of --model.")
  Path detections;

  @Option(names = "--iou-type", defaultValue = "bbox", paramLabel = "TYPE", description = "bbox or segm (default ${DEFAULT-VALUE}).")
  String iouType;

  @Option(names = "--confusion-score", defaultValue = "0.25", paramLabel = "T",
      description = "Detections from this score count in the confusion matrix (default ${DEFAULT-VALUE}).")
  double confusionScore;

  @Option(names = "--out", paramLabel = "DIR", description = "Writes eval.json: figures, PR curves, confusion matrix, worst frames.")
  Path out;

  @Option(names = "--json", description = "Print the figures as JSON.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if ((model == null) == (detections == null)) {
      throw new ConfigException("give --model PATH (run a model) or --detections RESULTS.json (score results made elsewhere)");
    }
    String task = iouType.toLowerCase(Locale.ROOT);
    CocoEval.IouType type = switch (task) {
      case "bbox", "semantic", "classify" -> CocoEval.IouType.BBOX;
      case "segm" -> CocoEval.IouType.SEGM;
      default -> throw new ConfigException("--iou-type: '" + iouType + "' is not bbox, segm, semantic or classify");
    };
    if ((task.equals("semantic") || task.equals("classify")) && model == null) {
      throw new ConfigException("--iou-type " + task + " needs --model (a COCO results file holds boxes and instance masks only)");
    }
    String split = select.split;
    if (split != null && !Set.of("train", "val", "test").contains(split)) {
      throw new ConfigException("--split: eval takes the name of a split of a frozen dataset (train, val or test), not '"
          + split + "'");
    }
    if (split != null && dataset == null) {
      throw new ConfigException("--split " + split + " needs --dataset: only a frozen dataset has splits that stay put");
    }
    // the ground truth is what people reviewed, unless asked otherwise
    boolean labelsGiven = spec.commandLine().getParseResult().hasMatchedOption("--labels");
    Selection selection = select.selection();
    if (!labelsGiven) {
      selection = new Selection(selection.devices(), selection.since(), selection.until(), selection.keptBy(), selection.tags(),
          selection.minScore(), selection.map(), selection.classes(), selection.withClasses(), Selection.Labels.REVIEWED,
          selection.keepMarked());
    }
    PrintWriter o = spec.commandLine().getOut();
    try (LocalFrameStore store = SelectionOptions.openStore(dataDir)) {
      Frames truth;
      String what;
      List<String> datasetClasses = null;
      if (dataset != null) {
        Set<String> given = new TreeSet<>(select.spec().keySet());
        given.removeAll(Set.of("labels", "split", "seed", "groupWindow"));
        if (!given.isEmpty() || labelsGiven) {
          given.addAll(labelsGiven ? Set.of("labels") : Set.of());
          throw new ConfigException("--dataset " + dataset + " is evaluated on its labels as recorded: leave out the selection"
              + " options (" + String.join(", ", given) + ")");
        }
        Sources.Truth t = Sources.dataset(store, dataset, split);
        if (t == null) {
          throw new ConfigException("--dataset: no dataset named '" + dataset + "' in " + dataDir + " (fieldcap dataset list)");
        }
        truth = t.frames();
        datasetClasses = t.classes();
        what = "dataset " + dataset + (split == null ? "" : ", split " + split);
      } else {
        truth = selection.view(store);
        what = selection.labels().name().toLowerCase(Locale.ROOT) + " labels";
      }
      if (task.equals("semantic") || task.equals("classify")) {
        return perPixelOrFrame(task, truth, dataset != null ? datasetClasses : selection.classes(), what, o);
      }
      List<String> classes = Evaluation.classes(truth, dataset != null ? datasetClasses : selection.classes());
      Evaluation.Report report;
      if (detections != null) {
        Evaluation.Detector results;
        try {
          results = Evaluation.fromResults(detections, classes);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(e.getMessage());
        }
        report = run(truth, classes, results, type);
      } else {
        try (OnnxDetector d = OnnxDetector.open(new OnnxDetector.Options(model, modelClasses, family(), confidence, iou, "cpu",
            Math.max(1, Runtime.getRuntime().availableProcessors())))) {
          report = run(truth, classes, Sources.model(d), type);
        } catch (ModelException e) {
          throw new ConfigException("--model: " + e.getMessage());
        }
      }
      if (report.frames() == 0) {
        throw new ConfigException("no frames to evaluate on (" + what + "): " + (labelsGiven || dataset != null ? ""
            : "by default the ground truth is the reviewed labels; --labels best takes pre-labels where there is no review"));
      }
      String key = type == CocoEval.IouType.BBOX ? "bbox" : "segm";
      if (model != null) {
        record(store, report, key, split, dataset != null ? "dataset" : selection.labels().name().toLowerCase(Locale.ROOT));
      }
      if (out != null) {
        Files.createDirectories(out);
        Files.write(out.resolve("eval.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(details(report, key,
            detections != null ? detections.getFileName().toString() : model.getFileName().toString(), what)));
      }
      if (json) {
        o.println(Json.MAPPER.writeValueAsString(report.json(key)));
      } else {
        print(o, report, key, what);
      }
    }
    return ExitCodes.OK;
  }

  /** Semantic-mask or classification figures of --model on the frames: printed, or as JSON. */
  private int perPixelOrFrame(String task, Frames truth, List<String> given, String what, PrintWriter o) throws Exception {
    TreeSet<String> names = new TreeSet<>();
    if (given == null) {
      truth.forEach(f -> {
        if (f.labels() != null) {
          f.labels().detections().stream().filter(d -> task.equals("semantic") ? d.mask() != null : d.box() == null)
              .forEach(d -> names.add(d.label()));
        }
      });
    }
    List<String> classes = given != null ? given : List.copyOf(names);
    SemanticEval semantic = new SemanticEval(classes);
    ClassifyEval classify = new ClassifyEval(classes);
    int[] frames = {0};
    try (OnnxDetector d = OnnxDetector.open(new OnnxDetector.Options(model, modelClasses, family(), confidence, iou, "cpu",
        Math.max(1, Runtime.getRuntime().availableProcessors())))) {
      truth.forEach(f -> {
        try {
          var found = Sources.labels(d, f);
          frames[0]++;
          if (task.equals("semantic")) {
            semantic.add(f.labels(), found, f.width(), f.height());
          } else {
            classify.add(f.labels(), found);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (ModelException e) {
      throw new ConfigException("--model: " + e.getMessage());
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (frames[0] == 0) {
      throw new ConfigException("no frames to evaluate on (" + what + ")");
    }
    Map<String, Object> figures = task.equals("semantic") ? semantic.figures() : classify.figures();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("frames", frames[0]);
    result.put(task, figures);
    if (out != null) {
      Files.createDirectories(out);
      Files.write(out.resolve("eval.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(result));
    }
    if (json) {
      o.println(Json.MAPPER.writeValueAsString(result));
    } else {
      o.printf("%d frames (%s), %d classes, %s%n", frames[0], what, classes.size(), task);
      figures.forEach((k, v) -> {
        if (!k.equals("perClass") && !k.equals("confusion")) {
          o.printf("  %-14s %s%n", k, v);
        }
      });
      ((Map<?, ?>) figures.get("perClass")).forEach((k, v) -> o.printf("  %-24s %s%n", k, v));
    }
    o.flush();
    return ExitCodes.OK;
  }

  /** Keeps the figures with the model in the registry, when it is registered (else says how to). */
  private void record(LocalFrameStore store, Evaluation.Report report, String key, String split, String labels)
      throws IOException {
    var err = spec.commandLine().getErr();
    Models.Model m = store.models().find(Sha256.file(model));
    if (m == null) {
      err.printf("eval: %s is not in the model registry, so these figures are not kept (fieldcap models add %s)%n",
          model.getFileName(), model);
    } else {
      Map<String, Object> kept = new LinkedHashMap<>(report.figures());
      kept.putAll(report.details(20));
      store.models().addEvaluation(m.sha256(), dataset, split, labels, key, report.frames(), Json.MAPPER.writeValueAsString(kept),
          Instant.now());
      err.printf("eval: kept with model %s (%s) in the registry%n", m.name(), m.sha256().substring(0, 12));
    }
    err.flush();
  }

  private Evaluation.Report run(Frames truth, List<String> classes, Evaluation.Detector d, CocoEval.IouType type)
      throws Exception {
    try {
      return Evaluation.run(truth, classes, d, type, confusionScore);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private ModelFamily family() throws ConfigException {
    if (modelFormat.equals("auto")) {
      return null;
    }
    ModelFamily f = ModelFamily.fromConfig(modelFormat);
    if (f == null) {
      throw new ConfigException("--model-format: '" + modelFormat + "' is not a model family fieldcap reads");
    }
    return f;
  }

  private static String fmt(double v) {
    return v < 0 ? "   -" : String.format(Locale.ROOT, "%.3f", v);
  }

  private static void print(PrintWriter o, Evaluation.Report r, String key, String what) {
    o.printf("%d frames (%s), %d classes, %s%n", r.frames(), what, r.classes().size(), key);
    Map<String, Double> s = r.result().summary();
    String[][] lines = {
        {"AP", "IoU=0.50:0.95 | area=   all | maxDets=100"}, {"AP50", "IoU=0.50      | area=   all | maxDets=100"},
        {"AP75", "IoU=0.75      | area=   all | maxDets=100"}, {"APs", "IoU=0.50:0.95 | area= small | maxDets=100"},
        {"APm", "IoU=0.50:0.95 | area=medium | maxDets=100"}, {"APl", "IoU=0.50:0.95 | area= large | maxDets=100"},
        {"AR1", "IoU=0.50:0.95 | area=   all | maxDets=  1"}, {"AR10", "IoU=0.50:0.95 | area=   all | maxDets= 10"},
        {"AR100", "IoU=0.50:0.95 | area=   all | maxDets=100"}, {"ARs", "IoU=0.50:0.95 | area= small | maxDets=100"},
        {"ARm", "IoU=0.50:0.95 | area=medium | maxDets=100"}, {"ARl", "IoU=0.50:0.95 | area= large | maxDets=100"}};
    for (String[] l : lines) {
      o.printf(" %-16s @[ %s ] = %s%n", (l[0].startsWith("AP") ? "Average Precision" : "Average Recall   ") + " (" + l[0] + ")",
          l[1], fmt(s.get(l[0])));
    }
    o.println();
    o.printf("%-24s %7s %7s%n", "class", "AP", "AP50");
    for (int k = 0; k < r.classes().size(); k++) {
      o.printf("%-24s %7s %7s%n", r.classes().get(k), fmt(r.result().ap(k)), fmt(r.result().ap50(k)));
    }
    Confusion c = r.confusion();
    o.printf("%nconfusion at IoU %.2f, detections scored %.2f or more (rows: labels, columns: detections)%n", Confusion.IOU,
        c.minScore());
    List<String> names = c.names();
    int w = Math.max(10, names.stream().mapToInt(String::length).max().orElse(10) + 1);
    StringBuilder head = new StringBuilder(String.format("%-" + w + "s", ""));
    names.forEach(n -> head.append(String.format("%" + w + "s", n)));
    o.println(head);
    long[][] m = c.matrix();
    for (int i = 0; i < m.length; i++) {
      StringBuilder row = new StringBuilder(String.format("%-" + w + "s", names.get(i)));
      for (long v : m[i]) {
        row.append(String.format("%" + w + "d", v));
      }
      o.println(row);
    }
    List<int[]> worst = c.worst(10);
    if (!worst.isEmpty()) {
      o.println();
      o.println("frames with the most mistakes (false positives, false negatives):");
      for (int[] x : worst) {
        StoredFrame f = r.frameList().get(x[0]);
        o.printf("  %s/%s  %d FP, %d FN%n", f.device(), f.frameId(), x[1], x[2]);
      }
    }
    o.flush();
  }

  private static Map<String, Object> details(Evaluation.Report r, String key, String detector, String what) {
    Map<String, Object> d = new LinkedHashMap<>(r.json(key));
    d.put("groundTruth", what);
    d.put("detections", detector);
    d.putAll(r.details(50));
    return d;
  }

}
