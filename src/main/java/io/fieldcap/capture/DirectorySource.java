package io.fieldcap.capture;

import io.fieldcap.image.Images;
import io.fieldcap.image.PhotoExif;
import io.fieldcap.model.Photo;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.opencv.core.Mat;

/**
 * A folder of images (a camera trap's upload folder, a drone's SD card): the files already there,
 * oldest first, then new ones as they arrive. A file is taken once it has stopped changing, and
 * each file is taken exactly once even across restarts: its identity (name, size, modification
 * time) is the frame's origin, which the spool records in the same transaction as the frame, and
 * {@code alreadyTaken} asks the spool. Unreadable files are reported to the sink as skipped, and so
 * recorded as taken, not retried forever. Files whose names start with '.' or end in {@code .part}
 * or {@code .tmp} are being written and are ignored.
 */
public final class DirectorySource implements FrameSource {
  private static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "tif", "tiff", "webp");
  private static final long POLL_MS = 500;

  private final Path dir;
  private final Predicate<String> alreadyTaken;
  private final FrameSink skips;
  private final RateGate gate;
  private final Deque<Candidate> queue = new ArrayDeque<>();
  private final Set<String> seen = new HashSet<>();
  private final Map<String, String> unstable = new HashMap<>();
  private volatile boolean closed;

  private record Candidate(Path path, String origin, long mtime) {}

  /**
   * @param alreadyTaken whether a file origin was taken before (by this or an earlier run)
   * @param skips where unreadable files are reported
   */
  public DirectorySource(Path dir, double fps, Predicate<String> alreadyTaken, FrameSink skips) {
    this.dir = dir;
    this.alreadyTaken = alreadyTaken;
    this.skips = skips;
    this.gate = new RateGate(fps);
  }

  /**
   * Whether the file version {@code item} (an {@link #origin}) is still in the folder, unchanged: the
   * spool forgets taken files that are gone, so its table stays the size of the folder.
   */
  public boolean stillThere(String item) {
    int size = item.lastIndexOf('|', item.lastIndexOf('|') - 1);
    if (!item.startsWith("dir:") || size < 0) {
      return false;
    }
    try {
      BasicFileAttributes a = Files.readAttributes(dir.resolve(item.substring(4, size)), BasicFileAttributes.class);
      return origin(dir, dir.resolve(item.substring(4, size)), a).equals(item);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The identity of a file version: its name, size and modification time. */
  static String origin(Path dir, Path file, BasicFileAttributes a) {
    return "dir:" + dir.relativize(file) + "|" + a.size() + "|" + a.lastModifiedTime().toMillis();
  }

  @Override
  public void open() throws SourceException {
    closed = false;
    // Start from the folder and the spool's ledger again: files queued before a failure were not taken.
    queue.clear();
    seen.clear();
    if (!Files.isDirectory(dir)) {
      throw new SourceException("folder " + dir + " does not exist or is not a folder", true);
    }
  }

  @Override
  public Image next() throws SourceException, InterruptedException {
    while (!closed) {
      Candidate c = queue.pollFirst();
      if (c == null) {
        scan();
        if (queue.isEmpty()) {
          TimeUnit.MILLISECONDS.sleep(POLL_MS);
        }
        continue;
      }
      long wait = gate.nanosUntilDue(System.nanoTime());
      if (wait > 0) {
        queue.addFirst(c);
        TimeUnit.NANOSECONDS.sleep(wait);
        continue;
      }
      Image image = read(c);
      if (image != null) {
        gate.due(System.nanoTime());
        return image;
      }
    }
    throw new SourceException("closed", true);
  }

  private Image read(Candidate c) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(c.path());
    } catch (NoSuchFileException e) {
      return null; // removed before we got to it: nothing to take
    } catch (IOException e) {
      skips.skipped(c.origin(), "unreadable");
      return null;
    }
    if (truncatedJpeg(bytes)) {
      skips.skipped(c.origin(), "truncated");
      return null;
    }
    Mat mat = Images.decode(bytes);
    try {
      if (mat.empty()) {
        skips.skipped(c.origin(), "not-an-image");
        return null;
      }
      // a photo keeps its own time and position, and its bytes, so that it can be stored as it was
      boolean jpeg = bytes.length > 2 && (bytes[0] & 0xff) == 0xFF && (bytes[1] & 0xff) == 0xD8;
      PhotoExif exif = jpeg ? PhotoExif.read(bytes) : null;
      Instant takenAt = exif != null && exif.takenAt() != null ? exif.takenAt() : Instant.ofEpochMilli(c.mtime());
      return new Image(mat.cols(), mat.rows(), Images.toBgr(mat), c.origin(), takenAt,
          jpeg ? new Photo(bytes, exif.gps(), exif.orientation() == 1) : null);
    } finally {
      mat.release();
    }
  }

  /** A JPEG without its end-of-image marker was cut short (copy interrupted, card pulled). */
  static boolean truncatedJpeg(byte[] b) {
    if (b.length < 4 || (b[0] & 0xff) != 0xFF || (b[1] & 0xff) != 0xD8) {
      return false;
    }
    for (int i = b.length - 2; i >= Math.max(0, b.length - 1024); i--) {
      if ((b[i] & 0xff) == 0xFF && (b[i + 1] & 0xff) == 0xD9) {
        return false;
      }
    }
    return true;
  }

  /**
   * Lists the folder and queues files not taken before, oldest first. A file is queued only when
   * its size and time are the same as at the previous scan, so half-copied files wait.
   */
  private void scan() throws SourceException {
    List<Candidate> found = new ArrayList<>();
    Map<String, String> nowUnstable = new HashMap<>();
    Set<String> present = new HashSet<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (!wanted(name)) {
          continue;
        }
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(p, BasicFileAttributes.class);
        } catch (IOException e) {
          continue;
        }
        if (!a.isRegularFile()) {
          continue;
        }
        String origin = origin(dir, p, a);
        present.add(origin);
        if (seen.contains(origin)) {
          continue;
        }
        if (!origin.equals(unstable.get(name))) {
          nowUnstable.put(name, origin); // first sight of this version: wait one poll for it to settle
          continue;
        }
        seen.add(origin);
        if (!alreadyTaken.test(origin)) {
          found.add(new Candidate(p, origin, a.lastModifiedTime().toMillis()));
        }
      }
    } catch (IOException e) {
      throw new SourceException("cannot list folder " + dir + ": " + e.getMessage(), true);
    }
    unstable.clear();
    unstable.putAll(nowUnstable);
    seen.retainAll(present); // remember only files still there: the set stays the folder's size
    found.sort(Comparator.comparingLong(Candidate::mtime).thenComparing(c -> c.path().getFileName().toString()));
    queue.addAll(found);
  }

  static boolean wanted(String name) {
    if (name.startsWith(".") || name.endsWith(".part") || name.endsWith(".tmp")) {
      return false;
    }
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String describe() {
    return "dir://" + dir;
  }
}
