package io.fieldcap.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Images as files under the data folder: renamed into place, then the folders fsynced. */
final class FileImages implements ImageStore {
  private final Path dir;

  FileImages(Path dir) {
    this.dir = dir;
  }

  @Override
  public void put(String key, Path file, String sha256) throws IOException {
    Path target = dir.resolve(key);
    Path folder = target.getParent();
    boolean created = !Files.isDirectory(folder);
    Files.createDirectories(folder);
    Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncDir(folder);
    if (created) {
      fsyncDir(folder.getParent());
      fsyncDir(folder.getParent().getParent());
    }
  }

  @Override
  public Path path(String key) {
    return dir.resolve(key);
  }

  @Override
  public Path fetched(String key) {
    return dir.resolve(key);
  }

  @Override
  public boolean holds(String key, String sha256) throws IOException {
    Path f = dir.resolve(key);
    return Files.isRegularFile(f) && io.fieldcap.model.Sha256.file(f).equals(sha256);
  }

  @Override
  public String describe() {
    return "file:" + dir.resolve("images");
  }

  static void fsyncDir(Path d) throws IOException {
    try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
