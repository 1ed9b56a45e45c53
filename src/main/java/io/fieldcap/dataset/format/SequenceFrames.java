package io.fieldcap.dataset.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import io.fieldcap.model.Detection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the readers of the sequence formats ({@code mot}, {@code cvat-video}) share: a sequence's frames are images
 * named by their number, and {@code frames.jsonl} beside the sequences (written by fieldcap's export) names each
 * image's device and frame, so that a corrected sequence comes back onto the frames it was exported from.
 */
final class SequenceFrames {
  private final Path in;
  private final Map<String, JsonNode> origins = new HashMap<>();

  /** The sequences under {@code in}, with {@code in/frames.jsonl} when there is one. */
  SequenceFrames(Path in) throws IOException {
    this.in = in;
    Path jsonl = in.resolve("frames.jsonl");
    if (Files.isRegularFile(jsonl)) {
      for (String line : Files.readAllLines(jsonl, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          JsonNode n = Json.MAPPER.readTree(line);
          origins.put(n.path("file").asText(), n);
        }
      }
    }
  }

  /** The item of the image at {@code image} (relative to the folder read), with its origin when known. */
  Annotated item(String file, String where, String image, int width, int height, List<Detection> labels) {
    Path imagePath = in.resolve(image);
    JsonNode origin = origins.get(image);
    return new Annotated(file, where, image, Files.isRegularFile(imagePath) ? imagePath : null,
        origin == null ? null : origin.path("device").asText(null), origin == null ? null : origin.path("frame_id").asText(null),
        width, height, labels, null, List.of());
  }

  /** A whole number written as text (an attribute, an ini value); 0 when it is missing or not one. */
  static int integer(String v) {
    try {
      return v == null ? 0 : Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
