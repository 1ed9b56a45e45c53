package io.fieldcap.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Class names from Ultralytics' metadata (a Python dict literal) or from a labels file (one per line). */
final class ClassNames {
  private static final Pattern ENTRY = Pattern.compile("(\\d+)\\s*:\\s*(?:'((?:[^'\\\\]|\\\\.)*)'|\"((?:[^\"\\\\]|\\\\.)*)\")");

  private ClassNames() {}

  /** Parses {@code {0: 'person', 1: 'bicycle'}}; empty when there is nothing to parse. */
  static List<String> fromMetadata(String names) {
    if (names == null) {
      return List.of();
    }
    TreeMap<Integer, String> byIndex = new TreeMap<>();
    Matcher m = ENTRY.matcher(names);
    while (m.find()) {
      String v = m.group(2) != null ? m.group(2) : m.group(3);
      byIndex.put(Integer.parseInt(m.group(1)), v.replace("\\'", "'").replace("\\\"", "\""));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < (byIndex.isEmpty() ? 0 : byIndex.lastKey() + 1); i++) {
      out.add(byIndex.getOrDefault(i, "class" + i));
    }
    return out;
  }

  /** One name per non-empty line. */
  static List<String> fromFile(Path file) throws ModelException {
    try {
      return Files.readAllLines(file).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    } catch (IOException e) {
      throw new ModelException("labels file " + file + " cannot be read: " + e.getMessage(), e);
    }
  }
}
