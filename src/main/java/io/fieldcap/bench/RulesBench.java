package io.fieldcap.bench;

import io.fieldcap.agent.Agent;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.spool.Spool;
import io.fieldcap.spool.SpoolStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the rules over tracks keep on real footage, against the frame rules: the same footage and model through the
 * agent (in this process, the footage played at its own speed, as a camera would give it) once per capture
 * configuration: keep-all, a {@code detections} rule with a budget of 6 a minute, {@code new-track}, {@code best-shot},
 * and the detections rule again with event clips (2 s before, 2 s after: the clips' cost). For each: frames and bytes kept (and per hour of footage), tracks, clips, and the CPU the whole process
 * and its children (ffmpeg decoding the footage and encoding the clips) spent, from {@code /proc/self/stat}.
 */
public final class RulesBench {
  private RulesBench() {}

  /** The configurations compared, by name: the capture settings each adds. */
  static Map<String, List<String>> scenarios(String classes) {
    Map<String, List<String>> s = new LinkedHashMap<>();
    s.put("keep-all", List.of("tracking.enabled=true"));
    s.put("detections, 6 a minute", List.of("tracking.enabled=true", "capture.rules.seen.type=detections",
        "capture.rules.seen.classes=" + classes, "capture.rules.seen.max-per-minute=6"));
    s.put("new-track", List.of("capture.rules.first.type=new-track", "capture.rules.first.classes=" + classes));
    s.put("best-shot", List.of("capture.rules.best.type=best-shot", "capture.rules.best.classes=" + classes));
    s.put("detections, 6 a minute, with clips", List.of("tracking.enabled=true", "capture.rules.seen.type=detections",
        "capture.rules.seen.classes=" + classes, "capture.rules.seen.max-per-minute=6", "capture.rules.seen.clip=true",
        "clips.pre=2s", "clips.post=2s", "clips.max=20s"));
    return s;
  }

  public static List<Map<String, Object>> run(Path footage, Path model, double fps, String classes, Path work) throws Exception {
    List<Map<String, Object>> out = new ArrayList<>();
    int n = 0;
    for (var e : scenarios(classes).entrySet()) {
      Path spool = work.resolve("spool-" + n++);
      List<String> sets = new ArrayList<>(List.of("device.id=bench", "source.uri=file://" + footage.toAbsolutePath(),
          "source.fps=" + fps, "source.realtime=true", "spool.dir=" + spool, "model.path=" + model, "model.threads=1",
          "quality.duplicates=false", "quality.blur-min=0"));
      sets.addAll(e.getValue());
      long cpu0 = cpuTicks();
      long t0 = System.nanoTime();
      Agent agent = new Agent(ConfigLoader.load(null, sets), InstantSource.system());
      agent.start();
      Map<String, Object> about;
      try {
        while (!"ended".equals(agent.health().get("capture"))) {
          Thread.sleep(50);
        }
      } finally {
        agent.stop(); // the frames in hand stored, best shots still held kept, the last clip encoded
        about = agent.about();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      long cpu1 = cpuTicks();
      SpoolStats st = Spool.readStats(spool, Long.MAX_VALUE);
      @SuppressWarnings("unchecked")
      Map<String, Object> clips = (Map<String, Object>) about.get("clips");
      long clipCount = clips == null ? 0 : ((Number) clips.get("written")).longValue();
      long clipBytes = clips == null ? 0 : ((Number) clips.get("bytes")).longValue();
      long read = st.pending() - clipCount + st.rejected(); // a clip is an entry of the spool, not a frame read
      double hours = read / fps / 3600;
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("rules", e.getKey());
      r.put("framesRead", read);
      r.put("framesKept", st.pending() - clipCount);
      r.put("bytesKept", st.bytes() - clipBytes);
      r.put("framesPerHour", Math.round((st.pending() - clipCount) / hours));
      r.put("megabytesPerHour", Math.round((st.bytes() - clipBytes) / hours / 1e6 * 10) / 10.0);
      r.put("clips", clipCount);
      r.put("clipMegabytesPerHour", Math.round(clipBytes / hours / 1e6 * 10) / 10.0);
      r.put("tracks", about.get("tracks"));
      r.put("rejectedBy", st.rejectedBy());
      r.put("cpuSeconds", (cpu1 - cpu0) / 100.0);
      r.put("wallSeconds", Math.round(seconds * 10) / 10.0);
      out.add(r);
    }
    return out;
  }

  /** This process's CPU and that of its children it waited for (ffmpeg), in clock ticks (1/100 s), from /proc/self/stat. */
  static long cpuTicks() throws IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields after the name, from state (3): utime is 14, stime 15, cutime 16, cstime 17 (1-based in proc(5))
    return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
  }
}
