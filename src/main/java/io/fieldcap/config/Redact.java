package io.fieldcap.config;

/** Removes credentials from URIs before they reach logs. */
public final class Redact {
  private Redact() {}

  /** {@code rtsp://user:secret@cam/1} becomes {@code rtsp://user:***@cam/1}. */
  public static String uri(String uri) {
    return uri.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://[^/@:]*):[^/@]*@", "$1:***@");
  }
}
