package io.fieldcap.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Signed updates ({@code update} section, docs/fleet.md).
 *
 * @param key the file of the pinned Ed25519 public key bundles must be signed with
 * @param publicKey the same key inline (the base64 body of the PEM file), which wins over {@code key}: a pushed
 *     config can rotate the key with it; with neither, the device takes no updates
 * @param probation how long an activated model or config is watched before it counts as good
 * @param collapseRatio a model on probation whose detections per frame fall below this fraction of the previous model's is rolled back
 * @param minFrames live frames of each model before the detection rates are compared, and that a new
 *     model must have been watched on before it can pass
 * @param probationMax the longest a model stays on probation waiting for {@code minFrames} live frames;
 *     then it is reported {@code unproven}, not {@code active}
 */
public record UpdateConfig(Path key, String publicKey, Duration probation, double collapseRatio, int minFrames,
    Duration probationMax) {
  public UpdateConfig(Path key, String publicKey, Duration probation, double collapseRatio, int minFrames) {
    this(key, publicKey, probation, collapseRatio, minFrames, Duration.ofDays(7));
  }

  /** Whether the device takes updates at all. */
  public boolean enabled() {
    return key != null || publicKey != null;
  }

  /** Where the pinned key comes from, for log lines. */
  public String source() {
    return publicKey != null ? "update.public-key" : String.valueOf(key);
  }
}
