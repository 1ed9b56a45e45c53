package io.fieldcap.bench;

import io.fieldcap.agent.Agent;
import io.fieldcap.capture.FfmpegSource;
import io.fieldcap.capture.Image;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.config.FieldcapConfig;
import io.fieldcap.config.ModelConfig;
import io.fieldcap.inference.ModelFamily;
import io.fieldcap.inference.OnnxDetector;
import io.fieldcap.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Raw ONNX Runtime throughput on a prepared tensor against the full agent pipeline (ffmpeg decode,
 * letterbox, inference, decoding, JPEG encode, durable spool write) on the same model and clip, in
 * one run, with the process's peak resident memory.
 */
public final class ModelBench {
  private ModelBench() {}

  /** The fewest stored frames the pipeline's figure is measured over. */
  static final int MIN_FRAMES = 5;

  public static Map<String, Object> run(Path model, Path clip, int seconds, int threads, List<String> extraSets,
      Path work) throws Exception {
    double clipFps = clipFps(clip);
    List<String> sets = new ArrayList<>(List.of("device.id=bench", "source.uri=file://" + clip.toAbsolutePath(), "source.fps=" + clipFps,
        "source.realtime=false", "source.loop=true", "spool.dir=" + work.resolve("spool"), "spool.max-bytes=100GiB",
        "spool.min-free-bytes=0", "model.path=" + model.toAbsolutePath(), "model.threads=" + threads,
        "agent.summary-interval=1h", "quality.duplicates=false")); // every frame encoded and stored: the worst case
    sets.addAll(extraSets);
    FieldcapConfig c = ConfigLoader.load(null, sets);
    // raw: one frame of the clip, letterboxed once, then session runs back to back; measured for half the
    // time before the pipeline and half after, so a machine that gets busier or quieter during the run
    // (a shared one) moves both figures alike. The raw session is closed while the agent runs, so the peak
    // resident memory is the agent's, not the agent's plus a second session.
    Image img;
    try (FfmpegSource src = new FfmpegSource(c.source())) {
      src.open();
      img = src.next();
    }
    long half = TimeUnit.SECONDS.toNanos(seconds) / 2;
    double rawBefore = rawFps(c, img, half);
    // pipeline: the real agent, its capture blocking on the writer (a clip is not live), measured after a warm-up
    double pipelineFps;
    long[] stages;
    Map<String, Double> cpu;
    Agent agent = new Agent(c, InstantSource.system());
    agent.start();
    String encoder = agent.jpegEncoder();
    try {
      Thread.sleep(2000);
      long[] s0 = agent.stageNanos();
      Map<String, Long> c0 = CpuTimes.now();
      long t0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      // a busy machine may store few frames in the window: measure over at least MIN_FRAMES (within a minute)
      long[] s1 = agent.stageNanos();
      while (s1[4] - s0[4] < MIN_FRAMES && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(60)) {
        Thread.sleep(250);
        s1 = agent.stageNanos();
      }
      cpu = CpuTimes.perFrame(c0, CpuTimes.now(), s1[4] - s0[4]);
      double secs = (System.nanoTime() - t0) / 1e9;
      stages = new long[s1.length];
      for (int i = 0; i < s1.length; i++) {
        stages[i] = s1[i] - s0[i];
      }
      pipelineFps = stages[4] / secs;
    } finally {
      agent.stop();
    }
    double rawAfter = rawFps(c, img, half);
    double rawFps = (rawBefore + rawAfter) / 2;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", model.getFileName().toString());
    out.put("clip", clip.getFileName().toString());
    out.put("threads", threads);
    out.put("seconds", seconds);
    out.put("rawFps", round(rawFps));
    out.put("rawFpsBefore", round(rawBefore));
    out.put("rawFpsAfter", round(rawAfter));
    out.put("pipelineFps", round(pipelineFps));
    out.put("ratio", round(pipelineFps / rawFps));
    long frames = Math.max(1, stages[4]);
    Map<String, Object> ms = new LinkedHashMap<>();
    ms.put("prepare", round(stages[0] / 1e6 / frames));
    ms.put("label", round(stages[1] / 1e6 / frames));
    ms.put("encode", round(stages[2] / 1e6 / frames));
    ms.put("store", round(stages[3] / 1e6 / frames));
    out.put("msPerFrame", ms);
    out.put("decodeMsPerFrame", round(decodeMs)); // of the raw run's first frames: outputs to labels, after the session
    out.put("decodeShareOfInference", round(decodeMs / (1000 / rawFps)));
    out.put("labelBytes", labelBytes); // the pre-labels of the clip's first frame as they travel in the manifest
    out.put("cpuMsPerFrame", cpu); // process = the stage threads + other (ONNX Runtime's pool, JIT, GC); ffmpeg apart
    out.put("jpegEncoder", encoder);
    out.put("peakRssMb", peakRssMb());
    return out;
  }

  private static double decodeMs;
  private static int labelBytes;

  /** Session runs per second on {@code img}, letterboxed once, after a one-second warm-up, with the model section's settings. */
  private static double rawFps(FieldcapConfig c, Image img, long nanos) throws Exception {
    ModelConfig m = c.model();
    try (OnnxDetector d = OnnxDetector.open(OnnxDetector.Options.of(m, m.path(), m.labels(), ModelFamily.of(m)))) { // the agent's model settings
      for (int i = 0; i < 10; i++) {
        labelBytes = Json.MAPPER.writeValueAsBytes(d.detect(img.width(), img.height(), img.bgr())).length;
      }
      decodeMs = d.decodeMillisPerFrame(); // outputs to labels: NMS, masks (the pipeline's labeler does the same)
      d.runPrepared(TimeUnit.SECONDS.toNanos(1));
      return d.runPrepared(nanos) / (nanos / 1e9);
    }
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** The clip's frame rate (so the pipeline decodes each frame once), capped at the config's 120. */
  static double clipFps(Path clip) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
        "stream=avg_frame_rate", "-of", "csv=p=0", clip.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    p.waitFor();
    try {
      String[] f = out.split("/");
      double fps = f.length == 2 ? Double.parseDouble(f[0]) / Double.parseDouble(f[1]) : Double.parseDouble(f[0]);
      return Math.max(1, Math.min(120, fps));
    } catch (RuntimeException e) {
      return 25;
    }
  }

  /** The process's peak resident set (VmHWM), in MB; -1 where /proc is not there. */
  static long peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux
    }
    return -1;
  }
}
