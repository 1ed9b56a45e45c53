package io.fieldcap.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real footage for tests: Debian's opencv-doc samples, and clips made from them with real ffmpeg. */
public final class TestMedia {
  private TestMedia() {}

  public static Path samples() {
    Path dir = Path.of(System.getenv().getOrDefault("FIELDCAP_SAMPLES", "/usr/share/doc/opencv-doc/examples/data"));
    assertThat(dir.resolve("vtest.avi")).as("sample footage (apt-get install opencv-doc, or scripts/setup.sh)").exists();
    return dir;
  }

  public static Path vtestAvi() {
    return samples().resolve("vtest.avi");
  }

  /** An H.264 MP4 of the first {@code seconds} of vtest.avi (10 fps, 768x576), made once per build. */
  public static synchronized Path vtestMp4(int seconds) throws IOException, InterruptedException {
    Path out = Path.of("target", "test-media", "vtest-" + seconds + "s.mp4").toAbsolutePath();
    if (!Files.exists(out)) {
      Files.createDirectories(out.getParent());
      Path tmp = out.resolveSibling(out.getFileName() + ".tmp.mp4");
      run(List.of("ffmpeg", "-v", "error", "-y", "-i", vtestAvi().toString(), "-t", Integer.toString(seconds),
          "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-movflags", "+faststart", tmp.toString()));
      Files.move(tmp, out);
    }
    return out;
  }

  public static void run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", cmd, out).isZero();
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
