package io.fieldcap.image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.opencv.core.Core;

/** Loads OpenCV as the agent does, then prints its version and the OpenCV libraries under the temporary folder (OpenCvTest). */
public final class LoadOpenCv {
  private LoadOpenCv() {}

  public static void main(String[] args) throws Exception {
    OpenCv.load();
    System.out.println("loaded " + Core.VERSION);
    try (Stream<Path> s = Files.walk(Path.of(System.getProperty("java.io.tmpdir")))) {
      s.filter(p -> p.getFileName().toString().startsWith("libopencv_java")).forEach(p -> System.out.println("library " + p));
    }
  }
}
