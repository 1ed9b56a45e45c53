package io.fieldcap.config;

import java.util.List;

/** The configuration is invalid; {@link #errors()} lists every problem found, one line each. */
public final class ConfigException extends Exception {
  private final List<String> errors;

  public ConfigException(List<String> errors) {
    super(String.join("\n", errors));
    this.errors = List.copyOf(errors);
  }

  public ConfigException(String error) {
    this(List.of(error));
  }

  public List<String> errors() {
    return errors;
  }
}
