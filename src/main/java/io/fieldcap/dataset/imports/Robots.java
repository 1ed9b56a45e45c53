package io.fieldcap.dataset.imports;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A host's robots.txt (RFC 9309) as it applies to fieldcap: the group naming {@code fieldcap} if
 * there is one, else the {@code *} group; of its {@code Allow} and {@code Disallow} rules the longest
 * match wins, {@code Allow} on a tie; {@code *} and {@code $} in paths as the RFC has them. {@code
 * Crawl-delay} (not in the RFC, widely used) is honoured too.
 */
final class Robots {
  /** Allows everything: no robots.txt (404). */
  static final Robots ALLOW_ALL = new Robots(List.of(), 0);
  /** Allows nothing: robots.txt could not be fetched (a server error or no answer), so the RFC says assume the worst. */
  static final Robots DISALLOW_ALL = new Robots(List.of(new Rule(false, "/")), 0);

  record Rule(boolean allow, String path) {}

  private final List<Rule> rules;
  private final double crawlDelaySeconds;

  private Robots(List<Rule> rules, double crawlDelaySeconds) {
    this.rules = rules;
    this.crawlDelaySeconds = crawlDelaySeconds;
  }

  double crawlDelaySeconds() {
    return crawlDelaySeconds;
  }

  /** One group of robots.txt: its user agents (lower case), rules and crawl delay. */
  private static final class Group {
    final List<String> agents = new ArrayList<>();
    final List<Rule> rules = new ArrayList<>();
    double delay;
  }

  /** Parses robots.txt for the agent {@code fieldcap}. */
  static Robots parse(String text) {
    List<Group> groups = new ArrayList<>();
    Group current = null;
    boolean inRules = false;
    for (String raw : text.split("\r?\n")) {
      String line = raw.replaceAll("#.*", "").strip();
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      if (key.equals("user-agent")) {
        if (inRules || current == null) { // consecutive user-agent lines share a group
          current = new Group();
          groups.add(current);
          inRules = false;
        }
        current.agents.add(value.toLowerCase(Locale.ROOT));
      } else if (current != null && (key.equals("allow") || key.equals("disallow"))) {
        inRules = true;
        if (!value.isEmpty()) {
          current.rules.add(new Rule(key.equals("allow"), value));
        }
      } else if (current != null && key.equals("crawl-delay")) {
        inRules = true;
        try {
          current.delay = Double.parseDouble(value);
        } catch (NumberFormatException ignored) {
          // a malformed delay: none
        }
      }
    }
    // the first group naming fieldcap, else the first for everyone
    for (boolean mine : new boolean[] {true, false}) {
      for (Group g : groups) {
        boolean match = mine ? g.agents.stream().anyMatch(n -> n.equals("fieldcap") || n.startsWith("fieldcap/"))
            : g.agents.contains("*");
        if (match) {
          return new Robots(g.rules, g.delay);
        }
      }
    }
    return ALLOW_ALL;
  }

  /** Whether fieldcap may fetch this path (with its query). */
  boolean allows(String path) {
    Rule best = null;
    int bestLength = -1;
    for (Rule r : rules) {
      if (matches(r.path(), path)) {
        int len = r.path().length();
        if (len > bestLength || len == bestLength && r.allow()) {
          best = r;
          bestLength = len;
        }
      }
    }
    return best == null || best.allow();
  }

  /**
   * RFC 9309 matching: a prefix, with {@code *} for any characters and a final {@code $} for the end.
   * Greedy with one backtrack point (the last {@code *}): time at most the pattern's length times the
   * path's, never the exponential backtracking a regular expression of many {@code *} can take.
   */
  static boolean matches(String pattern, String path) {
    boolean anchored = pattern.endsWith("$");
    String p = anchored ? pattern.substring(0, pattern.length() - 1) : pattern + "*";
    int i = 0;
    int j = 0;
    int star = -1;
    int mark = 0;
    while (j < path.length()) {
      if (i < p.length() && p.charAt(i) == '*') {
        star = i++;
        mark = j;
      } else if (i < p.length() && p.charAt(i) == path.charAt(j)) {
        i++;
        j++;
      } else if (star >= 0) {
        i = star + 1;
        j = ++mark;
      } else {
        return false;
      }
    }
    while (i < p.length() && p.charAt(i) == '*') {
      i++;
    }
    return i == p.length();
  }
}
