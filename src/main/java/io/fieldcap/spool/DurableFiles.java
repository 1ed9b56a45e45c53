package io.fieldcap.spool;

import io.fieldcap.faults.CrashPoint;
import io.fieldcap.faults.SlowDisk;
import io.fieldcap.fs.Durable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.LoggerFactory;

/**
 * Writes that survive a power cut: temporary file, fsync, atomic rename, then (by the caller, once
 * for all the files of a group commit) fsync of the folder.
 */
final class DurableFiles {
  private DurableFiles() {}

  /** Writes {@code target} through {@code tmp}; durable once its folder is synced ({@link #syncDir}). */
  static void write(Path tmp, Path target, byte[] data) throws IOException {
    Path folder = target.getParent();
    if (!Files.isDirectory(folder)) {
      Durable.createDirectories(folder); // the new folder's entry must survive a power cut too
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(data);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      CrashPoint.reach("spool.written");
      SlowDisk.beforeFsync();
      Durable.sync(ch);
    } catch (IOException e) {
      deleteQuietly(tmp); // a full disk must not leave half-written temporary files behind
      throw e;
    }
    CrashPoint.reach("spool.synced");
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    CrashPoint.reach("spool.renamed");
  }

  /** Deletes a file, logging (not throwing) when it cannot: a leftover file is found again at start-up. */
  static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      LoggerFactory.getLogger(DurableFiles.class).warn("could not delete {}: {}", p, e.getMessage());
    }
  }

  /** Free space for unprivileged writers on the filesystem of {@code dir}; unlimited when it cannot be read. */
  static long usableSpace(Path dir) {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      return Long.MAX_VALUE;
    }
  }

  /** {@link Durable#syncDir}, after the slow disk's wait in tests. */
  static void syncDir(Path dir) throws IOException {
    SlowDisk.beforeFsync();
    Durable.syncDir(dir);
  }
}
