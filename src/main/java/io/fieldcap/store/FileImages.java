package io.fieldcap.store;

import io.fieldcap.fs.Durable;
import io.fieldcap.model.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Images as files under the data folder: renamed into place, then the folders fsynced. */
final class FileImages implements ImageStore {
  private final Path dir;

  FileImages(Path dir) {
    this.dir = dir;
  }

  @Override
  public void put(String key, Path file, String sha256) throws IOException {
    putAll(List.of(key), List.of(file), List.of(sha256));
  }

  @Override
  public void putAll(List<String> keys, List<Path> files, List<String> sha256s) throws IOException {
    Set<Path> folders = new LinkedHashSet<>();
    for (int i = 0; i < keys.size(); i++) {
      Path target = dir.resolve(keys.get(i));
      Path folder = target.getParent();
      if (!Files.isDirectory(folder)) {
        Durable.createDirectories(folder); // new folders' own names, up to the first that existed
      }
      Files.move(files.get(i), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      folders.add(folder);
    }
    for (Path folder : folders) {
      Durable.syncDir(folder); // once per folder for the whole group: the renames are durable with it
    }
  }

  @Override
  public Path fetched(String key) {
    return dir.resolve(key);
  }

  @Override
  public boolean holds(String key, String sha256) throws IOException {
    Path f = dir.resolve(key);
    return Files.isRegularFile(f) && Sha256.file(f).equals(sha256);
  }

  @Override
  public String describe() {
    return "file:" + dir.resolve("images");
  }
}
