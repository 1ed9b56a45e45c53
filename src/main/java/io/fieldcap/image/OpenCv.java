package io.fieldcap.image;

/** Loads OpenCV's native library from the jar, once per process. */
public final class OpenCv {
  private static volatile boolean loaded;

  private OpenCv() {}

  public static void load() {
    if (!loaded) {
      synchronized (OpenCv.class) {
        if (!loaded) {
          nu.pattern.OpenCV.loadLocally();
          loaded = true;
        }
      }
    }
  }
}
