package io.fieldcap.image;

import java.nio.file.Path;
import java.util.Locale;
import nu.pattern.OpenCV;
import org.opencv.core.Core;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads OpenCV's native library once per process, and runs OpenCV's own operations on
 * the calling thread only: the agent already overlaps its stages on their own threads, and OpenCV's
 * worker pool, waiting actively between small parallel loops, takes CPU from inference
 * ({@code -Dfieldcap.opencv.threads=N} changes it).
 *
 * <p>Two ways, chosen by what the jar carries. The device jars ({@code fieldcap-linux-ARCH.jar}, the
 * .deb) use the system's OpenCV: Debian's and Raspberry Pi OS's {@code libopencv-java}, whose Java
 * classes the jar's manifest puts on the class path and whose JNI library is on Java's default
 * library path ({@code /usr/lib/jni}); its decoders get the distribution's security updates. The
 * server jar bundles openpnp's build of OpenCV for every platform, so that one jar runs anywhere.
 *
 * <p>When bundled, on Linux the library (65 MB on x86_64) is extracted once into a folder kept between runs
 * ({@link NativeCache}). The openpnp
 * loader's own way, a fresh temporary folder per process, leaves 65 MB behind every process that is
 * killed, which on a device that is power-cycled or restarted by a watchdog fills the disk; it is
 * kept only as the fallback when no such folder can be written.
 */
public final class OpenCv {
  private static final Logger log = LoggerFactory.getLogger(OpenCv.class);
  public static final String MISSING = "OpenCV's Java bindings are not installed: install the libopencv-java package"
      + " (apt install libopencv-java), or run fieldcap-server.jar, which carries its own OpenCV";
  private static volatile boolean loaded;

  private OpenCv() {}

  public static void load() {
    if (!loaded) {
      synchronized (OpenCv.class) {
        if (!loaded) {
          String name = libraryName();
          if (OpenCv.class.getResource("/nu/pattern/OpenCV.class") == null) {
            loadSystem(name);
          } else {
            Path kept = extracted(name);
            if (kept != null) {
              System.load(kept.toString());
            } else {
              OpenCV.loadLocally();
            }
          }
          Core.setNumThreads(Integer.getInteger("fieldcap.opencv.threads", 1));
          loaded = true;
        }
      }
    }
  }

  /** Whether {@code e} or one of its causes says that OpenCV's Java classes or library are missing. */
  public static boolean missing(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if ((t instanceof LinkageError || t instanceof ClassNotFoundException) && m.contains("org") && m.contains("opencv")
          || t instanceof IllegalStateException && m.startsWith(MISSING)) {
        return true;
      }
    }
    return false;
  }

  /** The JNI library's name in the OpenCV classes on the class path ({@code opencv_java460} for Debian 12's). */
  private static String libraryName() {
    try {
      return Core.NATIVE_LIBRARY_NAME;
    } catch (NoClassDefFoundError e) {
      throw new IllegalStateException(MISSING, e);
    }
  }

  /** The distribution's JNI library, from Java's library path. */
  private static void loadSystem(String name) {
    try {
      System.loadLibrary(name);
    } catch (UnsatisfiedLinkError e) {
      throw new IllegalStateException(MISSING + " (lib" + name + ".so was not found on "
          + System.getProperty("java.library.path") + ": " + e.getMessage() + ")", e);
    }
    log.debug("OpenCV {} from the system", Core.VERSION);
  }

  /** The library in the kept folder, extracted there first if missing or different; null to fall back. */
  static Path extracted(String name) {
    String arch = arch();
    if (arch == null) {
      return null;
    }
    String library = "lib" + name + ".so";
    return NativeCache.kept("/nu/pattern/opencv/linux/" + arch + "/" + library, name + "-" + arch, library);
  }

  /** The openpnp jar's name for this machine's CPU; null off Linux or on a CPU it has no library for. */
  private static String arch() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
      return null;
    }
    return switch (System.getProperty("os.arch", "")) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "ARMv8";
      case "arm" -> "ARMv7";
      default -> null;
    };
  }
}
