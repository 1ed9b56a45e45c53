package io.fieldcap.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The MQTT broker the agent syncs to.
 *
 * @param broker {@code tcp://host:1883} or {@code ssl://host:8883}
 * @param username optional user name; the password comes from the environment variable {@code
 *     FIELDCAP_MQTT_PASSWORD} or from {@code passwordFile}
 * @param passwordFile optional file holding the password (first line)
 * @param caFile CA certificate (PEM) that signed the broker's certificate, for {@code ssl://}
 * @param certFile optional client certificate (PEM)
 * @param keyFile the client certificate's private key (PEM, PKCS#8), with {@code certFile}
 * @param topicRoot the root of every topic, {@code fieldcap/v1} by default
 * @param clientId the MQTT client id; by default derived from the device id
 * @param chunkBytes the largest chunk of an image in one message (AWS IoT Core caps messages at 128 KB)
 * @param window the most frames in flight (sent, not yet acknowledged by the server); also capped by
 *     the broker's receive maximum
 * @param ackTimeout how long a frame in flight may go without an answer before it is offered again
 * @param statusInterval how often the retained status message is refreshed
 * @param drain the order in which waiting frames are sent (within a priority, higher first)
 * @param maxBytesPerSecond the most image bytes sent per second; 0 for no cap
 * @param serverKey the server's Ed25519 public key (PEM, from {@code fieldcap keys generate}): only
 *     acks signed by it are acted on; null to accept unsigned acks (still only with the frame's SHA-256)
 */
public record MqttConfig(
    URI broker, String username, Path passwordFile, Path caFile, Path certFile, Path keyFile, String topicRoot,
    String clientId, int chunkBytes, int window, Duration ackTimeout, Duration statusInterval,
    Drain drain, long maxBytesPerSecond, Path serverKey) {

  /** The order in which a backlog is sent. */
  public enum Drain {
    /** Alternately the newest and the oldest waiting frame: live frames get through while the backlog drains. */
    FAIR,
    /** The newest first: the backlog drains only when capture leaves room. */
    LIVE_FIRST,
    /** The oldest first: frames arrive in capture order; live frames wait behind the backlog. */
    OLDEST_FIRST
  }


  /** The password: {@code FIELDCAP_MQTT_PASSWORD} if set, else the first line of the password file, else null. */
  public char[] password() {
    String env = System.getenv("FIELDCAP_MQTT_PASSWORD");
    if (env != null && !env.isEmpty()) {
      return env.toCharArray();
    }
    if (passwordFile == null) {
      return null;
    }
    try {
      return Files.readAllLines(passwordFile).stream().findFirst().orElse("").toCharArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read mqtt.password-file " + passwordFile, e);
    }
  }
}
