package io.fieldcap;

/** This build's version, from the jar's manifest. */
public final class Version {
  private Version() {}

  /** The version ({@code 0.1.0}), or null when running from classes rather than the jar. */
  public static String current() {
    return Version.class.getPackage().getImplementationVersion();
  }
}
