package io.fieldcap.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenCvTest {
  @TempDir Path tmp;

  @AfterEach
  void clear() {
    System.clearProperty("fieldcap.native.dir");
  }

  @Test
  void theLibraryIsExtractedOnceIntoTheKeptFolderAndReusedByTheNextProcess() throws Exception {
    System.setProperty("fieldcap.native.dir", tmp.toString());
    Path first = OpenCv.extracted(org.opencv.core.Core.NATIVE_LIBRARY_NAME);
    assertThat(first).isNotNull().startsWith(tmp).isRegularFile();
    long size = Files.size(first);
    assertThat(size).isGreaterThan(1_000_000);
    Files.setLastModifiedTime(first, FileTime.fromMillis(0));

    assertThat(OpenCv.extracted(org.opencv.core.Core.NATIVE_LIBRARY_NAME)).isEqualTo(first);
    assertThat(Files.getLastModifiedTime(first).toMillis()).as("not written again").isZero();
    try (var left = Files.list(first.getParent())) {
      assertThat(left).as("no partial copies left behind").containsExactly(first);
    }
  }

  @Test
  void aTruncatedLibraryFromAPowerCutIsReplaced() throws Exception {
    System.setProperty("fieldcap.native.dir", tmp.toString());
    Path file = OpenCv.extracted(org.opencv.core.Core.NATIVE_LIBRARY_NAME);
    long size = Files.size(file);
    Files.write(file, new byte[0]);

    assertThat(OpenCv.extracted(org.opencv.core.Core.NATIVE_LIBRARY_NAME)).isEqualTo(file);
    assertThat(Files.size(file)).isEqualTo(size);
  }

  @Test
  void aFolderThatCannotBeWrittenFallsBackToTheTemporaryFolder() throws Exception {
    assertThat(OpenCv.class.getResource("/nu/pattern/OpenCV.class")).as("the test class path bundles openpnp's OpenCV").isNotNull();
    Path notAFolder = Files.writeString(tmp.resolve("file"), "x");
    System.setProperty("fieldcap.native.dir", notAFolder.toString());
    assertThat(OpenCv.extracted(org.opencv.core.Core.NATIVE_LIBRARY_NAME)).as("no kept folder can be made").isNull();

    // a process started like that still loads OpenCV: through openpnp's loader, into the temporary folder
    Path temp = Files.createDirectories(tmp.resolve("temp"));
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Dfieldcap.native.dir=" + notAFolder, "-Djava.io.tmpdir=" + temp,
        LoadOpenCv.class.getName()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(out).contains("loaded " + org.opencv.core.Core.VERSION).contains("library " + temp);
    assertThat(Files.readString(notAFolder)).as("the file in the way is left alone").isEqualTo("x");
  }
}
