package io.fieldcap.update;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.fieldcap.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The manifest of an update bundle (docs/fleet.md, "Bundles"): what it is, whom it is for, its
 * files by SHA-256, and the limits it must be applied within. Signed as its canonical JSON (keys in
 * alphabetical order, no white space, no null fields), so the signer and every device agree on the
 * bytes.
 *
 * @param v the format version ({@link #VERSION})
 * @param kind {@code model} or {@code config}
 * @param name what is shipped: the model's file name, or the config's name
 * @param target {@code device:ID}, {@code group:NAME} or {@code all}
 * @param sequence above every sequence of this kind the device has applied (the signer's clock in ms by default)
 * @param created when it was signed
 * @param expires after this it is refused
 * @param minAgent the oldest agent version that may apply it, or null
 * @param files the files, each with its SHA-256, size and chunk size on the broker
 * @param classes a model's class names, in order; a staged model must have exactly these
 * @param golden images and the detections a model must find on them, or null
 * @param settings a config's {@code key=value} settings over the device's own file (with {@code files} empty),
 *     or null when the bundle carries a whole config file
 */
public record Bundle(int v, String kind, String name, String target, long sequence, Instant created, Instant expires,
    String minAgent, List<FileEntry> files, List<String> classes, Golden golden, List<String> settings) {
  public static final int VERSION = 1;
  public static final String MODEL = "model";
  public static final String CONFIG = "config";

  /** One file of the bundle, sent as {@code ceil(size / chunkSize)} retained chunks under its SHA-256. */
  public record FileEntry(String name, String sha256, long size, int chunkSize) {
    public int chunks() {
      return (int) Math.max(1, (size + chunkSize - 1) / chunkSize);
    }
  }

  /**
   * Golden images: a staged model must find, on each image (a file of the bundle), the expected
   * detections: matched by class at IoU {@code iou} or more, with {@code matched / max(expected,
   * found)} at least {@code match} over all images.
   */
  public record Golden(double iou, double match, Map<String, List<Expected>> expected) {}

  /** An expected detection, in pixels of the golden image. */
  public record Expected(String label, double x, double y, double w, double h) {}

  private static final ObjectMapper CANONICAL = JsonMapper.builder()
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .addModule(new SimpleModule()
          .addSerializer(Instant.class, new ToStringSerializer()))
      .build();

  /** The canonical JSON that is signed. */
  public String canonical() {
    try {
      return CANONICAL.writeValueAsString(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Bundle parse(String canonical) throws IOException {
    return Json.MAPPER.readValue(canonical, Bundle.class);
  }

  /** Whether the bundle is meant for this device. */
  public boolean targets(String device, List<String> groups) {
    return target.equals("all") || target.equals("device:" + device)
        || target.startsWith("group:") && groups.contains(target.substring("group:".length()));
  }

  /** The bundle in a log line or a status: {@code model yolo.onnx #1764000000000}. */
  public String describe() {
    return kind + " " + name + " #" + sequence;
  }

  /** The SHA-256 of the first file (a model's weights), or null. */
  public String mainSha256() {
    return files == null || files.isEmpty() ? null : files.get(0).sha256();
  }
}
