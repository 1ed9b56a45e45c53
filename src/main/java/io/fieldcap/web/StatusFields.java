package io.fieldcap.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.fieldcap.json.Json;
import java.io.IOException;
import java.util.Map;

/**
 * What a device's status fields must be for the fleet page to show them (docs/protocol.md, "Status"):
 * a device's status is whatever it published, so each field is checked where it is read, and a field
 * of the wrong shape is left out and named (the page marks the device) instead of breaking the page.
 */
final class StatusFields {
  private StatusFields() {}

  /** The status JSON as an object; anything else (not JSON, not an object) as an empty one. */
  static JsonNode parse(String json) {
    try {
      JsonNode n = json == null ? null : Json.MAPPER.readTree(json);
      return n != null && n.isObject() ? n : MissingNode.getInstance();
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  /** Whether {@code v} has the shape the page expects for field {@code k}. */
  static boolean valid(String k, JsonNode v) {
    return switch (k) {
      case "backlog", "inFlight", "spoolBytes", "diskFree", "captured", "acked", "rejected", "forgedAcks" ->
          v.isIntegralNumber() && v.asLong() >= 0;
      case "fps" -> v.isNumber() && Double.isFinite(v.asDouble()) && v.asDouble() >= 0;
      case "model", "version", "modelSha256", "config" -> v.isTextual() && v.asText().length() <= 256;
      case "position" -> v.isObject() && number(v.get("lat"), -90, 90) && number(v.get("lon"), -180, 180)
          && (!v.has("alt") || v.get("alt").isNull() || number(v.get("alt"), -1e5, 1e6));
      case "rejectedBy" -> counts(v);
      case "clips" -> counts(v) && v.size() <= 8;
      case "tracks" -> v.isObject() && v.size() <= 8 && v.properties().stream()
          .allMatch(e -> e.getKey().length() <= 64 && number(e.getValue(), 0, Long.MAX_VALUE));
      case "updates" -> v.isObject() && v.size() <= 64 && allObjects(v);
      case "stages" -> v.isObject() && v.size() <= 64;
      case "groups" -> v.isArray() && v.size() <= 64 && allText(v);
      default -> false;
    };
  }

  private static boolean number(JsonNode n, double min, double max) {
    return n != null && n.isNumber() && n.asDouble() >= min && n.asDouble() <= max;
  }

  private static boolean counts(JsonNode v) {
    if (!v.isObject() || v.size() > 64) {
      return false;
    }
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      if (e.getKey().length() > 64 || !e.getValue().isIntegralNumber()) {
        return false;
      }
    }
    return true;
  }

  private static boolean allText(JsonNode v) {
    for (JsonNode e : v) {
      if (!e.isTextual() || e.asText().length() > 64) {
        return false;
      }
    }
    return true;
  }

  private static boolean allObjects(JsonNode v) {
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      if (e.getKey().length() > 64 || !e.getValue().isObject()) {
        return false;
      }
    }
    return true;
  }
}
