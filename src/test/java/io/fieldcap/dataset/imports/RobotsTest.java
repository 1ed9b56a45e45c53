package io.fieldcap.dataset.imports;

import static org.assertj.core.api.Assertions.assertThat;

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
}
