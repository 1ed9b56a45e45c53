package io.fieldcap.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NiceTest {
  /** The nice value in a /proc stat file (field 19 of stat(5)). */
  private static int nice(Path stat) throws Exception {
    String s = Files.readString(stat);
    return Integer.parseInt(s.substring(s.lastIndexOf(')') + 2).split(" ")[16]);
  }

  @Test
  void aLoweredThreadRunsAtItsNiceValueAndTheOthersKeepTheirs() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/thread-self")), "Linux");
    int before = nice(Path.of("/proc/thread-self/stat"));
    AtomicInteger seen = new AtomicInteger(-100);
    Thread t = new Thread(Nice.lowered(7, () -> {
      try {
        seen.set(nice(Path.of("/proc/thread-self/stat")));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }));
    t.start();
    t.join();
    assertThat(seen.get()).isEqualTo(Math.max(7, before));
    assertThat(nice(Path.of("/proc/thread-self/stat"))).as("the calling thread is untouched").isEqualTo(before);
    Runnable r = () -> {};
    assertThat(Nice.lowered(0, r)).as("0 leaves the runnable as it is").isSameAs(r);
  }

  @Test
  void aChildProcessCanBeLowered() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "Linux");
    Process p = new ProcessBuilder("sleep", "30").start();
    try {
      assertThat(Nice.process(p.pid(), 9)).isTrue();
      assertThat(nice(Path.of("/proc", Long.toString(p.pid()), "stat"))).isEqualTo(9);
    } finally {
      p.destroyForcibly();
    }
  }
}
