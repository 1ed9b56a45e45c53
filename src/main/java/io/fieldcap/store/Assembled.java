package io.fieldcap.store;

import io.fieldcap.fs.Durable;
import io.fieldcap.model.Sha256;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A frame put together from its chunks in a temporary file of the store, fsynced, with its size and
 * SHA-256 measured while it was written. Closing it deletes the file unless it was committed.
 */
public final class Assembled implements AutoCloseable {
  private final Path file;
  private final long bytes;
  private final String sha256;

  Assembled(Path file, long bytes, String sha256) {
    this.file = file;
    this.bytes = bytes;
    this.sha256 = sha256;
  }

  Path file() {
    return file;
  }

  public long bytes() {
    return bytes;
  }

  public String sha256() {
    return sha256;
  }

  /** Reads the assembled bytes (to check the image's own header). */
  public InputStream open() throws IOException {
    return Files.newInputStream(file);
  }

  /** The assembled bytes split at {@code at}: the image before it (its size and SHA-256 measured again), the rest after it. */
  public record Split(Assembled image, byte[] tail) {}

  /**
   * Splits off the bytes from {@code at} on (the labels' JSON sent after an image in its transfer):
   * reads them, cuts the file to {@code at} bytes, fsyncs it and hashes what is left.
   */
  public Split split(long at) throws IOException {
    if (at < 0 || at > bytes || bytes - at > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("cannot split " + bytes + " assembled bytes at " + at);
    }
    byte[] tail = new byte[(int) (bytes - at)];
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer t = ByteBuffer.wrap(tail);
      while (t.hasRemaining()) {
        if (ch.read(t, at + t.position()) < 0) {
          throw new EOFException("the assembled file " + file + " ends before its " + bytes + " bytes");
        }
      }
      ch.truncate(at);
      Durable.sync(ch);
    }
    return new Split(new Assembled(file, at, Sha256.file(file)), tail);
  }

  @Override
  public void close() throws IOException {
    Files.deleteIfExists(file);
  }
}
