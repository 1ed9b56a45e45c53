package io.fieldcap.store;

import io.fieldcap.fs.Trees;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Staging in {@code DATA/staging/DEVICE/FRAME/}: {@code manifest.json} and one file per chunk
 * received, each written whole by rename. No fsync: a staged transfer lost in a crash is only asked
 * for again.
 */
final class FileStaging implements Staging {
  private final Path root;

  FileStaging(Path root) {
    this.root = root;
  }

  private Path dir(String device, String frameId) {
    return root.resolve(device).resolve(frameId);
  }

  @Override
  public synchronized void stage(Transfer t, byte[] manifest) throws IOException {
    byte[] old = staged(t.device(), t.frameId());
    if (old != null && Arrays.equals(old, manifest)) {
      return;
    }
    Path d = dir(t.device(), t.frameId());
    if (old != null) {
      Trees.delete(d); // a different manifest under the same id: its chunks are not ours
    }
    Files.createDirectories(d);
    Path tmp = d.resolve("manifest.json." + UUID.randomUUID() + ".part");
    Files.write(tmp, manifest);
    Files.move(tmp, d.resolve("manifest.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public byte[] staged(String device, String frameId) throws IOException {
    Path f = dir(device, frameId).resolve("manifest.json");
    try {
      return Files.readAllBytes(f);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  @Override
  public void putChunk(String device, String frameId, int index, byte[] data) throws IOException {
    Path d = Files.createDirectories(dir(device, frameId));
    Path tmp = d.resolve(index + "." + UUID.randomUUID() + ".part");
    Files.write(tmp, data);
    Files.move(tmp, d.resolve(Integer.toString(index)), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public List<Integer> missingChunks(Transfer t) {
    Path d = dir(t.device(), t.frameId());
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < t.chunks(); i++) {
      if (!Files.isRegularFile(d.resolve(Integer.toString(i)))) {
        missing.add(i);
      }
    }
    return missing;
  }

  @Override
  public boolean hasChunk(String device, String frameId, int index) {
    return Files.isRegularFile(dir(device, frameId).resolve(Integer.toString(index)));
  }

  @Override
  public void copyChunks(Transfer t, OutputStream out) throws IOException {
    Path d = dir(t.device(), t.frameId());
    for (int i = 0; i < t.chunks(); i++) {
      Files.copy(d.resolve(Integer.toString(i)), out);
    }
  }

  @Override
  public void drop(String device, String frameId) throws IOException {
    Trees.delete(dir(device, frameId));
  }

  @Override
  public int expire(Instant cutoff) throws IOException {
    int n = 0;
    try (Stream<Path> devices = Files.list(root)) {
      for (Path dev : (Iterable<Path>) devices::iterator) {
        try (Stream<Path> frames = Files.list(dev)) {
          for (Path f : (Iterable<Path>) frames::iterator) {
            if (Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
              Trees.delete(f);
              n++;
            }
          }
        }
      }
    }
    return n;
  }
}
