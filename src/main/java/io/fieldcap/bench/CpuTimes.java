package io.fieldcap.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * CPU time used so far, in nanoseconds, by this process as a whole, by each of the agent's stage
 * threads by name, and by this process's children (ffmpeg): read from {@code /proc} and the JVM's
 * thread CPU clocks, so that a benchmark can say where the cores went, not only how long it took.
 * Native threads are read from {@code /proc/self/task}: ONNX Runtime's intra-op pool ({@code
 * onnxruntime}, named by the thread that created the session), the JIT compilers ({@code jit}) and
 * the garbage collector and VM thread ({@code gc}). What is left is {@code other}: startup, class
 * loading, MQTT and housekeeping threads.
 */
final class CpuTimes {
  static final List<String> STAGES = List.of("capture", "preparer", "labeler", "spool-writer");
  private static final long TICK_NANOS = 10_000_000L; // USER_HZ is 100 on every Linux this runs on

  private CpuTimes() {}

  static Map<String, Long> now() {
    return now(STAGES, name -> STAGES.contains(name) ? name : null);
  }

  /**
   * As {@link #now()}, with the live threads summed into {@code groups} by {@code group} (a thread's
   * name to its group, null for the rest). Threads that ended since the last reading are lost: read
   * before the threads of the work measured stop.
   */
  static Map<String, Long> now(List<String> groups, Function<String, String> group) {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("process", ticks(Path.of("/proc/self/stat")));
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (String g : groups) {
      out.put(g, 0L);
    }
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String g = group.apply(t.getName());
      if (g != null) {
        out.merge(g, Math.max(0, threads.getThreadCpuTime(t.getId())), Long::sum);
      }
    }
    tasks(out);
    out.put("ffmpeg", ProcessHandle.current().descendants()
        .mapToLong(p -> ticks(Path.of("/proc", Long.toString(p.pid()), "stat"))).sum());
    return out;
  }

  /** Milliseconds per frame between two readings, per key, with the process's rest (JIT, GC, ...) as {@code other}. */
  static Map<String, Double> perFrame(Map<String, Long> before, Map<String, Long> after, long frames) {
    Map<String, Double> out = new LinkedHashMap<>();
    long named = 0;
    for (String k : after.keySet()) {
      long d = after.get(k) - before.getOrDefault(k, 0L);
      if (!k.equals("process") && !k.equals("ffmpeg")) {
        named += d;
      }
      out.put(k, Math.round(d / 1e6 / Math.max(1, frames) * 100) / 100.0);
    }
    long other = (after.get("process") - before.get("process")) - named;
    out.put("other", Math.round(other / 1e6 / Math.max(1, frames) * 100) / 100.0);
    return out;
  }

  /** The native threads' CPU by group, from each task's name (comm, 15 characters at most). */
  private static void tasks(Map<String, Long> out) {
    out.put("onnxruntime", 0L);
    out.put("jit", 0L);
    out.put("gc", 0L);
    try (var dir = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) dir::iterator) {
        String comm;
        try {
          comm = Files.readString(task.resolve("comm")).strip();
        } catch (IOException e) {
          continue; // the thread ended
        }
        String g = comm.equals("onnxruntime") ? "onnxruntime"
            : comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler") ? "jit"
            : comm.startsWith("GC Thread") || comm.equals("VM Thread") ? "gc" : null;
        if (g != null) {
          out.merge(g, ticks(task.resolve("stat")), Long::sum);
        }
      }
    } catch (IOException | RuntimeException e) {
      // no /proc: these stay 0 and their CPU stays in other
    }
  }

  /** utime + stime of a /proc stat file, in ns; 0 when it cannot be read (the process ended, no /proc). */
  private static long ticks(Path stat) {
    try {
      String s = Files.readString(stat);
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS; // fields 14 and 15 of stat(5)
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
