package io.fieldcap.agent;

import io.fieldcap.inference.ModelException;
import io.fieldcap.model.Detection;
import io.fieldcap.model.Frame;
import io.fieldcap.model.LabelSet;
import io.fieldcap.privacy.Redactor;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The redact stage: blurs faces and chosen classes in a kept frame's pixels before anything is
 * written, and with {@code privacy.label-faces} adds the faces to its labels. A frame that could not
 * be redacted is never stored: it is counted as {@code rejectedBy.redaction}.
 */
final class Redaction implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Redaction.class);
  /** The rejection reason of frames that could not be redacted (and so were not stored). */
  static final String REJECTED = "redaction";

  /** Where a frame that could not be redacted is counted. */
  interface Failures {
    void failed();
  }

  private final Redactor redactor;
  private final boolean labelFaces;
  private final Failures failures;

  /** {@code redactor} null: nothing to redact, frames pass unchanged. */
  Redaction(Redactor redactor, boolean labelFaces, Failures failures) {
    this.redactor = redactor;
    this.labelFaces = labelFaces;
    this.failures = failures;
  }

  /** The frame redacted (its pixels changed in place), or null when redaction failed and it must not be stored. */
  Kept redact(Kept k) {
    return redact(k, true);
  }

  /**
   * A frame no rule kept, redacted for an event clip's buffer: as {@link #redact(Kept)}, but a failure is not counted
   * as a rejection (the frame was counted already, under the reason no rule kept it); it stays out of the clip.
   */
  Kept redactForClip(Kept k) {
    return redact(k, false);
  }

  private Kept redact(Kept k, boolean counted) {
    if (redactor == null) {
      return k;
    }
    Frame f = k.frame();
    try {
      Redactor.Redaction r = redactor.redact(f.width(), f.height(), f.bgr(), k.labels());
      LabelSet labels = k.labels();
      List<Detection> faces = r.faces();
      if (labelFaces && !faces.isEmpty()) {
        List<Detection> all = new ArrayList<>(labels == null ? List.of() : labels.detections());
        all.addAll(faces);
        labels = new LabelSet(labels == null ? "faces" : labels.model(), all, labels == null ? null : labels.version());
      }
      return k.redacted(labels, r.changed());
    } catch (ModelException e) {
      if (counted) {
        failures.failed();
      }
      log.error("privacy redaction failed, frame dropped{}: {}", counted ? "" : " from the clip", e.getMessage());
      return null;
    }
  }

  @Override
  public void close() {
    if (redactor != null) {
      redactor.close();
    }
  }
}
