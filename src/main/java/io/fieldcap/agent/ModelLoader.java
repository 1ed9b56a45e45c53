package io.fieldcap.agent;

import io.fieldcap.config.GeoConfig;
import io.fieldcap.config.ModelConfig;
import io.fieldcap.config.PrivacyConfig;
import io.fieldcap.geo.GpsdClient;
import io.fieldcap.geo.MavlinkListener;
import io.fieldcap.geo.PositionSource;
import io.fieldcap.inference.Detector;
import io.fieldcap.inference.ModelException;
import io.fieldcap.inference.OnnxDetector;
import io.fieldcap.privacy.Redactor;
import io.fieldcap.spool.SpoolException;
import io.fieldcap.update.Bundle;
import io.fieldcap.update.Staging;
import io.fieldcap.update.UpdateState;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens what the agent labels and redacts with, refusing to capture what could not be redacted. */
final class ModelLoader {
  private static final Logger log = LoggerFactory.getLogger(ModelLoader.class);

  private ModelLoader() {}

  /**
   * The model to pre-label with: an updated one when an update activated it and it loads, else
   * {@code model.path}; null without a model section, or when it fails and {@code model.required} is false.
   */
  static Detector open(ModelConfig m, UpdateState updates) throws ModelException {
    if (m == null) {
      return null;
    }
    Path updated = updates == null ? null : updates.activeModel();
    if (updated != null) {
      try {
        OnnxDetector d = Staging.open(m, updated, updates.activeLabels(), true);
        log.info("model {} (from update #{}) instead of model.path {}: {} classes", updated.getFileName(),
            updates.kind(Bundle.MODEL).active.sequence, m.path(), d.info().names().size());
        return d;
      } catch (ModelException e) {
        log.error("the updated model {} does not load ({}); using model.path {}", updated, e.getMessage(), m.path());
      }
    }
    try {
      OnnxDetector d = Staging.open(m, m.path(), m.labels(), false);
      log.info("model {}: {} with {} classes, input {}x{}, {} thread(s) on {}", m.path().getFileName(),
          d.info().family().configName(), d.info().names().size(), d.info().inputWidth(), d.info().inputHeight(),
          m.threads(), m.provider());
      return d;
    } catch (ModelException e) {
      if (m.required()) {
        throw e;
      }
      log.error("{}; capturing WITHOUT pre-labels because model.required is false", e.getMessage());
      return null;
    }
  }

  /**
   * The redactor for the {@code privacy} section, or null when it redacts nothing. Without the model,
   * {@code privacy.classes} cannot work, and without the face model faces cannot: both refuse to start
   * (closing {@code detector}), rather than capture frames that could not be redacted.
   */
  static Redactor redactor(PrivacyConfig privacy, Detector detector) throws ModelException {
    if (detector == null && !privacy.classes().isEmpty()) {
      throw new ModelException("privacy.classes " + privacy.classes() + " needs the model, which did not load;"
          + " refusing to capture frames that could not be redacted");
    }
    if (!privacy.active()) {
      return null;
    }
    try {
      Redactor r = new Redactor(privacy);
      log.info("privacy: faces {}, classes {}, {} mask(s); applied before any image is written",
          privacy.faces().name().toLowerCase(Locale.ROOT), privacy.classes(), privacy.masks().size());
      return r;
    } catch (ModelException e) {
      if (detector != null) {
        detector.close();
      }
      throw new ModelException("privacy: " + e.getMessage()); // never capture unredacted frames instead
    }
  }

  /** Starts the configured position source (MAVLink or gpsd), or returns null without one. */
  static PositionSource positions(GeoConfig g) {
    if (g.mavlinkPort() > 0) {
      try {
        return new MavlinkListener(g.mavlinkPort());
      } catch (SocketException e) {
        throw new SpoolException("geo.mavlink-port: cannot listen on UDP port " + g.mavlinkPort() + ": " + e.getMessage(), e);
      }
    }
    return g.gpsdHost() == null ? null : new GpsdClient(g.gpsdHost(), g.gpsdPort());
  }
}
