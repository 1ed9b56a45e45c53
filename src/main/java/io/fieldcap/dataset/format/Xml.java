package io.fieldcap.dataset.format;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/** XML for the importers: parsed with DTDs and external entities refused (an annotation file is input, not trusted). */
final class Xml {
  private Xml() {}

  static Document parse(Path f) throws IOException {
    try {
      DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
      dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      dbf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      dbf.setXIncludeAware(false);
      dbf.setExpandEntityReferences(false);
      return dbf.newDocumentBuilder().parse(f.toFile());
    } catch (SAXException e) {
      throw new IOException("not well-formed XML: " + e.getMessage(), e);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The element children of {@code e} named {@code name} (all element children when null). */
  static List<Element> children(Element e, String name) {
    List<Element> out = new ArrayList<>();
    for (Node n = e == null ? null : e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && (name == null || c.getTagName().equals(name))) {
        out.add(c);
      }
    }
    return out;
  }

  static Element child(Element e, String name) {
    List<Element> c = children(e, name);
    return c.isEmpty() ? null : c.get(0);
  }

  /** The trimmed text of the first child element {@code name}, or null. */
  static String text(Element e, String name) {
    Element c = child(e, name);
    return c == null ? null : c.getTextContent().strip();
  }
}
