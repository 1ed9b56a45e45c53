package io.fieldcap.cli;

import io.fieldcap.bench.AugmentBench;
import io.fieldcap.bench.CleanBench;
import io.fieldcap.bench.EvalBench;
import io.fieldcap.bench.ExportBench;
import io.fieldcap.bench.FleetBench;
import io.fieldcap.bench.HashBench;
import io.fieldcap.bench.ModelBench;
import io.fieldcap.bench.RulesBench;
import io.fieldcap.bench.SelectBench;
import io.fieldcap.bench.SpoolBench;
import io.fieldcap.bench.StartupBench;
import io.fieldcap.bench.SyncBench;
import io.fieldcap.bench.TrackBench;
import io.fieldcap.bench.WebBench;
import io.fieldcap.config.ConfigException;
import io.fieldcap.config.Durations;
import io.fieldcap.config.Sizes;
import io.fieldcap.dataset.format.Exporter;
import io.fieldcap.fs.Trees;
import io.fieldcap.json.Json;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code fieldcap bench}: measurements for docs/benchmarks.md. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Benchmarks (figures for docs/benchmarks.md).",
        "With --model and --input: raw ONNX Runtime throughput against the full agent pipeline on that model and clip."},
    subcommands = {BenchCommand.Sync.class, BenchCommand.Startup.class, BenchCommand.Export.class, BenchCommand.Select.class, BenchCommand.Eval.class, BenchCommand.Hash.class,
        BenchCommand.Clean.class, BenchCommand.Augment.class, BenchCommand.Web.class, BenchCommand.Fleet.class,
        BenchCommand.SpoolWrites.class, BenchCommand.Track.class, BenchCommand.Rules.class})
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--model", paramLabel = "PATH", description = "The ONNX model to measure.")
  Path model;

  @Option(names = "--input", paramLabel = "CLIP", description = "The clip to run the pipeline on.")
  Path input;

  @Option(names = "--seconds", defaultValue = "20", description = "Length of each measurement (default ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--threads", description = "ONNX Runtime threads (default: the number of cores).")
  Integer threads;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Agent config for the pipeline run, as in the config file (for example spool.jpeg-encoder=opencv).")
  List<String> sets = new ArrayList<>();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (model == null || input == null) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "give --model PATH --input CLIP, or a subcommand (sync)");
    }
    if (!Files.isRegularFile(model) || !Files.isRegularFile(input) || seconds < 1) {
      throw new ConfigException("--model and --input must be existing files and --seconds at least 1");
    }
    int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    Path work = Files.createTempDirectory("fieldcap-bench");
    Map<String, Object> r;
    try {
      r = ModelBench.run(model, input, seconds, t, sets, work);
    } finally {
      Trees.delete(work);
    }
    var out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.MAPPER.writeValueAsString(r));
    } else {
      out.printf("model %s on %s, %d thread(s), %d s each:%n", r.get("model"), r.get("clip"), t, seconds);
      out.printf("  raw ONNX Runtime:  %s frames/s%n", r.get("rawFps"));
      out.printf("  agent pipeline:    %s frames/s%n", r.get("pipelineFps"));
      out.printf("  ratio:             %s%n", r.get("ratio"));
      out.printf("  agent ms/frame:    %s (JPEG by %s)%n", r.get("msPerFrame"), r.get("jpegEncoder"));
      out.printf("  peak RSS:          %s MB%n", r.get("peakRssMb"));
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** {@code fieldcap bench startup [--frames N]}. */
  @Command(name = "startup", mixinStandardHelpOptions = true,
      description = {"Time from starting the agent to its first new frame stored, with a spool holding a backlog",
          "of --frames pending frames, against an empty spool, in one run. Prints one JSON object."})
  static final class Startup implements Callable<Integer> {
    @Option(names = "--frames", defaultValue = "100000", description = "Pending frames in the backlog (default ${DEFAULT-VALUE}).")
    int frames;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (frames < 1) {
        throw new ConfigException("--frames must be at least 1");
      }
      return inTempDir(spec, "fieldcap-bench-startup", work -> StartupBench.run(frames, work));
    }
  }

  /** {@code fieldcap bench spool [--frames N] [--size BYTES] [--batch N] [--dir DIR]}. */
  @Command(name = "spool", mixinStandardHelpOptions = true,
      description = {"Durable spool writes per second: one frame per commit against group commits of --batch frames,",
          "in one run, on the disk of --dir (default: the temporary folder). Prints one JSON object."})
  static final class SpoolWrites implements Callable<Integer> {
    @Option(names = "--frames", defaultValue = "2000", description = "Frames per phase (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--size", defaultValue = "100KB", description = "Bytes per frame (default ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--batch", defaultValue = "16", description = "Frames per group commit (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--dir", paramLabel = "DIR", description = "Measure on this folder's disk (a spool is made in a new folder inside it and removed).")
    Path dir;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      long bytes = Sizes.parse(size);
      if (frames < 1 || batch < 1 || bytes < 1 || bytes > (64 << 20)) {
        throw new ConfigException("--frames and --batch must be at least 1 and --size between 1 byte and 64 MiB");
      }
      if (dir != null && !Files.isDirectory(dir)) {
        throw new ConfigException("--dir: '" + dir + "' is not a folder");
      }
      return inTempDir(spec, dir, "fieldcap-bench-spool",
          work -> SpoolBench.run(frames, (int) bytes, batch, work));
    }
  }

  /** {@code fieldcap bench export [--frames N] [--format F]}. */
  @Command(name = "export", mixinStandardHelpOptions = true,
      description = {"Time to export a store of --frames frames (each with two boxes and a small real JPEG) in one",
          "format, and the exporting JVM's heap in use after it. Prints one JSON object."})
  static final class Export implements Callable<Integer> {
    @Option(names = "--frames", defaultValue = "100000", description = "Frames in the store (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--format", defaultValue = "yolo", description = "Export format (default ${DEFAULT-VALUE}).")
    String format;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (frames < 1) {
        throw new ConfigException("--frames must be at least 1");
      }
      Exporter exporter = ExportCommand.exporter(format);
      return inTempDir(spec, "fieldcap-bench-export", work -> ExportBench.run(frames, exporter, work));
    }
  }

  /** {@code fieldcap bench select [--frames N]}. */
  @Command(name = "select", mixinStandardHelpOptions = true,
      description = {"Time to choose a selective export's frames (one device of ten, a class in 1%% of frames, one day)",
          "from a store of --frames frames: by the database, and by testing every row in Java. Prints one JSON object."})
  static final class Select implements Callable<Integer> {
    @Option(names = "--frames", defaultValue = "100000", description = "Frames in the store (default ${DEFAULT-VALUE}).")
    int frames;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (frames < 10) {
        throw new ConfigException("--frames must be at least 10");
      }
      return inTempDir(spec, "fieldcap-bench-select", work -> SelectBench.run(frames, work));
    }
  }

  /** {@code fieldcap bench eval [--frames N] [--objects K] [--write DIR]}. */
  @Command(name = "eval", mixinStandardHelpOptions = true,
      description = {"Time for COCO's box evaluation (fieldcap eval) of --frames frames with --objects labels each and a",
          "fair model's detections; --write DIR also writes them as COCO files (gt.json, dt.json) for pycocotools."})
  static final class Eval implements Callable<Integer> {
    @Option(names = "--frames", defaultValue = "10000", description = "Frames (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--objects", defaultValue = "20", description = "Labelled objects per frame (default ${DEFAULT-VALUE}).")
    int objects;

    @Option(names = "--write", paramLabel = "DIR", description = "Also write the input as COCO files here.")
    Path write;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (frames < 1 || objects < 1) {
        throw new ConfigException("--frames and --objects must be at least 1");
      }
      Map<String, Object> r = EvalBench.run(frames, objects, write);
      spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(r));
      return ExitCodes.OK;
    }
  }

  /** {@code fieldcap bench track}. */
  @Command(name = "track", mixinStandardHelpOptions = true,
      description = {"The tracker's cost per frame with 10 and with 100 objects (or --objects N): microseconds per update,",
          "median and 99th percentile over --frames frames. Prints one JSON object."})
  static final class Track implements Callable<Integer> {
    @Option(names = "--objects", paramLabel = "N", description = "Objects per frame (default: 10, then 100).")
    List<Integer> objects = new ArrayList<>();

    @Option(names = "--frames", defaultValue = "2000", description = "Frames measured (default ${DEFAULT-VALUE}).")
    int frames;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      List<Integer> counts = objects.isEmpty() ? List.of(10, 100) : objects;
      if (frames < 10 || counts.stream().anyMatch(n -> n < 1)) {
        throw new ConfigException("--frames must be at least 10 and --objects at least 1");
      }
      List<Map<String, Object>> r = new ArrayList<>();
      for (int n : counts) {
        r.add(TrackBench.run(n, frames));
      }
      spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(r));
      return ExitCodes.OK;
    }
  }

  /** {@code fieldcap bench rules --footage F --model M}. */
  @Command(name = "rules", mixinStandardHelpOptions = true,
      description = {"What the rules over tracks keep on real footage against the frame rules: keep-all, detections (6 a",
          "minute), new-track, best-shot, detections with clips; frames, bytes and clips per hour of footage, tracks, CPU.",
          "The footage plays at its own speed, once per configuration."})
  static final class Rules implements Callable<Integer> {
    @Option(names = "--footage", required = true, paramLabel = "FILE", description = "A video file.")
    Path footage;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A detection model (ONNX).")
    Path model;

    @Option(names = "--fps", defaultValue = "5", description = "Frames a second taken from the footage (default ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--classes", defaultValue = "person", description = "The class the rules follow (default ${DEFAULT-VALUE}).")
    String classes;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Path work = Files.createTempDirectory("fieldcap-bench-rules");
      try {
        spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(RulesBench.run(footage, model, fps, classes, work)));
      } finally {
        Trees.delete(work);
      }
      return ExitCodes.OK;
    }
  }

  /** {@code fieldcap bench clean --frames N}. */
  @Command(name = "clean", mixinStandardHelpOptions = true,
      description = {"Time for clean (near-duplicate grouping; one frame in ten planted as a near-duplicate) and check labels",
          "over --frames synthetic frames, and to measure one real image (the samples' fruits.jpg). Prints one JSON object."})
  static final class Clean implements Callable<Integer> {
    @Option(names = "--frames", defaultValue = "100000", description = "Frames in the store (default ${DEFAULT-VALUE}).")
    int frames;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (frames < 1) {
        throw new ConfigException("--frames must be at least 1");
      }
      Path photo = Samples.clip(null).resolveSibling("fruits.jpg");
      return inTempDir(spec, "fieldcap-bench-clean", work -> CleanBench.run(frames, work,
          Files.isRegularFile(photo) ? photo : null));
    }
  }

  /** {@code fieldcap bench augment}. */
  @Command(name = "augment", mixinStandardHelpOptions = true,
      description = {"Augmentation throughput: a YOLO export of --frames frames of one real photo (the samples' fruits.jpg),",
          "plain and with every transform at --copies copies each. Prints one JSON object."})
  static final class Augment implements Callable<Integer> {
    @Option(names = "--frames", defaultValue = "200", description = "Frames (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--copies", defaultValue = "2", description = "Copies per frame (default ${DEFAULT-VALUE}).")
    int copies;

    @Option(names = "--photo", paramLabel = "JPEG", description = "The photo (default: the samples' fruits.jpg).")
    Path photo;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Path p = photo != null ? photo : Samples.clip(null).resolveSibling("fruits.jpg");
      if (!Files.isRegularFile(p)) {
        throw new ConfigException("--photo: '" + p + "' does not exist");
      }
      return inTempDir(spec, "fieldcap-bench-augment", work -> AugmentBench.run(frames, copies, p, work));
    }
  }

  /** {@code fieldcap bench web --frames N}. */
  @Command(name = "web", mixinStandardHelpOptions = true,
      description = {"Page loads of the web app over --frames synthetic frames: the gallery's first page, a page a third of",
          "the way down, a device filter and a rare class, the review queue's next frame; median and worst of 20 requests;",
          "with --browser, the editor in Chromium. Prints one JSON object."})
  static final class Web implements Callable<Integer> {
    @Option(names = "--frames", defaultValue = "1000000", description = "Frames in the store (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--browser", paramLabel = "SCRIPT",
        description = "Also the editor in Chromium, driven by this Selenium script (scripts/bench-editor.py).")
    Path browser;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (frames < 100) {
        throw new ConfigException("--frames must be at least 100");
      }
      if (browser != null && !Files.isRegularFile(browser)) {
        throw new ConfigException("--browser: " + browser + " is not a file (scripts/bench-editor.py in the source tree)");
      }
      Path script = browser == null ? null : browser.toAbsolutePath();
      return inTempDir(spec, "fieldcap-bench-web", work -> WebBench.run(frames, work, script));
    }
  }

  /** {@code fieldcap bench hash [CLIP...]}. */
  @Command(name = "hash", mixinStandardHelpOptions = true,
      description = {"Perceptual-hash distances on real footage (one frame a second): the same frame re-encoded or halved,",
          "one second apart, 30 s or more apart, and across clips; what clean's --distance is chosen from."})
  static final class Hash implements Callable<Integer> {
    @CommandLine.Parameters(paramLabel = "CLIP", arity = "0..*",
        description = "Video files (default: vtest.avi and Megamind.avi of the samples).")
    List<Path> clips = new ArrayList<>();

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (clips.isEmpty()) {
        Path vtest = Samples.clip(null);
        clips = List.of(vtest, vtest.resolveSibling("Megamind.avi"));
      }
      for (Path c : clips) {
        if (!Files.isRegularFile(c)) {
          throw new ConfigException("CLIP: '" + c + "' does not exist");
        }
      }
      var out = spec.commandLine().getOut();
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(
          HashBench.run(clips)));
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** What a benchmark measures in a temporary folder, deleted after it. */
  interface InTemp {
    Object run(Path work) throws Exception;
  }

  /** Runs a benchmark in a temporary folder and prints its result as one JSON object. */
  static int inTempDir(CommandSpec spec, String prefix, InTemp bench) throws Exception {
    return inTempDir(spec, null, prefix, bench);
  }

  /** The same in a new folder inside {@code parent} (null: the system's temporary folder). */
  static int inTempDir(CommandSpec spec, Path parent, String prefix, InTemp bench) throws Exception {
    Path work = parent == null ? Files.createTempDirectory(prefix) : Files.createTempDirectory(parent, prefix);
    try {
      var out = spec.commandLine().getOut();
      out.println(Json.MAPPER.writeValueAsString(bench.run(work)));
      out.flush();
      return ExitCodes.OK;
    } finally {
      Trees.delete(work);
    }
  }

  /** {@code fieldcap bench sync --broker URI}. */
  @Command(name = "sync", mixinStandardHelpOptions = true,
      description = {"Sync throughput of frames against raw Paho publishing of the same bytes through the same broker,",
          "and capture-to-ack latency of a live agent. Needs a running broker (scripts/bench-sync.sh starts one)."})
  static final class Sync implements Callable<Integer> {
    @Option(names = "--broker", required = true, paramLabel = "URI", description = "A broker to measure through.")
    String broker;

    @Option(names = "--frames", defaultValue = "300", description = "Frames for the throughput run (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--frame-bytes", defaultValue = "200KB", description = "Size of each frame (default ${DEFAULT-VALUE}).")
    String frameBytes;

    @Option(names = "--chunk-bytes", defaultValue = "128KiB", description = "Chunk size (default ${DEFAULT-VALUE}).")
    String chunkBytes;

    @Option(names = "--latency-seconds", defaultValue = "30", description = "Length of the latency run (default ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(names = "--fps", defaultValue = "5", description = "Capture rate of the latency run (default ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--clip", paramLabel = "FILE", description = "Clip for the latency run (default: opencv-doc's vtest.avi).")
    Path clip;

    @Option(names = "--warm-up", defaultValue = "300",
        description = "Frames of a first, discarded round of both runs, for the JIT (default ${DEFAULT-VALUE}; 0: none).")
    int warmUp;

    @Option(names = "--json", description = "Print one JSON object (the text goes to standard error).")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Path c = Samples.clip(clip);
      if (frames < 1 || latencySeconds < 1 || warmUp < 0) {
        throw new ConfigException("--frames and --latency-seconds must be at least 1, --warm-up at least 0");
      }
      Path work = Files.createTempDirectory("fieldcap-bench");
      var out = spec.commandLine().getOut();
      SyncBench b = new SyncBench(broker, work, json ? spec.commandLine().getErr() : out);
      double[] mbps;
      long[] ms;
      try {
        mbps = b.throughput(frames, (int) Sizes.parse(frameBytes), (int) Sizes.parse(chunkBytes), warmUp);
        ms = b.latency(c, fps, latencySeconds);
      } finally {
        Trees.delete(work);
      }
      if (json) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("frames", frames);
        r.put("warmUp", Math.min(frames, warmUp));
        r.put("rawMBps", Math.round(mbps[0] * 10) / 10.0);
        r.put("syncMBps", Math.round(mbps[1] * 10) / 10.0);
        r.put("ratio", Math.round(mbps[1] / mbps[0] * 100) / 100.0);
        r.put("rawCpuMsPerFrame", b.rawCpuMsPerFrame());
        r.put("cpuMsPerFrame", b.cpuMsPerFrame());
        r.put("latencyMedianMs", ms[0]);
        r.put("latencyP99Ms", ms[1]);
        out.println(Json.MAPPER.writeValueAsString(r));
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "fleet", mixinStandardHelpOptions = true,
      description = {"A load generator for servers and brokers: simulated devices, each with its own MQTT connection,",
          "speaking the real protocol (labels, chunks, re-offers), spread over the brokers. Prints offered, stored, lost",
          "and duplicated frames, frames per second and capture-to-stored latency; every offered frame must be acked once.",
          "Needs running brokers and servers subscribed to them (docs/scaling.md)."})
  static final class Fleet implements Callable<Integer> {
    @Option(names = "--brokers", required = true, paramLabel = "URI[,URI...]", split = ",", description = "The brokers.")
    List<String> brokers;

    @Option(names = "--devices", defaultValue = "100", description = "Simulated devices (default ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--fps", defaultValue = "1", description = "Frames per second per device (default ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--frame-bytes", defaultValue = "150k", description = "About this size per frame (default ${DEFAULT-VALUE}).")
    String frameBytes;

    @Option(names = "--chunk-bytes", defaultValue = "128KiB", description = "Chunk size (default ${DEFAULT-VALUE}).")
    String chunkBytes;

    @Option(names = "--seconds", defaultValue = "60", description = "How long devices capture (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--drain-seconds", defaultValue = "60",
        description = "How long to wait after that for the last acks (default ${DEFAULT-VALUE}).")
    int drainSeconds;

    @Option(names = "--ack-timeout", defaultValue = "30s", description = "Re-offer a frame unanswered this long (default ${DEFAULT-VALUE}).")
    String ackTimeout;

    @Option(names = "--topic-root", defaultValue = "fieldcap/v1", description = "Topic root (default ${DEFAULT-VALUE}).")
    String topicRoot;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (devices < 1 || fps <= 0 || seconds < 1) {
        throw new ConfigException("--devices and --seconds must be at least 1 and --fps above 0");
      }
      long size = Sizes.parse(frameBytes);
      var out = spec.commandLine().getOut();
      FleetBench.Result r = new FleetBench(brokers, topicRoot, devices, fps, (int) size,
          (int) Sizes.parse(chunkBytes), Durations.parse(ackTimeout))
          .run(Duration.ofSeconds(seconds), Duration.ofSeconds(drainSeconds),
              json ? new PrintWriter(OutputStream.nullOutputStream()) : out);
      if (json) {
        out.println(Json.MAPPER.writeValueAsString(r));
      } else {
        out.printf(Locale.ROOT, "offered %d, stored %d, lost %d, duplicated %d, re-offers %d; %.1f frames/s, %.2f MB/s;"
            + " capture to stored p50 %d ms, p99 %d ms%n", r.offered(), r.stored(), r.lost(), r.duplicated(), r.reoffers(),
            r.framesPerSecond(), r.megabytesPerSecond(), r.latencyMs().get("p50"), r.latencyMs().get("p99"));
      }
      out.flush();
      return r.lost() == 0 && r.duplicated() == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }
  }
}
