package io.fieldcap.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a stored frame's image is: its key in the image store ({@code images/DEVICE/DAY/FRAME.jpg}).
 * Reading it is a call that says what it does: {@link #fetch()} returns a local file, and with an
 * object store that may download it into the read cache first. Nothing hides a network call behind
 * a getter.
 *
 * @param store the image store holding it; null for an image that is only a local file (an
 *     augmented copy being written, a test's fixture), whose key is then its path
 */
public record ImageRef(String key, ImageStore store) {
  /** An image that is only a local file. */
  public static ImageRef file(Path file) {
    return new ImageRef(file.toString(), null);
  }

  /** The image as a local file: in the data folder, or fetched into the object store's read cache first. */
  public Path fetch() throws IOException {
    return store == null ? Path.of(key) : store.fetched(key);
  }

  /** The image's file extension with its dot ({@code .jpg}, {@code .png}): imported datasets may hold PNGs. */
  public String extension() {
    int slash = key.lastIndexOf('/');
    int dot = key.lastIndexOf('.');
    return dot <= slash ? ".jpg" : key.substring(dot);
  }
}
