package io.fieldcap.protocol;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldcap.json.Json;
import java.io.IOException;

/** JSON encoding of manifests, acks and status messages. */
public final class Codec {
  /** The project's mapper: the wire adds no settings of its own. */
  private static final ObjectMapper JSON = Json.MAPPER;

  private Codec() {}

  public static byte[] encode(Object o) {
    return Json.encode(o);
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
