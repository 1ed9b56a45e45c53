package io.fieldcap.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images the spool set aside for a person to look at: {@code failed/} (accepted frames that
 * could not be delivered) and {@code quarantine/} (images found without a row after a crash). They
 * count against the quota, and are pruned by age and to a size, oldest first. Not thread-safe: the
 * spool calls it under its lock.
 */
final class SetAside {
  private static final Logger log = LoggerFactory.getLogger(SetAside.class);
  private static final String[] FOLDERS = {"failed", "quarantine"};

  private final Path dir;
  private Duration keep = Duration.ofDays(7);
  private long bytes;

  SetAside(Path dir) {
    this.dir = dir;
  }

  void keep(Duration age) {
    this.keep = age;
  }

  /** Bytes held now (as of the last prune, plus what was added since). */
  long bytes() {
    return bytes;
  }

  void added(long n) {
    bytes += n;
  }

  private record Image(Path file, long size, long mtime) {}

  private List<Image> list() {
    List<Image> out = new ArrayList<>();
    for (String folder : FOLDERS) {
      Path d = dir.resolve(folder);
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (Stream<Path> files = Files.list(d)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            if (a.isRegularFile()) {
              out.add(new Image(p, a.size(), a.lastModifiedTime().toMillis()));
            }
          } catch (IOException e) {
            // gone meanwhile
          }
        }
      } catch (IOException e) {
        log.warn("cannot list {}: {}", d, e.getMessage());
      }
    }
    out.sort(Comparator.comparingLong(Image::mtime));
    return out;
  }

  /**
   * Deletes the images older than the age limit, then the oldest while they hold more than {@code
   * keepAtMost} bytes.
   *
   * @return how many were deleted
   */
  int prune(long keepAtMost, long nowMillis) {
    List<Image> images = list();
    long total = images.stream().mapToLong(Image::size).sum();
    long cutoff = nowMillis - keep.toMillis();
    int deleted = 0;
    for (Image i : images) {
      if (i.mtime() < cutoff || total > keepAtMost) {
        DurableFiles.deleteQuietly(i.file());
        total -= i.size();
        deleted++;
      }
    }
    bytes = total;
    if (deleted > 0) {
      log.info("spool: deleted {} image(s) set aside in failed/ or quarantine/ (older than {} or over {} bytes)", deleted,
          keep, keepAtMost);
    }
    return deleted;
  }
}
