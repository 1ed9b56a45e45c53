package io.fieldcap.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The read caches of remote image stores in this process: a {@link StoredFrame}'s image path under a
 * cache is fetched on first access, so that exports, the web app and {@code clean} read images of
 * an object store as local files without knowing where they live.
 */
final class RemoteImages {
  private static final Map<Path, ImageStore> CACHES = new ConcurrentHashMap<>();

  private RemoteImages() {}

  static void register(Path cacheRoot, ImageStore store) {
    CACHES.put(cacheRoot, store);
  }

  static void unregister(Path cacheRoot) {
    CACHES.remove(cacheRoot);
  }

  /** {@code path}, fetched first when it belongs to a cache and is not there. */
  static Path ensure(Path path) {
    if (CACHES.isEmpty() || path == null || Files.exists(path)) {
      return path;
    }
    for (Map.Entry<Path, ImageStore> e : CACHES.entrySet()) {
      if (path.startsWith(e.getKey())) {
        try {
          return e.getValue().fetched(e.getKey().relativize(path).toString());
        } catch (IOException ex) {
          throw new UncheckedIOException("cannot fetch " + path.getFileName() + " from " + e.getValue().describe() + ": "
              + ex.getMessage(), ex);
        }
      }
    }
    return path;
  }
}
