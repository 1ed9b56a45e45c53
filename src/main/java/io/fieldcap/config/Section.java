package io.fieldcap.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads one section of the configuration with typed getters. Each getter records the key as known;
 * problems are collected rather than thrown, so that a user sees every error in one run. {@link
 * #finish()} reports the keys that no getter asked for as unknown, with the nearest known key.
 */
final class Section {
  private final ConfigTree tree;
  private final String name;
  private final JsonNode node;
  private final List<String> errors;
  private final Set<String> known = new LinkedHashSet<>();

  Section(ConfigTree tree, String name, List<String> errors) {
    this(tree, name, tree.root.get(name), errors);
  }

  /** A mapping nested at the dotted {@code path}, for example one rule under {@code capture.rules}. */
  Section(ConfigTree tree, String path, JsonNode n, List<String> errors) {
    this.tree = tree;
    this.name = path;
    this.errors = errors;
    if (n != null && !n.isObject() && !n.isNull()) {
      errors.add(tree.where(name) + name + ": must be a mapping of keys, got '" + n.asText() + "'");
      n = null;
    }
    this.node = n == null || n.isNull() ? null : n;
  }

  boolean present() {
    return node != null;
  }

  private JsonNode raw(String key) {
    known.add(key);
    JsonNode v = node == null ? null : node.get(key);
    return v == null || v.isNull() ? null : v;
  }

  /** The mapping nested under {@code key} ({@code server.http}), as a section of its own (absent: an empty one). */
  Section sub(String key) {
    return new Section(tree, name + "." + key, raw(key), errors);
  }

  /** The names and nested sections of a mapping under {@code key} (empty when absent). */
  Map<String, Section> mappings(String key) {
    JsonNode v = raw(key);
    Map<String, Section> out = new LinkedHashMap<>();
    if (v == null) {
      return out;
    }
    if (!v.isObject()) {
      error(key, "must be a mapping of names to settings, got '" + v.asText() + "'");
      return out;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String path = name + "." + key + "." + e.getKey();
      if (!e.getValue().isObject()) {
        errors.add(tree.where(path) + path + ": must be a mapping of settings, got '" + e.getValue().asText() + "'");
        continue;
      }
      out.put(e.getKey(), new Section(tree, path, e.getValue(), errors));
    }
    return out;
  }

  /** A list of non-blank strings (a YAML list, or one string); empty when absent. */
  List<String> strings(String key) {
    JsonNode v = raw(key);
    List<String> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (v.isValueNode() && !v.asText().isBlank()) {
      out.add(v.asText());
      return out;
    }
    if (!v.isArray()) {
      error(key, "'" + v + "' is not allowed; expected a list such as [person, car]");
      return out;
    }
    for (JsonNode e : v) {
      if (!e.isValueNode() || e.asText().isBlank()) {
        error(key, "'" + e + "' is not allowed in the list; expected names such as person");
      } else {
        out.add(e.asText());
      }
    }
    return out;
  }

  /** Every key of this section as a string (free-form settings such as tags); values must be scalars. */
  Map<String, String> scalars() {
    Map<String, String> out = new LinkedHashMap<>();
    if (node == null) {
      return out;
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      JsonNode v = raw(key);
      if (v == null) {
        continue;
      }
      if (!v.isValueNode() || v.asText().isBlank()) {
        error(key, "'" + v + "' is not allowed; expected a short text such as north-gate");
      } else if (!key.matches("[A-Za-z0-9_.-]{1,64}")) {
        error(key, "is not a usable tag name; expected 1 to 64 characters from [A-Za-z0-9_.-]");
      } else {
        out.put(key, v.asText());
      }
    }
    return out;
  }

  /** Whether {@code key} is given (it counts as known). */
  boolean has(String key) {
    return raw(key) != null;
  }

  /** Records a problem with {@code key} found after reading it. */
  void reject(String key, String problem) {
    error(key, problem);
  }

  private void error(String key, String problem) {
    String full = name + "." + key;
    // a missing key has no line of its own: point at its section's
    errors.add((tree.has(full) ? tree.where(full) : tree.where(name)) + full + ": " + problem);
  }

  String string(String key, String def, String expected) {
    JsonNode v = raw(key);
    if (v == null) {
      if (def == null) {
        error(key, "missing; expected " + expected);
      }
      return def;
    }
    if (!v.isValueNode() || v.asText().isBlank()) {
      error(key, "'" + v + "' is not allowed; expected " + expected);
      return def;
    }
    return v.asText();
  }

  /** An optional string; {@code null} when absent. */
  String optionalString(String key, String expected) {
    JsonNode v = raw(key);
    if (v == null) {
      return null;
    }
    if (!v.isValueNode() || v.asText().isBlank()) {
      error(key, "'" + v + "' is not allowed; expected " + expected);
      return null;
    }
    return v.asText();
  }

  /** An optional string checked by {@code check} (a problem, or null); {@code null} when absent or wrong. */
  String checkedOptional(String key, String expected, Function<String, String> check) {
    String s = optionalString(key, expected);
    String problem = s == null ? null : check.apply(s);
    if (problem != null) {
      error(key, problem);
      return null;
    }
    return s;
  }

  /** A string that must satisfy {@code check}, which returns a problem or {@code null}. */
  String checked(String key, String def, String expected, Function<String, String> check) {
    String s = string(key, def, expected);
    if (s != null) {
      String problem = check.apply(s);
      if (problem != null) {
        error(key, problem);
        return def;
      }
    }
    return s;
  }

  boolean bool(String key, boolean def) {
    JsonNode v = raw(key);
    if (v == null) {
      return def;
    }
    if (!v.isBoolean()) {
      error(key, "'" + v.asText() + "' is not allowed; expected true or false");
      return def;
    }
    return v.booleanValue();
  }

  int integer(String key, int def, int min, int max, String what) {
    JsonNode v = raw(key);
    if (v == null) {
      return def;
    }
    if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
      error(key, "'" + v.asText() + "' is out of range; expected " + what + ", an integer from " + min + " to " + max);
      return def;
    }
    return v.intValue();
  }

  double decimal(String key, double def, double minExclusive, double max, String what) {
    JsonNode v = raw(key);
    if (v == null) {
      return def;
    }
    if (!v.isNumber() || !(v.asDouble() > minExclusive) || v.asDouble() > max) {
      error(key, "'" + v.asText() + "' is out of range; expected " + what + ", a number greater than "
          + fmt(minExclusive) + " and at most " + fmt(max));
      return def;
    }
    return v.asDouble();
  }

  /** A number from {@code min} to {@code max}, both included. */
  double decimalFrom(String key, double def, double min, double max, String what) {
    JsonNode v = raw(key);
    if (v == null) {
      return def;
    }
    if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
      error(key, "'" + v.asText() + "' is out of range; expected " + what + ", a number from " + fmt(min) + " to " + fmt(max));
      return def;
    }
    return v.asDouble();
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  long bytes(String key, long def, long min) {
    JsonNode v = raw(key);
    if (v == null) {
      return def;
    }
    try {
      long b = Sizes.parse(v.asText());
      if (b < min) {
        error(key, "'" + v.asText() + "' is too small; expected at least " + Sizes.format(min));
        return def;
      }
      return b;
    } catch (IllegalArgumentException e) {
      error(key, e.getMessage());
      return def;
    }
  }

  Duration duration(String key, Duration def, Duration min, Duration max) {
    JsonNode v = raw(key);
    if (v == null) {
      return def;
    }
    try {
      Duration d = Durations.parse(v.asText());
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        error(key, "'" + v.asText() + "' is out of range; expected a duration from "
            + Durations.format(min) + " to " + Durations.format(max));
        return def;
      }
      return d;
    } catch (IllegalArgumentException e) {
      error(key, e.getMessage());
      return def;
    }
  }

  <E extends Enum<E>> E choice(String key, E def, Class<E> type) {
    JsonNode v = raw(key);
    if (v == null) {
      return def;
    }
    String want = v.asText().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(want)) {
        return e;
      }
    }
    error(key, "'" + v.asText() + "' is not allowed; expected one of " + Arrays.stream(type.getEnumConstants())
        .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
    return def;
  }

  /** A path to a file that must exist and be readable; {@code null} when absent. */
  Path readableFile(String key) {
    String s = optionalString(key, "a path to a readable file");
    if (s == null) {
      return null;
    }
    Path p = Path.of(s);
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      error(key, "'" + s + "' is not a readable file");
      return null;
    }
    return p;
  }

  /** Reports keys present in the file that no getter asked for. */
  void finish() {
    if (node == null) {
      return;
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        String hint = nearest(key, known);
        error(key, "unknown key" + (hint == null ? "" : " (did you mean '" + name + "." + hint + "'?)")
            + "; known keys in " + name + ": " + String.join(", ", known));
      }
    }
  }

  static String nearest(String key, Set<String> candidates) {
    return candidates.stream()
        .filter(c -> distance(c, key) <= Math.max(2, key.length() / 3))
        .min(Comparator.comparingInt(c -> distance(c, key)))
        .orElse(null);
  }

  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  static List<String> unknownSections(ConfigTree tree, Set<String> sections) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = tree.root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!sections.contains(key)) {
        String hint = nearest(key, sections);
        out.add(tree.where(key) + key + ": unknown section"
            + (hint == null ? "" : " (did you mean '" + hint + "'?)")
            + "; known sections: " + String.join(", ", sections));
      }
    }
    return out;
  }
}
