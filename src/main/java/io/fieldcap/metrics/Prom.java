package io.fieldcap.metrics;

/** Pieces of Prometheus' text format (version 0.0.4) shared by the agent's and the server's metrics. */
public final class Prom {
  private Prom() {}

  /** A label value, escaped: backslash, double quote and newline. */
  public static String label(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /** A family's {@code # HELP} and {@code # TYPE} lines. */
  public static void family(StringBuilder b, String name, String type, String help) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /** A family with one sample and no labels. */
  public static void one(StringBuilder b, String name, String type, String help, Object value) {
    family(b, name, type, help);
    b.append(name).append(' ').append(value).append('\n');
  }
}
