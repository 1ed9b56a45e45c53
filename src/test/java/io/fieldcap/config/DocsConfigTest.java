package io.fieldcap.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every configuration docs/capture.md shows is one the agent accepts (with a device, a spool and a model added, and the source pointed at what exists here). */
class DocsConfigTest {
  @TempDir Path tmp;

  @Test
  void everyYamlBlockOfTheCaptureGuideLoads() throws Exception {
    String doc = Files.readString(Path.of("docs/capture.md"));
    Matcher m = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(doc);
    Path model = Files.writeString(tmp.resolve("model.onnx"), "x");
    int n = 0;
    while (m.find()) {
      String block = m.group(1);
      Path file = Files.writeString(tmp.resolve("block-" + n + ".yaml"), block);
      List<String> sets = new ArrayList<>(List.of("device.id=docs", "spool.dir=" + tmp.resolve("spool"), "model.path=" + model));
      sets.add("source.uri=" + (block.contains("dir://") ? "dir://" + Files.createDirectories(tmp.resolve("photos")) : "0"));
      FieldcapConfig c = ConfigLoader.load(file, sets);
      assertThat(c.device().value()).isEqualTo("docs");
      if (block.contains("best-shot") || block.contains("new-track")) {
        assertThat(c.tracking().enabled()).as("block %d: rules over tracks turn tracking on", n).isTrue();
      }
      if (block.contains("clip: true")) {
        assertThat(c.capture().rules()).as("block %d", n).anyMatch(CaptureConfig.Rule::clip);
      }
      n++;
    }
    assertThat(n).as("yaml blocks in docs/capture.md").isGreaterThanOrEqualTo(7);
  }
}
