package io.fieldcap.protocol;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldcap.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** JSON encoding of manifests, acks and status messages. */
public final class Codec {
  /** The project's mapper: the wire adds no settings of its own. */
  private static final ObjectMapper JSON = Json.MAPPER;

  private Codec() {}

  public static byte[] encode(Object o) {
    return Json.encode(o);
  }

  /**
   * A manifest's JSON with the frame's labels and metadata put in as the JSON objects they already
   * are ({@code null}: left out), so that a device sends the bytes its spool holds without decoding
   * and encoding them again. {@code m}'s own labels and metadata must be null.
   */
  public static byte[] manifest(Manifest m, String labelsJson, String metaJson) {
    if (m.labels() != null || m.meta() != null) {
      throw new IllegalArgumentException("the manifest has labels or metadata of its own");
    }
    byte[] head = Json.encode(m);
    if (labelsJson == null && metaJson == null) {
      return head;
    }
    StringBuilder tail = new StringBuilder();
    if (labelsJson != null) {
      tail.append(",\"labels\":").append(labelsJson);
    }
    if (metaJson != null) {
      tail.append(",\"meta\":").append(metaJson);
    }
    byte[] t = tail.append('}').toString().getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(head, head.length - 1 + t.length); // head ends with the object's '}'
    System.arraycopy(t, 0, out, head.length - 1, t.length);
    return out;
  }

  /** Decodes a manifest; problems are reported as the reject reason and message the server sends back. */
  public static Manifest manifest(byte[] payload) throws ProtocolException {
    Manifest m;
    try {
      m = JSON.readValue(payload, Manifest.class);
    } catch (JsonParseException e) {
      throw new ProtocolException(RejectReason.MALFORMED_JSON, "manifest is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ProtocolException(RejectReason.BAD_MANIFEST, "manifest has a bad field: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (m == null) {
      throw new ProtocolException(RejectReason.MALFORMED_JSON, "manifest is empty");
    }
    return m;
  }

  public static Ack ack(byte[] payload) throws IOException {
    return JSON.readValue(payload, Ack.class);
  }
}
