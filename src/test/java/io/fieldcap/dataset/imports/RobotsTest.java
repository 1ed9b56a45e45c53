package io.fieldcap.dataset.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import org.junit.jupiter.api.Test;

/** robots.txt as RFC 9309 has it: groups, longest match, Allow on a tie, * and $. */
class RobotsTest {
  @Test
  void givenGroupsForFieldcapAndForEveryone_thenFieldcapsGroupAppliesWithTheLongestMatch() {
    Robots r = Robots.parse("""
        User-agent: *
        Disallow: /

        User-agent: googlebot
        User-agent: fieldcap
        Disallow: /photos/
        Allow: /photos/public/
        Disallow: /*.png$
        Crawl-delay: 2
        """);
    assertThat(r.allows("/index.html")).isTrue();
    assertThat(r.allows("/photos/a.jpg")).isFalse();
    assertThat(r.allows("/photos/public/a.jpg")).isTrue();
    assertThat(r.allows("/x/y.png")).isFalse();
    assertThat(r.allows("/x/y.png?size=2")).as("$ anchors at the end").isTrue();
    assertThat(r.crawlDelaySeconds()).isEqualTo(2);
  }

  @Test
  void givenOnlyAStarGroupOrNothing_thenItAppliesOrEverythingIsAllowed() {
    assertThat(Robots.parse("User-agent: *\nDisallow: /private # comment\n").allows("/private/a.jpg")).isFalse();
    assertThat(Robots.parse("User-agent: other\nDisallow: /\n").allows("/a.jpg")).isTrue();
    assertThat(Robots.parse("User-agent: *\nDisallow:\n").allows("/a.jpg")).as("an empty Disallow allows").isTrue();
    assertThat(Robots.parse("User-agent: *\nAllow: /a\nDisallow: /a\n").allows("/a.jpg")).as("Allow wins a tie").isTrue();
    assertThat(Robots.DISALLOW_ALL.allows("/")).isFalse();
  }

  /** The matcher agrees with the RFC's meaning (a regular expression, here only for small cases) on random patterns. */
  @Test
  void theMatcherAgreesWithTheRfcsMeaningOnRandomPatterns() {
    java.util.Random random = new java.util.Random(26);
    String alphabet = "ab/*";
    for (int n = 0; n < 20_000; n++) {
      StringBuilder p = new StringBuilder("/");
      for (int k = random.nextInt(6); k > 0; k--) {
        p.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      if (random.nextBoolean()) {
        p.append('$');
      }
      StringBuilder path = new StringBuilder("/");
      for (int k = random.nextInt(8); k > 0; k--) {
        path.append("ab/".charAt(random.nextInt(3)));
      }
      String pattern = p.toString();
      boolean anchored = pattern.endsWith("$");
      String body = anchored ? pattern.substring(0, pattern.length() - 1) : pattern;
      String regex = java.util.Arrays.stream(body.split("\\*", -1)).map(java.util.regex.Pattern::quote)
          .reduce((x, y) -> x + ".*" + y).orElse("") + (anchored ? "" : ".*");
      assertThat(Robots.matches(pattern, path.toString())).as("%s on %s", pattern, path)
          .isEqualTo(path.toString().matches(regex));
    }
  }

  /** The probe: {@code Disallow: /**********Z} took 30 s of CPU on one path (a regular expression backtracking). */
  @Test
  void manyStarsDoNotBacktrackWithoutEnd() {
    Robots r = Robots.parse("User-agent: *\nDisallow: /**********Z\nCrawl-delay: 86400\n");
    String path = "/" + "a".repeat(5000);
    assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> assertThat(r.allows(path)).isTrue());
    assertThat(r.allows(path + "Z")).isFalse();
    assertThat(r.crawlDelaySeconds()).as("read as asked; the crawler refuses the host").isEqualTo(86400);
  }
}
