package io.fieldcap.image;

/**
 * Loads OpenCV's native library from the jar, once per process, and runs OpenCV's own operations on
 * the calling thread only: the agent already overlaps its stages on their own threads, and OpenCV's
 * worker pool, waiting actively between small parallel loops, takes CPU from inference
 * ({@code -Dfieldcap.opencv.threads=N} changes it).
 */
public final class OpenCv {
  private static volatile boolean loaded;

  private OpenCv() {}

  public static void load() {
    if (!loaded) {
      synchronized (OpenCv.class) {
        if (!loaded) {
          nu.pattern.OpenCV.loadLocally();
          org.opencv.core.Core.setNumThreads(Integer.getInteger("fieldcap.opencv.threads", 1));
          loaded = true;
        }
      }
    }
  }
}
