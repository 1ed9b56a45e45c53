package io.fieldcap.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.eval.Registry;
import io.fieldcap.fs.Durable;
import io.fieldcap.json.Json;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.Models;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * {@code POST /api/models?name=NAME}: a model trained on another machine, into the registry (the
 * trainer role). The body is the ONNX file, streamed to the models folder as it arrives (never held
 * in memory; at most {@link #MAX_BYTES}, ONNX's own limit for one file); an optional
 * {@code X-Fieldcap-Lineage} header carries the trainer's lineage (a JSON object: dataset, trainer
 * command), kept in the model's origin with the uploader's token name. The model must open with the
 * agent's engine, as {@code models add} requires; the same bytes twice are one model (200, not 201).
 */
final class ModelUploads {
  /** An ONNX file is one protobuf message, which cannot exceed 2 GiB. */
  static final long MAX_BYTES = 2L << 30;
  /** The lineage header's largest size. */
  static final int MAX_LINEAGE = 8 * 1024;

  private final LocalFrameStore store;

  ModelUploads(LocalFrameStore store) {
    this.store = store;
  }

  void upload(Exchange x) throws IOException {
    String name = Request.extractQueryParameters(x.request()).getValue("name");
    if (name == null || !name.matches(Registry.NAME)) {
      throw new HttpError(400, "name: give the model's name, 1 to 64 letters, digits, '.', '-' or '_' (POST /api/models?name=NAME)");
    }
    JsonNode lineage = lineage(x.request().getHeaders().get("X-Fieldcap-Lineage"));
    long declared = x.request().getLength();
    if (declared > MAX_BYTES) {
      throw new HttpError(413, "the model is " + declared + " bytes, over the " + MAX_BYTES + " an ONNX file can have");
    }
    Path dir = Registry.file(store.dir(), "upload").getParent();
    Durable.createDirectories(dir);
    Path part = dir.resolve("upload-" + UUID.randomUUID() + ".part");
    try {
      long size = 0;
      try (InputStream in = Content.Source.asInputStream(x.request()); OutputStream out = Files.newOutputStream(part)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) >= 0; ) {
          size += n;
          if (size > MAX_BYTES) {
            x.response().getHeaders().put("Connection", "close");
            throw new HttpError(413, "the model is over the " + MAX_BYTES + " bytes an ONNX file can have");
          }
          out.write(buf, 0, n);
        }
      }
      if (size == 0) {
        throw new HttpError(400, "the body is empty: send the ONNX file as the request body");
      }
      Map<String, Object> origin = new LinkedHashMap<>();
      origin.put("kind", "uploaded");
      origin.put("by", x.who().name());
      if (lineage != null) {
        origin.put("lineage", lineage);
      }
      Registry.Registered r;
      try {
        r = Registry.register(store, part, "the uploaded file", name, origin, true);
      } catch (IllegalArgumentException e) {
        throw new HttpError(400, e.getMessage());
      }
      Models.Model m = r.model();
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("added", r.added());
      o.putAll(Registry.json(m));
      x.send(r.added() ? 201 : 200, "application/json", Json.encode(o));
    } finally {
      Files.deleteIfExists(part);
    }
  }

  private static JsonNode lineage(String header) {
    if (header == null) {
      return null;
    }
    if (header.length() > MAX_LINEAGE) {
      throw new HttpError(400, "X-Fieldcap-Lineage is over " + MAX_LINEAGE + " characters");
    }
    try {
      JsonNode n = Json.MAPPER.readTree(header);
      if (n == null || !n.isObject()) {
        throw new HttpError(400, "X-Fieldcap-Lineage is not a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw new HttpError(400, "X-Fieldcap-Lineage is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }
}
