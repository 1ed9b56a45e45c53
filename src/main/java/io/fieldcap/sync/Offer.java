package io.fieldcap.sync;

import io.fieldcap.json.Json;
import io.fieldcap.model.DeviceId;
import io.fieldcap.model.Sha256;
import io.fieldcap.protocol.Codec;
import io.fieldcap.protocol.Manifest;
import io.fieldcap.spool.PendingFrame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one offer of a spooled frame sends: the manifest, and the labels' JSON when it travels after
 * the image in the chunked transfer. The labels and metadata go out as the bytes the spool holds,
 * neither decoded nor encoded again; only the capture rule and priority are added to the metadata.
 *
 * @param labelsTail the labels' JSON sent after the image (larger than half a chunk, as semantic
 *     masks can be, so that no message exceeds {@code mqtt.chunk-bytes}), or null
 */
record Offer(byte[] manifest, byte[] labelsTail) {
  private static final Logger log = LoggerFactory.getLogger(Offer.class);

  static Offer of(DeviceId device, PendingFrame f, int chunkBytes) {
    String labels = object(f, "labels", f.labels());
    boolean clip = isClip(f);
    byte[] tail = null;
    if (labels != null) {
      byte[] json = labels.getBytes(StandardCharsets.UTF_8);
      if (clip || json.length > chunkBytes / 2) { // a clip's frame-by-frame labels always travel after its video
        tail = json;
        labels = null;
      }
    }
    long tailBytes = tail == null ? 0 : tail.length;
    Manifest m = new Manifest(Manifest.VERSION, f.id().value(), device.value(), f.capturedAt(), f.seq(), f.sha256(),
        f.bytes(), chunkBytes, Manifest.chunkCount(f.bytes() + tailBytes, chunkBytes),
        clip ? Manifest.CLIP_TYPE : Manifest.IMAGE_TYPE, f.width(),
        f.height(), null, null, tailBytes, tail == null ? null : Sha256.hex(tail));
    return new Offer(Codec.manifest(m, labels, meta(f)), tail);
  }

  /** Whether the spool entry is an event clip (its metadata has {@code clip}), whose bytes are an MP4. */
  static boolean isClip(PendingFrame f) {
    if (f.meta() == null || !f.meta().contains("\"clip\"")) {
      return false; // the common case, without parsing
    }
    try {
      return Json.MAPPER.readTree(f.meta()).has("clip");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The manifest's metadata: the rule that kept the frame and its priority, then what the spool holds
   * (position, tags), one JSON object; null when there is none of them.
   */
  static String meta(PendingFrame f) {
    String stored = object(f, "metadata", f.meta());
    if (f.reason() == null) {
      return stored;
    }
    String kept = "{\"keptBy\":" + new String(Json.encode(f.reason()), StandardCharsets.UTF_8) + ",\"priority\":" + f.priority();
    String rest = stored == null ? "" : stored.substring(1, stored.length() - 1).strip();
    return kept + (rest.isEmpty() ? "" : "," + rest) + "}";
  }

  /** {@code json} when it is a JSON object as the spool writes them; null (and a warning) for anything else. */
  private static String object(PendingFrame f, String what, String json) {
    if (json == null) {
      return null;
    }
    String s = json.strip();
    if (s.length() >= 2 && s.charAt(0) == '{' && s.charAt(s.length() - 1) == '}') {
      return s;
    }
    log.warn("frame {}: unreadable {} in the spool, sending without them", f.id(), what);
    return null;
  }
}
