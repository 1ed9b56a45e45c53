package io.fieldcap.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The project's one JSON mapper, for files, rows, pages and the wire alike: ISO-8601 times, null
 * fields left out, unknown fields ignored (a newer minor version may add some). The wire's own
 * decoding rules (what a bad manifest is answered with) stay in {@code protocol.Codec}.
 */
public final class Json {
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .findAndAddModules()
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .addModule(new SimpleModule()
          .addSerializer(Instant.class, new ToStringSerializer())
          .addDeserializer(Instant.class, new StdDeserializer<Instant>(Instant.class) {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext c) throws IOException {
              try {
                return Instant.parse(p.getValueAsString());
              } catch (RuntimeException e) {
                throw c.weirdStringException(p.getValueAsString(), Instant.class, "expected an ISO-8601 UTC time");
              }
            }
          }))
      .build();

  private Json() {}

  /** {@code o} as UTF-8 JSON bytes; a value Jackson cannot write is a programming error. */
  public static byte[] encode(Object o) {
    try {
      return MAPPER.writeValueAsBytes(o);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
