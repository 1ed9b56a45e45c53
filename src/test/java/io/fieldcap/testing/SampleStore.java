package io.fieldcap.testing;

import io.fieldcap.ingest.Manifests;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.FrameId;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Sha256;
import io.fieldcap.protocol.Manifest;
import io.fieldcap.store.LocalFrameStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A server data folder with 40 stored frames of a real photo (fruits.jpg, 512x480) from devices
 * cam-a (even frames) and cam-b (odd), 7 minutes apart from 2026-11-29T08:00Z, pre-labeled by
 * "yolo11n.onnx" (version {@link #VERSION}): a person box, a car box with an outline, and a whole-frame "daytime" label;
 * every fifth frame (4, 9, …) has no labels (a background image). Each frame's JPEG carries a comment
 * with its number, so that no two frames have the same bytes.
 */
public final class SampleStore {
  public static final int FRAMES = 40;
  /** The pre-labels' model version: the first 12 hex digits of its weights' SHA-256. */
  public static final String VERSION = "0a1b2c3d4e5f";
  public static final Instant T0 = Instant.parse("2026-11-29T08:00:00Z");

  private SampleStore() {}

  /** Fills {@code data}; returns the pre-label boxes of each frame by {@code DEVICE_FRAMEID}. */
  public static Map<String, List<Detection>> create(Path data) throws IOException {
    return add(data, 0, FRAMES);
  }

  /** Adds frames {@code from} to {@code to - 1} (same pattern, same times): more frames arriving later. */
  public static Map<String, List<Detection>> add(Path data, int from, int to) throws IOException {
    return add(data, from, to, false);
  }

  /**
   * The same frames with tracks, as a tracking agent labels them: the person of frames 0-9 is track 1, of
   * 10-19 track 2, and so on (each device sees every other frame of it); the car is never tracked.
   */
  public static Map<String, List<Detection>> createTracked(Path data) throws IOException {
    return add(data, 0, FRAMES, true);
  }

  private static Map<String, List<Detection>> add(Path data, int from, int to, boolean tracked) throws IOException {
    Map<String, List<Detection>> expected = new LinkedHashMap<>();
    byte[] photo = Files.readAllBytes(TestMedia.samples().resolve("fruits.jpg"));
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      for (int i = from; i < to; i++) {
        String device = i % 2 == 0 ? "cam-a" : "cam-b";
        Instant at = T0.plus(Duration.ofMinutes(7L * i));
        String id = FrameId.of(at, i).value();
        List<Detection> d = new ArrayList<>();
        if (i % 5 != 4) {
          Detection person = new Detection("person", 0.91, new Box(10.3 + i, 20.7, 55.5, 120.25));
          d.add(tracked ? person.withTrack(1 + i / 10) : person);
          d.add(new Detection("car", 0.55, new Box(300, 200.5, 150.2, 80.9),
              List.of(300.0, 200.5, 450.2, 200.5, 450.2, 281.4, 300.0, 281.4)));
          d.add(new Detection("daytime", 0.8, null));
        }
        byte[] jpeg = withComment(photo, "fieldcap sample frame " + i);
        Manifest m = new Manifest(1, id, device, at, i, Sha256.hex(jpeg), jpeg.length, 1 << 20, 1, "image/jpeg", 512, 480,
            new LabelSet("yolo11n.onnx", d, VERSION), meta(i));
        st.commit(Manifests.frame(m), jpeg, at);
        expected.put(device + "_" + id, d.stream().filter(x -> x.box() != null).toList());
      }
    }
    return expected;
  }

  /** What the agent records with a frame: the rule that kept it, where the device was, its config tags. */
  static Map<String, Object> meta(int i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("keptBy", "all");
    Map<String, Object> gps = new LinkedHashMap<>(); // in the agent's order, as it writes them
    gps.put("lat", 52.0 + i / 1000.0);
    gps.put("lon", 4.25);
    m.put("gps", gps);
    m.put("tags", Map.of("site", i % 2 == 0 ? "north" : "south"));
    return m;
  }

  /** The JPEG with a COM segment after its SOI marker: other bytes, the same image. */
  public static byte[] withComment(byte[] jpeg, String comment) {
    byte[] text = comment.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] out = new byte[jpeg.length + 4 + text.length];
    out[0] = (byte) 0xFF;
    out[1] = (byte) 0xD8;
    out[2] = (byte) 0xFF;
    out[3] = (byte) 0xFE;
    out[4] = (byte) ((text.length + 2) >> 8);
    out[5] = (byte) (text.length + 2);
    System.arraycopy(text, 0, out, 6, text.length);
    System.arraycopy(jpeg, 2, out, 6 + text.length, jpeg.length - 2);
    return out;
  }
}
