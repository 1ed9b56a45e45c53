package io.fieldcap.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What survives a power cut is tested on a lossy filesystem ({@code LossyFsIT}); here, what the calls do on a normal one. */
class DurableTest {
  @TempDir Path tmp;

  @Test
  void createsMissingFoldersAndLeavesExistingOnesAlone() throws Exception {
    Path deep = tmp.resolve("a/b/c");
    assertThat(Durable.createDirectories(deep)).isEqualTo(deep);
    assertThat(deep).isDirectory();
    Files.writeString(deep.resolve("f"), "x");
    Durable.createDirectories(deep);
    assertThat(deep.resolve("f")).hasContent("x");
  }

  @Test
  void aFileInTheWayIsNamed() throws Exception {
    Files.writeString(tmp.resolve("a"), "not a folder");
    assertThatThrownBy(() -> Durable.createDirectories(tmp.resolve("a/b"))).isInstanceOf(java.nio.file.FileSystemException.class)
        .hasMessageContaining(tmp.resolve("a/b").toString()).hasMessageContaining("Not a directory");
  }

  @Test
  void writeReplacesTheContentWholeAndLeavesNoTemporaryFile() throws Exception {
    Path f = tmp.resolve("new/state.json");
    Durable.write(f, "one".getBytes());
    Durable.write(f, "two, longer".getBytes());
    assertThat(f).hasContent("two, longer");
    try (Stream<Path> s = Files.list(f.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("state.json");
    }
  }
}
