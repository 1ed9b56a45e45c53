package io.fieldcap.image;

import io.fieldcap.fs.Durable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Native libraries carried in the jar (OpenCV's where bundled, ONNX Runtime's), extracted once into
 * a folder kept between runs: the systemd unit's cache directory ({@code CACHE_DIRECTORY}), else
 * {@code $XDG_CACHE_HOME/fieldcap}, else {@code ~/.cache/fieldcap} ({@code -Dfieldcap.native.dir=DIR}
 * chooses another). The libraries' own loaders extract into a fresh temporary folder per process,
 * which every killed process leaves behind (28 MB for ONNX Runtime, 65 MB for OpenCV): on a device
 * that is power-cycled or restarted by a watchdog that fills the disk. A copy is written whole
 * (fsynced, then renamed in), so a power cut never leaves a short library to load; one whose size
 * differs from the jar's is written again.
 */
public final class NativeCache {
  private static final Logger log = LoggerFactory.getLogger(NativeCache.class);

  private NativeCache() {}

  /**
   * The classpath {@code resource} as {@code folder/file} in the kept folder, extracted there first if
   * missing or of another size; null when the jar does not carry it or no such folder can be written
   * (the caller then falls back to the library's own loader).
   */
  public static Path kept(String resource, String folder, String file) {
    long size = size(resource);
    if (size < 0) {
      return null;
    }
    Path dir = folder().resolve(folder);
    Path target = dir.resolve(file);
    try {
      if (Files.isRegularFile(target) && Files.size(target) == size) {
        return target;
      }
      Files.createDirectories(dir);
      Path part = Files.createTempFile(dir, file, ".part");
      try (InputStream in = NativeCache.class.getResourceAsStream(resource)) {
        Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
          Durable.sync(ch); // a power cut must not leave a renamed but empty library
        }
        if (Files.size(part) != size) {
          throw new IOException("short copy");
        }
        try {
          Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(part);
      }
      return target;
    } catch (IOException | RuntimeException e) {
      log.debug("cannot keep {} in {} ({}); its loader extracts it to a temporary folder", file, dir, e.toString());
      return null;
    }
  }

  /** The resource's length, from the jar's directory when it is in a jar (no 65 MB read at every start). */
  private static long size(String resource) {
    URL url = NativeCache.class.getResource(resource);
    if (url == null) {
      return -1;
    }
    try {
      if (url.openConnection() instanceof JarURLConnection jar) {
        long size = jar.getJarEntry().getSize();
        if (size >= 0) {
          return size;
        }
      }
      try (InputStream in = url.openStream()) {
        return in.transferTo(OutputStream.nullOutputStream());
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
}
