package io.fieldcap.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

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

  @Override
  public void close() throws IOException {
    Files.deleteIfExists(file);
  }
}
