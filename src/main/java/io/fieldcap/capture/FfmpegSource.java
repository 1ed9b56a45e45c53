package io.fieldcap.capture;

import io.fieldcap.config.SourceConfig;
import io.fieldcap.config.Redact;
import io.fieldcap.config.SourceConfig.SourceKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Video files, RTSP and HTTP streams, decoded by an {@code ffmpeg} child process that writes raw
 * {@code bgr24} frames to a pipe (OpenCV's Java build has no FFmpeg backend; Frigate feeds its
 * cameras the same way). ffmpeg's {@code fps} filter does the rate cap, so dropped frames never
 * cross the pipe. The frame size is read from the output stream line ffmpeg logs before the first
 * frame, so a single-client stream (such as {@code ffmpeg -listen 1}) is connected to only once.
 */
public final class FfmpegSource implements FrameSource {
  private static final Pattern OUTPUT_SIZE = Pattern.compile("Video: rawvideo.*?, (\\d{1,5})x(\\d{1,5})");
  private static final long OPEN_TIMEOUT_MS = 20_000;
  private static final int STDERR_LINES = 8;

  private final SourceConfig config;
  private Process process;
  private InputStream frames;
  private int width;
  private int height;
  private final Deque<String> stderrTail = new ArrayDeque<>();
  private final FrameBuffers buffers;

  public FfmpegSource(SourceConfig config) {
    this(config, FrameBuffers.NONE);
  }

  /** Reading frames into arrays from {@code buffers}, which the pipeline hands back when done with a frame. */
  public FfmpegSource(SourceConfig config, FrameBuffers buffers) {
    this.buffers = buffers;
    if (config.kind() != SourceKind.FILE && config.kind() != SourceKind.RTSP && config.kind() != SourceKind.HTTP) {
      throw new IllegalArgumentException("ffmpeg does not read " + config.kind() + " sources");
    }
    this.config = config;
  }

  /** The ffmpeg command line for this source. */
  List<String> command() {
    List<String> cmd = new ArrayList<>(List.of(config.ffmpeg(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info"));
    switch (config.kind()) {
      case FILE -> {
        if (config.realtime()) {
          cmd.add("-re");
        }
        if (config.loop()) {
          cmd.addAll(List.of("-stream_loop", "-1"));
        }
        cmd.addAll(List.of("-i", config.path().toString()));
      }
      // live streams are sampled by when frames arrive: MJPEG over HTTP carries no timestamps (ffmpeg
      // would assume 25 fps and the fps filter keep the wrong frames), and some RTSP cameras send bad ones
      case RTSP -> cmd.addAll(List.of("-rtsp_transport", config.rtspTransport(), "-timeout", "10000000",
          "-use_wallclock_as_timestamps", "1", "-i", config.uri()));
      default -> cmd.addAll(List.of("-rw_timeout", "10000000", "-use_wallclock_as_timestamps", "1", "-i", config.uri()));
    }
    cmd.addAll(List.of("-an", "-sn", "-dn", "-vf", "fps=" + fpsExpr(config.fps()),
        "-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:1"));
    return cmd;
  }

  private static String fpsExpr(double fps) {
    return fps == Math.rint(fps) ? Long.toString((long) fps) : String.format(Locale.ROOT, "%.6f", fps);
  }

  @Override
  public synchronized void open() throws SourceException {
    close();
    stderrTail.clear();
    try {
      process = new ProcessBuilder(command()).start();
      Nice.process(process.pid(), Nice.work()); // its decoding threads start after this, and inherit it
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new SourceException("cannot start '" + config.ffmpeg() + "' (is ffmpeg installed? apt-get install ffmpeg): "
          + e.getMessage(), false);
    }
    frames = process.getInputStream();
    CompletableFuture<int[]> size = new CompletableFuture<>();
    Process p = process;
    Thread err = new Thread(() -> readStderr(p, size), "ffmpeg-stderr");
    err.setDaemon(true);
    err.start();
    try {
      int[] wh = size.get(OPEN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      width = wh[0];
      height = wh[1];
    } catch (ExecutionException e) {
      int code = waitExit(p);
      close();
      throw failure("could not be opened", code);
    } catch (TimeoutException e) {
      close();
      throw new SourceException("no video from ffmpeg within " + OPEN_TIMEOUT_MS / 1000 + " s" + tail(), true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new SourceException("interrupted while opening", true);
    }
  }

  private void readStderr(Process p, CompletableFuture<int[]> size) {
    boolean output = false;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("Output #0")) {
          output = true;
        }
        Matcher m = OUTPUT_SIZE.matcher(line);
        if (output && !size.isDone() && m.find()) {
          size.complete(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
        } else if (isProblem(line)) {
          synchronized (stderrTail) {
            if (stderrTail.size() == STDERR_LINES) {
              stderrTail.removeFirst();
            }
            stderrTail.addLast(line.trim());
          }
        }
      }
    } catch (IOException e) {
      // the process went away; the exit code tells the rest
    } finally {
      size.completeExceptionally(new IOException("ffmpeg ended before it produced video"));
    }
  }

  private static boolean isProblem(String line) {
    String l = line.toLowerCase(Locale.ROOT);
    return l.contains("error") || l.contains("invalid") || l.contains("no such") || l.contains("refused")
        || l.contains("not found") || l.contains("failed") || l.contains("timed out") || l.contains("denied")
        || l.contains("does not contain") || l.contains("unable");
  }

  private String tail() {
    synchronized (stderrTail) {
      return stderrTail.isEmpty() ? "" : ": ffmpeg said: " + String.join(" | ", stderrTail);
    }
  }

  /** A failure of ffmpeg; a file that ffmpeg cannot read will not get better, a stream may. */
  private SourceException failure(String what, int exitCode) {
    boolean retryable = config.kind() != SourceKind.FILE;
    String code = exitCode < 0 ? "" : " (ffmpeg exit " + exitCode + ")";
    String hint = config.kind() == SourceKind.FILE ? " (is it a video file?)" : "";
    return new SourceException(what + hint + code + tail(), retryable);
  }

  private static int waitExit(Process p) {
    try {
      return p.waitFor(5, TimeUnit.SECONDS) ? p.exitValue() : -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Override
  public Image next() throws SourceException {
    InputStream in;
    Process p;
    synchronized (this) {
      in = frames;
      p = process;
    }
    if (in == null) {
      throw new SourceException("not open", true);
    }
    byte[] buf = buffers.take(width * height * 3);
    int n;
    try {
      n = in.readNBytes(buf, 0, buf.length);
    } catch (IOException e) {
      n = -1;
    }
    if (n == buf.length) {
      return new Image(width, height, buf, null);
    }
    buffers.give(buf);
    int code = waitExit(p);
    if (config.kind() == SourceKind.FILE && code == 0 && !config.loop()) {
      return null;
    }
    if (code == 0) {
      throw new SourceException("stream ended", config.kind() != SourceKind.FILE || config.loop());
    }
    throw failure("stream lost", code);
  }

  @Override
  public synchronized void close() {
    Process p = process;
    process = null;
    frames = null;
    if (p == null) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(2, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String describe() {
    return Redact.uri(config.uri());
  }
}
