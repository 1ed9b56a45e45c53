package io.fieldcap.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;

/**
 * What makes a file or a folder survive a power cut, and not only a crash: a file's data is durable
 * once the file is fsynced, its name once its folder is fsynced, and a new folder's name once its
 * parent is. Found with {@code scripts/lossyfs.py} ({@code PowerLossIT}, {@code LossyFsIT}): a
 * data folder created without syncing its parent vanished whole at the cut, with every frame the
 * server had acked.
 */
public final class Durable {
  private Durable() {}

  /** Fsyncs an open file: its data survives a power cut (its name, once its folder is synced). */
  public static void sync(FileChannel ch) throws IOException {
    ch.force(true);
  }

  /** Fsyncs a file by name (after a copy made by other means). */
  public static void syncFile(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /**
   * Writes {@code bytes} into {@code file} (created, or truncated) and fsyncs it; the file is deleted
   * when that fails. Its name is durable once its folder is synced: for a group of files, once.
   */
  public static void writeSynced(Path file, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  /** Fsyncs a folder: the names in it (files created, renamed or removed) survive a power cut. */
  public static void syncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /**
   * Creates the folder and any missing parents, and makes each new name durable (fsyncs the parent of
   * every folder it created). Does nothing to a folder that exists.
   */
  public static Path createDirectories(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath();
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = abs; p != null && !Files.isDirectory(p); p = p.getParent()) {
      missing.push(p);
    }
    if (missing.isEmpty()) {
      return dir;
    }
    Files.createDirectories(abs);
    while (!missing.isEmpty()) {
      syncDir(missing.pop().getParent()); // top-down: each parent holds a name now durable
    }
    return dir;
  }

  /**
   * Replaces {@code target} with {@code bytes} so that after a crash or a power cut it holds either
   * the old or the new content, whole: a temporary file beside it, fsynced, renamed over it, and the
   * folder fsynced.
   */
  public static void write(Path target, byte[] bytes) throws IOException {
    Path folder = target.toAbsolutePath().getParent();
    createDirectories(folder);
    Path tmp = folder.resolve(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    writeSynced(tmp, bytes);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDir(folder);
  }
}
