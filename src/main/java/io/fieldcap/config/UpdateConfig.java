package io.fieldcap.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Signed updates ({@code update} section, docs/fleet.md).
 *
 * @param key the pinned Ed25519 public key bundles must be signed with; null: the device takes no updates
 * @param probation how long an activated model or config is watched before it counts as good
 * @param collapseRatio a model on probation whose detections per frame fall below this fraction of the previous model's is rolled back
 * @param minFrames live frames of each model before the detection rates are compared
 */
public record UpdateConfig(Path key, Duration probation, double collapseRatio, int minFrames) {
  public static final UpdateConfig NONE = new UpdateConfig(null, Duration.ofMinutes(10), 0.1, 20);
}
