package io.fieldcap.model;

import java.util.regex.Pattern;

/**
 * A device identity. It becomes part of MQTT topics and of file paths on the server, so it is
 * restricted to {@code [A-Za-z0-9._-]}, 1 to 64 characters, and may not be {@code .} or {@code ..}.
 */
public record DeviceId(String value) {
  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public DeviceId {
    String problem = problem(value);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** Returns why {@code value} is not a valid device id, or {@code null} when it is. */
  public static String problem(String value) {
    if (value == null || value.isEmpty()) {
      return "device id must not be empty";
    }
    if (!ALLOWED.matcher(value).matches()) {
      return "device id '" + value + "' must be 1 to 64 characters from [A-Za-z0-9._-]";
    }
    if (value.equals("_fleet")) {
      return "device id must not be '_fleet' (the topic level of fleet updates)";
    }
    if (value.equals(".") || value.equals("..")) {
      return "device id must not be '" + value + "'";
    }
    return null;
  }

  @Override
  public String toString() {
    return value;
  }
}
