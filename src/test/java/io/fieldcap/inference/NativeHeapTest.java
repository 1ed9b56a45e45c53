package io.fieldcap.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NativeHeapTest {
  @Test
  void trimsTheCHeapWhereTheCLibraryIsGlibc() throws Exception {
    boolean glibc = Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6"))
        || Files.exists(Path.of("/usr/lib/aarch64-linux-gnu/libc.so.6"));
    assertThat(NativeHeap.trim()).as("malloc_trim reached through JNA").isEqualTo(glibc);
  }
}
