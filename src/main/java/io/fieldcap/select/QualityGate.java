package io.fieldcap.select;

import io.fieldcap.config.QualityConfig;

/** Blur and exposure: the verdicts that need only the frame itself, made before inference. */
public final class QualityGate {
  /** Rejection reasons, as counted under {@code rejectedBy}. */
  public static final String BLUR = "blur";
  public static final String EXPOSURE = "exposure";

  private final QualityConfig config;

  public QualityGate(QualityConfig config) {
    this.config = config;
  }

  /** The reason to reject a frame of this quality, or null to keep it. */
  public String verdict(FrameQuality q) {
    if (config.darkBelow() > 0 && q.brightness() < config.darkBelow()
        || config.brightAbove() < 255 && q.brightness() > config.brightAbove()) {
      return EXPOSURE;
    }
    if (config.blurMin() > 0 && q.sharpness() < config.blurMin()) {
      return BLUR;
    }
    return null;
  }
}
