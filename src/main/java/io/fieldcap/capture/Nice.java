package io.fieldcap.capture;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the CPU priority of the agent's own work, thread by thread, so that inference gets the
 * cores first and the rest (capture, preparing, encoding, storing, ffmpeg's decoding) runs in the
 * time inference leaves. On Linux a nice value belongs to a thread (setpriority(2) on a thread id),
 * and raising it needs no privilege. Where it cannot be set (not Linux, no libc through JNA, a
 * syscall filter that refuses it) the work runs at normal priority, as before, logged once.
 */
public final class Nice {
  private static final Logger log = LoggerFactory.getLogger(Nice.class);
  private static final int PRIO_PROCESS = 0;
  private static volatile boolean warned;
  private static volatile int work;

  interface C extends Library {
    int gettid();

    int setpriority(int which, int who, int prio);
  }

  private static final class Holder {
    static final C LIBC = load();

    private static C load() {
      try {
        return System.getProperty("os.name", "").startsWith("Linux") ? Native.load("c", C.class) : null;
      } catch (Throwable e) {
        return null;
      }
    }
  }

  private Nice() {}

  /** Sets the nice value for the agent's own work ({@code agent.nice}; 0 leaves priorities alone). */
  public static void work(int nice) {
    work = nice;
  }

  /** The nice value for the agent's own work. */
  public static int work() {
    return work;
  }

  /** Sets the calling thread's nice value; false (logged once) where it cannot. Zero leaves it alone. */
  public static boolean currentThread(int nice) {
    if (nice == 0) {
      return false;
    }
    C c = Holder.LIBC;
    try {
      return c != null && ok(c.setpriority(PRIO_PROCESS, c.gettid(), nice), "thread " + Thread.currentThread().getName());
    } catch (Throwable e) { // gettid missing from an old libc
      return ok(-1, "thread " + Thread.currentThread().getName() + " (" + e + ")");
    }
  }

  /** Sets a child process's nice value (all its threads started after, ffmpeg's included). */
  public static boolean process(long pid, int nice) {
    C c = Holder.LIBC;
    return nice != 0 && c != null && ok(c.setpriority(PRIO_PROCESS, (int) pid, nice), "process " + pid);
  }

  /** A runnable that first lowers its thread's priority. */
  public static Runnable lowered(int nice, Runnable r) {
    return nice == 0 ? r : () -> {
      currentThread(nice);
      r.run();
    };
  }

  private static boolean ok(int rc, String what) {
    if (rc != 0 && !warned) {
      warned = true;
      log.warn("cannot lower the CPU priority of {} (setpriority failed); the agent's own work competes with inference", what);
    }
    return rc == 0;
  }
}
