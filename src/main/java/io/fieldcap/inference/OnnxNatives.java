package io.fieldcap.inference;

import io.fieldcap.image.NativeCache;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Points ONNX Runtime's loader at its two libraries in fieldcap's kept native folder ({@link
 * NativeCache}) instead of letting it extract them into a new temporary folder per process, which a
 * killed process leaves behind (28 MB each time). ONNX Runtime reads the paths from the system
 * properties {@code onnxruntime.native.LIB.path} when it first loads; where the jar does not carry
 * this platform's libraries or the folder cannot be written, its own loader runs as before.
 */
final class OnnxNatives {
  private static final List<String> LIBRARIES = List.of("onnxruntime", "onnxruntime4j_jni");
  private static boolean done;

  private OnnxNatives() {}

  /** Before the first use of ONNX Runtime in this process. */
  static synchronized void prepare() {
    if (done) {
      return;
    }
    done = true;
    String platform = platform();
    if (platform == null || LIBRARIES.stream().anyMatch(l -> System.getProperty(property(l)) != null)) {
      return; // not a platform the jar carries, or chosen by whoever started the JVM
    }
    Path[] kept = new Path[LIBRARIES.size()];
    for (int i = 0; i < kept.length; i++) {
      String file = "lib" + LIBRARIES.get(i) + ".so";
      kept[i] = NativeCache.kept("/ai/onnxruntime/native/" + platform + "/" + file, "onnxruntime-" + platform, file);
      if (kept[i] == null) {
        return; // all or nothing: the JNI library must match the runtime it was built with
      }
    }
    for (int i = 0; i < kept.length; i++) {
      System.setProperty(property(LIBRARIES.get(i)), kept[i].toString());
    }
  }

  static String property(String library) {
    return "onnxruntime.native." + library + ".path";
  }

  /** ONNX Runtime's name for this platform's folder in its jar; null off Linux or on another CPU. */
  private static String platform() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
      return null;
    }
    return switch (System.getProperty("os.arch", "")) {
      case "amd64", "x86_64" -> "linux-x64";
      case "aarch64", "arm64" -> "linux-aarch64";
      default -> null;
    };
  }
}
