package io.fieldcap.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * A frame's identity, unique per device and stable across retries: the UTC capture time to the
 * millisecond and the per-device sequence number, for example {@code 20261129T045522123Z-000000000042}.
 * The time part keeps ids unique even when a device's spool is wiped and its sequence starts over;
 * ids sort in capture order.
 */
public record FrameId(String value) {
  private static final Pattern FORMAT = Pattern.compile("\\d{8}T\\d{9}Z-\\d{12,19}");
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

  public FrameId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "frame id '" + value + "' must look like 20261129T045522123Z-000000000042");
    }
  }

  public static FrameId of(Instant capturedAt, long seq) {
    if (seq < 0) {
      throw new IllegalArgumentException("sequence number must not be negative, was " + seq);
    }
    return new FrameId(STAMP.format(capturedAt) + "-" + String.format("%012d", seq));
  }

  @Override
  public String toString() {
    return value;
  }
}
