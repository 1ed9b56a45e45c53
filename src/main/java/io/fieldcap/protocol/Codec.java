package io.fieldcap.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/** JSON encoding of manifests, acks and status messages. */
public final class Codec {
  /** Shared mapper: ISO-8601 times, null fields left out, unknown fields ignored (newer minor versions may add some). */
  public static final ObjectMapper JSON = JsonMapper.builder()
      .serializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
      .findAndAddModules()
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .addModule(new com.fasterxml.jackson.databind.module.SimpleModule()
          .addSerializer(Instant.class, new com.fasterxml.jackson.databind.ser.std.ToStringSerializer())
          .addDeserializer(Instant.class, new com.fasterxml.jackson.databind.deser.std.StdDeserializer<Instant>(Instant.class) {
            @Override
            public Instant deserialize(com.fasterxml.jackson.core.JsonParser p,
                com.fasterxml.jackson.databind.DeserializationContext c) throws IOException {
              try {
                return Instant.parse(p.getValueAsString());
              } catch (RuntimeException e) {
                throw c.weirdStringException(p.getValueAsString(), Instant.class, "expected an ISO-8601 UTC time");
              }
            }
          }))
      .build();

  private Codec() {}

  public static byte[] encode(Object o) {
    try {
      return JSON.writeValueAsBytes(o);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decodes a manifest; problems are reported as the reject reason and message the server sends back. */
  public static Manifest manifest(byte[] payload) throws ProtocolException {
    Manifest m;
    try {
      m = JSON.readValue(payload, Manifest.class);
    } catch (com.fasterxml.jackson.core.JsonParseException e) {
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
