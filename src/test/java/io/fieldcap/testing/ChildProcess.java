package io.fieldcap.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A child process (ffmpeg, an RTSP server, the agent jar) whose output is collected line by line. */
public final class ChildProcess implements AutoCloseable {
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private ChildProcess(Process process) {
    this.process = process;
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          lines.add(l);
        }
      } catch (IOException e) {
        // process ended
      }
    }, "child-output");
    t.setDaemon(true);
    t.start();
  }

  public static ChildProcess start(List<String> cmd) throws IOException {
    return new ChildProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start());
  }

  /** Runs the packaged fieldcap jar with {@code args}. */
  public static ChildProcess fieldcap(String... args) throws IOException {
    return fieldcapWithEnv(java.util.Map.of(), args);
  }

  /** Runs the packaged fieldcap jar with extra environment variables. */
  public static ChildProcess fieldcapWithEnv(java.util.Map<String, String> env, String... args) throws IOException {
    return fieldcapWithJvm(List.of(), env, args);
  }

  /** Runs the packaged fieldcap jar with JVM options (such as {@code -Xmx128m}) and extra environment variables. */
  public static ChildProcess fieldcapWithJvm(List<String> jvm, java.util.Map<String, String> env, String... args)
      throws IOException {
    String jar = System.getProperty("fieldcap.jar", "target/fieldcap.jar");
    List<String> cmd = new java.util.ArrayList<>(List.of("java"));
    cmd.addAll(jvm);
    cmd.addAll(List.of("-jar", jar));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    return new ChildProcess(pb.start());
  }

  /** Runs the packaged fieldcap-server.jar (which has the S3 client) with extra environment variables. */
  public static ChildProcess fieldcapServerJar(java.util.Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new java.util.ArrayList<>(List.of("java", "-jar",
        System.getProperty("fieldcap.server.jar", "target/fieldcap-server.jar")));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    return new ChildProcess(pb.start());
  }

  /** Runs fieldcap to completion and returns its exit code; output in {@link #output()}. */
  public static ChildProcess fieldcapRun(String... args) throws IOException, InterruptedException {
    ChildProcess p = fieldcap(args);
    p.waitFor(Duration.ofSeconds(60));
    return p;
  }

  public boolean waitForLine(Predicate<String> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (lines.stream().anyMatch(match)) {
        return true;
      }
      if (!process.isAlive() && lines.stream().noneMatch(match)) {
        Thread.sleep(100);
        return lines.stream().anyMatch(match);
      }
      Thread.sleep(50);
    }
    return false;
  }

  public Integer waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return null;
    }
    Thread.sleep(100); // let the reader drain the last lines
    return process.exitValue();
  }

  /** Sends SIGTERM, keeping the output pipe open (Process.destroy() would close it and lose the last lines). */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** The process's peak resident set size (VmHWM), in bytes. */
  public long peakRssBytes() throws IOException {
    for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + process.pid() + "/status"))) {
      if (l.startsWith("VmHWM:")) {
        return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("no VmHWM for process " + process.pid());
  }

  public boolean alive() {
    return process.isAlive();
  }

  public int exitCode() {
    return process.exitValue();
  }

  public String output() {
    return String.join("\n", lines);
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
