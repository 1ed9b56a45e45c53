package io.fieldcap.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.config.ConfigException;
import io.fieldcap.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A workstation's side of the server's registry: {@code POST /api/models?name=NAME} with the ONNX
 * file as the body and the lineage in {@code X-Fieldcap-Lineage} (docs/api.md), for
 * {@code models add --server} and {@code train --server --register}.
 */
final class RemoteRegistry {
  private RemoteRegistry() {}

  /** The token given, else {@code FIELDCAP_TOKEN}; refused when neither is. */
  static String token(String given) throws ConfigException {
    String t = given != null ? given : System.getenv("FIELDCAP_TOKEN");
    if (t == null || t.isBlank()) {
      throw new ConfigException("--server needs --token TOKEN (or FIELDCAP_TOKEN): a token with the trainer role");
    }
    return t.strip();
  }

  /** An http(s) URL, or a refusal naming it. */
  static URI server(URI server) throws ConfigException {
    if (server.getScheme() == null || !server.getScheme().startsWith("http")) {
      throw new ConfigException("--server: '" + server + "' is not an http:// or https:// URL");
    }
    return server;
  }

  /** Uploads {@code model} as {@code name}; prints what the server registered and returns its answer. */
  static JsonNode upload(URI server, String token, Path model, String name, Map<String, Object> lineage, PrintWriter out)
      throws IOException, InterruptedException, ConfigException {
    URI url = server.resolve("/api/models?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
    HttpRequest.Builder b = HttpRequest.newBuilder(url).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofFile(model));
    if (lineage != null) {
      Map<String, Object> sent = new LinkedHashMap<>(lineage);
      sent.remove("model"); // the model's path on this machine means nothing on the server
      b.header("X-Fieldcap-Lineage", Json.MAPPER.writer().with(JsonGenerator.Feature.ESCAPE_NON_ASCII)
          .writeValueAsString(sent));
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15)).build();
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    String error = r.statusCode() >= 400 ? error(r.body()) : null;
    if (r.statusCode() == 401 || r.statusCode() == 403) {
      throw new ConfigException("--token: the server refused it (" + r.statusCode() + "): " + error
          + " (a token with the trainer role: fieldcap tokens add --role trainer)");
    }
    if (r.statusCode() == 400 || r.statusCode() == 413) {
      throw new ConfigException(model + ": the server refused it: " + error);
    }
    if (r.statusCode() != 200 && r.statusCode() != 201) {
      throw new IOException("the server answered " + r.statusCode() + " for " + url + ": " + r.body());
    }
    JsonNode m = Json.MAPPER.readTree(r.body());
    String sha = m.path("sha256").asText();
    if (m.path("added").asBoolean()) {
      out.printf("registered %s (%s) on %s: %s, %d classes, input %dx%d%n", m.path("name").asText(), sha.substring(0, 12),
          server, m.path("family").asText(), m.path("classes").size(), m.at("/input/width").asInt(),
          m.at("/input/height").asInt());
    } else {
      out.printf("model %s (%s) is registered on %s already, as %s%n", model.getFileName(), sha.substring(0, 12), server,
          m.path("name").asText());
    }
    out.flush();
    return m;
  }

  private static String error(String body) {
    try {
      return Json.MAPPER.readTree(body).path("error").asText(body);
    } catch (IOException e) {
      return body;
    }
  }
}
