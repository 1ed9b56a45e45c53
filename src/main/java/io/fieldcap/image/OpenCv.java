package io.fieldcap.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads OpenCV's native library from the jar, once per process, and runs OpenCV's own operations on
 * the calling thread only: the agent already overlaps its stages on their own threads, and OpenCV's
 * worker pool, waiting actively between small parallel loops, takes CPU from inference
 * ({@code -Dfieldcap.opencv.threads=N} changes it).
 *
 * <p>On Linux the library (65 MB on x86_64) is extracted once into a folder kept between runs: the
 * systemd unit's cache directory ({@code CACHE_DIRECTORY}), else {@code $XDG_CACHE_HOME/fieldcap},
 * else {@code ~/.cache/fieldcap} ({@code -Dfieldcap.native.dir=DIR} chooses another). The openpnp
 * loader's own way, a fresh temporary folder per process, leaves 65 MB behind every process that is
 * killed, which on a device that is power-cycled or restarted by a watchdog fills the disk; it is
 * kept only as the fallback when no such folder can be written.
 */
public final class OpenCv {
  private static final Logger log = LoggerFactory.getLogger(OpenCv.class);
  private static final String LIBRARY = "lib" + org.opencv.core.Core.NATIVE_LIBRARY_NAME + ".so";
  private static volatile boolean loaded;

  private OpenCv() {}

  public static void load() {
    if (!loaded) {
      synchronized (OpenCv.class) {
        if (!loaded) {
          Path kept = extracted();
          if (kept != null) {
            System.load(kept.toString());
          } else {
            nu.pattern.OpenCV.loadLocally();
          }
          org.opencv.core.Core.setNumThreads(Integer.getInteger("fieldcap.opencv.threads", 1));
          loaded = true;
        }
      }
    }
  }

  /** The library in the kept folder, extracted there first if missing or different; null to fall back. */
  static Path extracted() {
    String arch = arch();
    if (arch == null) {
      return null;
    }
    String resource = "/nu/pattern/opencv/linux/" + arch + "/" + LIBRARY;
    long size = size(resource);
    if (size < 0) {
      return null;
    }
    Path dir = folder().resolve(org.opencv.core.Core.NATIVE_LIBRARY_NAME + "-" + arch);
    Path file = dir.resolve(LIBRARY);
    try {
      if (Files.isRegularFile(file) && Files.size(file) == size) {
        return file;
      }
      Files.createDirectories(dir);
      Path part = Files.createTempFile(dir, LIBRARY, ".part");
      try (InputStream in = OpenCv.class.getResourceAsStream(resource)) {
        Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
          ch.force(true); // a power cut must not leave a renamed but empty library
        }
        if (Files.size(part) != size) {
          throw new IOException("short copy");
        }
        try {
          Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(part);
      }
      return file;
    } catch (IOException | RuntimeException e) {
      log.debug("cannot keep OpenCV's library in {} ({}); extracting it to a temporary folder", dir, e.toString());
      return null;
    }
  }

  /** The resource's length, from the jar's directory when it is in a jar (no 65 MB read at every start). */
  private static long size(String resource) {
    java.net.URL url = OpenCv.class.getResource(resource);
    if (url == null) {
      return -1;
    }
    try {
      if (url.openConnection() instanceof java.net.JarURLConnection jar) {
        long size = jar.getJarEntry().getSize();
        if (size >= 0) {
          return size;
        }
      }
      try (InputStream in = url.openStream()) {
        return in.transferTo(java.io.OutputStream.nullOutputStream());
      }
    } catch (IOException e) {
      return -1;
    }
  }

  static Path folder() {
    String chosen = System.getProperty("fieldcap.native.dir");
    if (chosen != null && !chosen.isBlank()) {
      return Path.of(chosen);
    }
    String systemd = System.getenv("CACHE_DIRECTORY");
    if (systemd != null && !systemd.isBlank()) {
      return Path.of(systemd.split(":")[0]);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "fieldcap");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "fieldcap");
  }

  /** The openpnp jar's name for this machine's CPU; null off Linux or on a CPU it has no library for. */
  private static String arch() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
      return null;
    }
    return switch (System.getProperty("os.arch", "")) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "ARMv8";
      case "arm" -> "ARMv7";
      default -> null;
    };
  }
}
