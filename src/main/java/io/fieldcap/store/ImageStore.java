package io.fieldcap.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the server keeps image bytes, by key ({@code images/DEVICE/DAY/FRAME.jpg}): files in the data
 * folder ({@code server.store: file}, the default), or an S3-compatible object store with a local
 * read cache ({@code s3://bucket/prefix}, {@link S3Images}). The metadata stays in the database.
 */
public interface ImageStore extends AutoCloseable {
  /**
   * Makes {@code file} (complete, its SHA-256 known) durable under {@code key}; returns only once the
   * store has confirmed it. The file is consumed (moved into place or into the cache).
   */
  void put(String key, Path file, String sha256) throws IOException;

  /**
   * {@link #put} for several images at once, durable when it returns: what a group commit stores
   * (files: every file moved into place, then each folder fsynced once).
   */
  default void putAll(List<String> keys, List<Path> files, List<String> sha256s) throws IOException {
    for (int i = 0; i < keys.size(); i++) {
      put(keys.get(i), files.get(i), sha256s.get(i));
    }
  }

  /** The image as a local file, fetched first when it is not here (a network call for an object store). */
  Path fetched(String key) throws IOException;

  /** Whether the store holds {@code key} with these bytes (by their SHA-256): what a resumed migration skips. */
  boolean holds(String key, String sha256) throws IOException;

  /** {@code file:DIR} or {@code s3://bucket/prefix at endpoint}, for log lines. */
  String describe();

  /** Keeps a cache within its bound; nothing for files. */
  default void trim() {}

  @Override
  default void close() {}
}
