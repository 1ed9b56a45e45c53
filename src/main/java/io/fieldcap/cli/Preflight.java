package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.config.FieldcapConfig;
import io.fieldcap.config.ModelConfig;
import io.fieldcap.config.MqttConfig;
import io.fieldcap.config.PrivacyConfig;
import io.fieldcap.config.ServerConfig;
import io.fieldcap.inference.ModelException;
import io.fieldcap.inference.ModelFamily;
import io.fieldcap.inference.OnnxDetector;
import io.fieldcap.keys.SigningKeys;
import io.fieldcap.transport.Tls;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.SocketException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks what the config only names: that key and certificate files parse. Run by {@code config
 * check}, {@code agent} and {@code server} before anything starts, so that a broken file is exit 2
 * (a bad configuration, which systemd does not restart) instead of a failure at run time that it
 * would restart forever.
 */
final class Preflight {
  private Preflight() {}

  static void check(MqttConfig mqtt) throws ConfigException {
    List<String> problems = new ArrayList<>();
    mqtt(mqtt, problems);
    done(problems);
  }

  /**
   * What {@code config check} tries beyond the files: that the model (and the face model) load with
   * their metadata as the agent would load them, and that the MAVLink port can be bound.
   */
  static void deep(FieldcapConfig c) throws ConfigException {
    deep(c, null);
  }

  /** As {@link #deep(FieldcapConfig)}, for a config to replace {@code running} in this process (which holds its ports). */
  static void deep(FieldcapConfig c, FieldcapConfig running) throws ConfigException {
    List<String> problems = new ArrayList<>();
    if (c.update().key() != null) {
      try {
        SigningKeys.readPublic(c.update().key());
      } catch (IOException e) {
        problems.add("update.key: " + e.getMessage());
      }
    }
    mqtt(c.mqtt(), problems);
    ModelConfig m = c.model();
    if (m != null) {
      try {
        OnnxDetector.open(OnnxDetector.Options.of(m, m.path(), m.labels(), ModelFamily.of(m))).close();
      } catch (ModelException | RuntimeException e) {
        problems.add("model: " + e.getMessage() + (m.required() ? "" : " (model.required is false: the agent would capture"
            + " without pre-labels)"));
      }
    }
    if (c.privacy().faces() != PrivacyConfig.Mode.OFF) {
      try {
        OnnxDetector.open(new OnnxDetector.Options(c.privacy().faceModel(), null, null, 0.5f, 0.3f, "cpu", 1)).close();
      } catch (ModelException | RuntimeException e) {
        problems.add("privacy.face-model: " + e.getMessage());
      }
    }
    int port = c.geo().mavlinkPort();
    if (port > 0 && (running == null || running.geo().mavlinkPort() != port)) {
      try (DatagramSocket s = new DatagramSocket(port)) {
        s.getLocalPort();
      } catch (SocketException e) {
        problems.add("geo.mavlink-port: cannot listen on UDP port " + port + " (" + e.getMessage()
            + "; is another program, or another agent, using it?)");
      }
    }
    done(problems);
  }

  static void check(ServerConfig server) throws ConfigException {
    List<String> problems = new ArrayList<>();
    if (server.signingKey() != null) {
      try {
        SigningKeys.readPrivate(server.signingKey());
      } catch (IOException e) {
        problems.add("server.signing-key: " + e.getMessage());
      }
    }
    mqtt(server.mqtt(), problems);
    done(problems);
  }

  private static void mqtt(MqttConfig mqtt, List<String> problems) {
    if (mqtt == null) {
      return;
    }
    if (mqtt.serverKey() != null) {
      try {
        SigningKeys.readPublic(mqtt.serverKey());
      } catch (IOException e) {
        problems.add("mqtt.server-key: " + e.getMessage());
      }
    }
    if (mqtt.caFile() != null || mqtt.certFile() != null) {
      try {
        Tls.socketFactory(mqtt.caFile(), mqtt.certFile(), mqtt.keyFile());
      } catch (GeneralSecurityException | IOException | RuntimeException e) {
        problems.add("mqtt TLS files (" + files(mqtt.caFile(), mqtt.certFile(), mqtt.keyFile()) + "): " + e.getMessage());
      }
    }
  }

  private static String files(Path... paths) {
    List<String> out = new ArrayList<>();
    for (Path p : paths) {
      if (p != null) {
        out.add(p.toString());
      }
    }
    return String.join(", ", out);
  }

  private static void done(List<String> problems) throws ConfigException {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }
}
