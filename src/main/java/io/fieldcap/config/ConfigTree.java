package io.fieldcap.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The raw configuration: the YAML tree with {@code --set} overrides applied, and for every dotted
 * key where it came from ({@code file.yaml:12} or {@code --set}), so that errors can point at it.
 */
final class ConfigTree {
  private static final YAMLMapper YAML = new YAMLMapper();

  final ObjectNode root;
  private final Map<String, String> origins;
  private final String fileName;

  private ConfigTree(ObjectNode root, Map<String, String> origins, String fileName) {
    this.root = root;
    this.origins = origins;
    this.fileName = fileName;
  }

  static ConfigTree empty() {
    return new ConfigTree(JsonNodeFactory.instance.objectNode(), new HashMap<>(), null);
  }

  static ConfigTree read(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": config file not found");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read config file: " + e.getMessage());
    }
    String name = file.toString();
    JsonNode tree;
    try {
      tree = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String line = at == null ? "" : ":" + at.getLineNr();
      throw new ConfigException(name + line + ": not valid YAML: " + e.getOriginalMessage());
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return new ConfigTree(JsonNodeFactory.instance.objectNode(), new HashMap<>(), name);
    }
    if (!tree.isObject()) {
      throw new ConfigException(name + ": the top level must be a mapping of sections (device:, source:, ...)");
    }
    return new ConfigTree((ObjectNode) tree, lines(text, name), name);
  }

  /** Maps each dotted key to {@code file:line} by walking the parser's tokens. */
  private static Map<String, String> lines(String text, String name) throws ConfigException {
    Map<String, String> out = new HashMap<>();
    Deque<String> path = new ArrayDeque<>();
    Deque<Boolean> inObject = new ArrayDeque<>();
    try (JsonParser p = new YAMLFactory().createParser(text)) {
      String pendingField = null;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        switch (t) {
          case FIELD_NAME -> {
            pendingField = p.currentName();
            String key = path.isEmpty() ? pendingField : String.join(".", path) + "." + pendingField;
            out.putIfAbsent(key, name + ":" + p.currentTokenLocation().getLineNr());
          }
          case START_OBJECT, START_ARRAY -> {
            boolean nested = pendingField != null;
            if (nested) {
              path.addLast(pendingField);
            }
            inObject.push(nested);
            pendingField = null;
          }
          case END_OBJECT, END_ARRAY -> {
            if (!inObject.isEmpty() && inObject.pop()) {
              path.removeLast();
            }
          }
          default -> pendingField = null;
        }
      }
    } catch (IOException e) {
      throw new ConfigException(name + ": not valid YAML: " + e.getMessage());
    }
    return out;
  }

  /**
   * Applies {@code key=value} overrides; the value is read as a YAML scalar, so {@code fps=2} is a
   * number and {@code loop=true} a boolean.
   */
  void applySets(List<String> sets) throws ConfigException {
    List<String> errors = new ArrayList<>();
    for (String set : sets) {
      int eq = set.indexOf('=');
      if (eq <= 0) {
        errors.add("--set " + set + ": expected key=value with a dotted key, e.g. source.fps=2");
        continue;
      }
      String key = set.substring(0, eq).trim();
      String raw = set.substring(eq + 1);
      String[] parts = key.split("\\.", -1);
      ObjectNode node = root;
      boolean ok = true;
      for (int i = 0; i < parts.length - 1 && ok; i++) {
        JsonNode child = node.get(parts[i]);
        if (parts[i].isEmpty()) {
          ok = false;
        } else if (child == null || child.isNull()) {
          node = node.putObject(parts[i]);
        } else if (child.isObject()) {
          node = (ObjectNode) child;
        } else {
          ok = false;
        }
      }
      if (!ok || parts[parts.length - 1].isEmpty()) {
        errors.add("--set " + set + ": '" + key + "' is not a settable dotted key");
        continue;
      }
      node.set(parts[parts.length - 1], scalar(raw));
      origins.put(key, "--set " + key);
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
  }

  private static JsonNode scalar(String raw) {
    if (raw.isEmpty()) {
      return JsonNodeFactory.instance.textNode("");
    }
    try {
      JsonNode v = YAML.readTree(raw);
      if (v != null && v.isValueNode()) {
        return v;
      }
    } catch (JsonProcessingException e) {
      // not a YAML scalar: keep the text as it is
    }
    return JsonNodeFactory.instance.textNode(raw);
  }

  /** Where {@code key} was set, as a prefix for error messages ("file:line: " or "--set key: "), or "". */
  /** Whether a line is known for the dotted {@code key}. */
  boolean has(String key) {
    return origins.containsKey(key);
  }

  String where(String key) {
    String origin = origins.get(key);
    if (origin != null) {
      return origin + ": ";
    }
    return fileName == null ? "" : fileName + ": ";
  }
}
