package io.fieldcap.config;

import java.time.Duration;

/**
 * Event clips ({@code clips:}, docs/capture.md): when a rule with {@code clip: true} keeps a frame, the
 * agent writes a clip of the frames around it, from {@code pre} before it (kept in a ring buffer of
 * encoded frames) to {@code post} after the last frame a clip rule kept, at most {@code max} long.
 *
 * @param pre footage kept from before the trigger
 * @param post footage kept after the last trigger
 * @param max the longest clip; a longer event is cut into clips of this length
 * @param maxBytes the ring buffer's bound in encoded bytes (the oldest frames go first)
 * @param fps the frame rate clips are written at (frames beyond it are left out of the clip)
 */
public record ClipsConfig(Duration pre, Duration post, Duration max, long maxBytes, double fps) {
  public static ClipsConfig defaults() {
    return new ClipsConfig(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(60), 64L << 20, 5);
  }
}
