package io.fieldcap.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A mount of {@code scripts/lossyfs.py}: a passthrough FUSE filesystem that, at {@link #cut}, forgets
 * every write not made durable by fsync and every name not made durable by an fsync of its folder,
 * as a power cut does. The processes that use it must be killed before a cut.
 */
public final class LossyMount implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PYTHON = "/usr/bin/python3";

  public final Path mountpoint;
  private final Path control;
  private final ChildProcess daemon;

  private LossyMount(Path mountpoint, Path control, ChildProcess daemon) {
    this.mountpoint = mountpoint;
    this.control = control;
    this.daemon = daemon;
  }

  /** Why lossy mounts cannot be made here (not root, no /dev/fuse, no fusepy), or null when they can. */
  public static String unavailable() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "mounting a FUSE filesystem needs root";
    }
    if (!Files.exists(Path.of("/dev/fuse"))) {
      return "no /dev/fuse";
    }
    try {
      Process p = new ProcessBuilder(PYTHON, "-c", "import fusepy").redirectErrorStream(true).start();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0 ? null : "no fusepy for " + PYTHON + " (python3-fusepy)";
    } catch (IOException | InterruptedException e) {
      return "cannot run " + PYTHON + ": " + e.getMessage();
    }
  }

  /** Mounts a fresh lossy filesystem at {@code dir/mnt}, its live and durable data under {@code dir/backing}. */
  public static LossyMount start(Path dir) throws Exception {
    Path mnt = Files.createDirectories(dir.resolve("mnt"));
    Path control = dir.resolve("control.sock");
    ChildProcess d = ChildProcess.start(List.of(PYTHON, Path.of("scripts/lossyfs.py").toAbsolutePath().toString(), "mount",
        dir.resolve("backing").toString(), mnt.toString(), "--control", control.toString()));
    LossyMount m = new LossyMount(mnt, control, d);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!m.mounted() || !Files.exists(control)) {
      if (!d.alive() || System.nanoTime() > deadline) {
        d.close();
        throw new IllegalStateException("lossyfs did not mount " + mnt + ":\n" + d.output());
      }
      Thread.sleep(50);
    }
    return m;
  }

  private boolean mounted() throws IOException {
    String target = " " + mountpoint.toAbsolutePath() + " ";
    return Files.readAllLines(Path.of("/proc/mounts")).stream().anyMatch(l -> l.contains(target) && l.startsWith("lossyfs "));
  }

  /**
   * The power cut: only what was durable is left ({@code torn}: plus a random prefix of each file's
   * unsynced writes, chosen by {@code seed}). Returns lossyfs' report (files, folders, lostNames,
   * tornFiles, forgottenWrites).
   */
  public JsonNode cut(boolean torn, long seed) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(PYTHON, Path.of("scripts/lossyfs.py").toAbsolutePath().toString(), "cut",
        control.toString(), "--seed", Long.toString(seed)));
    if (torn) {
      cmd.add("--torn");
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("lossyfs cut failed: " + out + "\n" + daemon.output());
    }
    return JSON.readTree(out.lines().reduce((a, b) -> b).orElseThrow());
  }

  @Override
  public void close() throws Exception {
    for (String[] umount : new String[][] {{"umount", mountpoint.toString()}, {"umount", "-l", mountpoint.toString()}}) {
      Process p = new ProcessBuilder(umount).redirectErrorStream(true).start();
      if (p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0) {
        break;
      }
    }
    daemon.waitFor(Duration.ofSeconds(10));
    daemon.close();
  }
}
