package io.fieldcap.markup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

class MarkupTest {
  @Test
  void everyMarkupCharacterIsAReferenceAndWhatXmlForbidsBecomesAReplacementCharacter() throws Exception {
    assertThat(Markup.escape("a<b>&\"c'")).isEqualTo("a&lt;b&gt;&amp;&quot;c&#39;");
    assertThat(Markup.escape("car]]>")).isEqualTo("car]]&gt;");
    assertThat(Markup.escape("bell\u0007 nul\u0000 tab\t")).isEqualTo("bell\uFFFD nul\uFFFD tab\t");
    assertThat(Markup.escape("lone \uD800 pair \uD83D\uDE97")).isEqualTo("lone \uFFFD pair \uD83D\uDE97");
    assertThat(Markup.escape(null)).isEmpty();
    // what it writes parses as XML, in content and in attributes
    String hostile = "x]]><!-- \u0001\u001F \uFFFE \"' & <y/>";
    String doc = "<a b=\"" + Markup.escape(hostile) + "\" c='" + Markup.escape(hostile) + "'>" + Markup.escape(hostile) + "</a>";
    var parsed = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(doc.getBytes(StandardCharsets.UTF_8)));
    assertThat(parsed.getDocumentElement().getAttribute("b")).startsWith("x]]><!-- ").endsWith("\"' & <y/>");
    assertThat(parsed.getDocumentElement().getTextContent()).isEqualTo(parsed.getDocumentElement().getAttribute("c"));
  }
}
