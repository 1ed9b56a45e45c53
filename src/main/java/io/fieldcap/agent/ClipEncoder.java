package io.fieldcap.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Turns a clip's JPEG frames into an H.264 MP4 (yuv420p, {@code +faststart}, so that a browser plays it as it
 * downloads) with an {@code ffmpeg} child process: the frames go in on its standard input as an MJPEG stream at
 * the clip's frame rate, one video frame each, in their order. ffmpeg is already the agent's video source.
 */
final class ClipEncoder {
  /** The longest an encoding may take before it is given up. */
  static final long TIMEOUT_SECONDS = 300;

  private final String ffmpeg;

  ClipEncoder(String ffmpeg) {
    this.ffmpeg = ffmpeg;
  }

  /** The MP4's bytes; {@code scratch} is a folder for ffmpeg's output file. */
  byte[] encode(List<byte[]> jpegs, double fps, Path scratch) throws IOException, InterruptedException {
    Files.createDirectories(scratch);
    Path out = Files.createTempFile(scratch, "clip-", ".mp4");
    try {
      Process p = new ProcessBuilder(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "image2pipe",
          "-framerate", String.format(Locale.ROOT, "%.3f", fps), "-c:v", "mjpeg", "-i", "pipe:0", "-c:v", "libx264",
          "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2",
          "-movflags", "+faststart", "-f", "mp4", out.toString())
          .redirectInput(ProcessBuilder.Redirect.PIPE).redirectErrorStream(true).start();
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      Thread drain = new Thread(() -> {
        try (InputStream in = p.getInputStream()) {
          in.transferTo(log);
        } catch (IOException e) {
          // the process went away: its exit code says how
        }
      }, "clip-ffmpeg-log");
      drain.setDaemon(true);
      drain.start();
      try (OutputStream in = p.getOutputStream()) {
        for (byte[] j : jpegs) {
          in.write(j);
        }
      } catch (IOException e) {
        // ffmpeg stopped reading: its exit code and log say why
      }
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("ffmpeg did not finish the clip in " + TIMEOUT_SECONDS + " s");
      }
      drain.join(1000);
      if (p.exitValue() != 0) {
        throw new IOException("ffmpeg could not encode the clip (exit " + p.exitValue() + "): " + log.toString().strip());
      }
      return Files.readAllBytes(out);
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
