package io.fieldcap.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The ingest server's configuration ({@code server} and {@code mqtt} sections).
 *
 * @param dataDir where images and {@code fieldcap.db} live
 * @param maxFrameBytes frames larger than this are rejected ({@code too-large})
 * @param maxChunkBytes the largest chunk accepted; the MQTT maximum packet size follows it, so the
 *     broker refuses larger messages instead of the server buffering them
 * @param maxStagedBytesPerDevice most bytes one device may have in transfers in progress
 * @param maxStagedBytes most bytes in transfers in progress, all devices
 * @param minFreeBytes free bytes always left on the data folder's disk
 * @param maxDeviceMessagesPerSecond messages one device may send per second; more are dropped (0: no cap)
 * @param maxDeviceBytesPerSecond bytes one device may send per second; more are dropped (0: no cap)
 * @param stagingTimeout incomplete transfers older than this are dropped
 * @param shareGroup the shared-subscription group that several servers join to split the load
 * @param signingKey the server's Ed25519 private key (PEM, from {@code fieldcap keys generate}) that
 *     signs every ack; null sends unsigned acks
 * @param mqtt the broker and credentials
 * @param http the web app and API ({@code server.http}), or null when {@code server.http.listen} is not set
 * @param brokers every broker to subscribe to ({@code server.brokers}; by default {@code mqtt.broker} alone),
 *     each with the shared group: devices spread over independent brokers, servers read them all
 * @param measureOnIngest measure each image right after its ack ({@code server.measure: on-ingest}), or leave it to
 *     {@code fieldcap clean} ({@code deferred})
 * @param objectStore where images go when not in the data folder ({@code server.store: s3://...}), or null
 * @param database where the metadata goes when not in {@code DATA/fieldcap.db} ({@code server.database:
 *     postgresql://...}), or null for SQLite
 * @param maxPixels images of more pixels (width × height, from the manifest, checked against the JPEG's
 *     own header) are rejected ({@code too-large}) before any is decoded ({@code server.max-pixels})
 */
public record ServerConfig(Path dataDir, long maxFrameBytes, long maxChunkBytes, long maxStagedBytesPerDevice,
    long maxStagedBytes, long minFreeBytes, long maxDeviceMessagesPerSecond, long maxDeviceBytesPerSecond,
    Duration stagingTimeout, String shareGroup, Path signingKey, MqttConfig mqtt, Http http, List<URI> brokers,
    boolean measureOnIngest, ObjectStoreConfig objectStore, String database, long maxPixels) {
  /** The default of {@code server.max-pixels}: 8192 × 8192, above any survey camera's 45 to 61 MP. */
  public static final long MAX_PIXELS = 8192L * 8192;

  /**
   * The web app ({@code server.http}).
   *
   * @param host the address to listen on ({@code 127.0.0.1}: this machine only)
   * @param port the port (0: any free one, for tests)
   * @param tokensFile the tokens ({@code fieldcap tokens add}); required
   * @param tlsCert PEM certificate chain for HTTPS, or null for plain HTTP
   * @param tlsKey its PEM private key (PKCS#8), or null
   * @param publicUrl the address users reach the app at ({@code server.http.public-url}), from which
   *     links handed to other tools are built and against which a login's Origin is checked; null: the
   *     address it listens on (links) and the request's own origin (login)
   */
  public record Http(String host, int port, Path tokensFile, Path tlsCert, Path tlsKey, URI publicUrl) {
    public Http(String host, int port, Path tokensFile, Path tlsCert, Path tlsKey) {
      this(host, port, tokensFile, tlsCert, tlsKey, null);
    }
  }

  public ServerConfig(Path dataDir, long maxFrameBytes, long maxChunkBytes, long maxStagedBytesPerDevice, long maxStagedBytes,
      long minFreeBytes, long maxDeviceMessagesPerSecond, long maxDeviceBytesPerSecond, Duration stagingTimeout,
      String shareGroup, Path signingKey, MqttConfig mqtt) {
    this(dataDir, maxFrameBytes, maxChunkBytes, maxStagedBytesPerDevice, maxStagedBytes, minFreeBytes,
        maxDeviceMessagesPerSecond, maxDeviceBytesPerSecond, stagingTimeout, shareGroup, signingKey, mqtt, null,
        List.of(mqtt.broker()), true, null, null, MAX_PIXELS);
  }

  /** The mqtt settings for one of {@link #brokers} (the same credentials and TLS files for each). */
  public MqttConfig mqttFor(URI broker) {
    MqttConfig m = mqtt;
    return new MqttConfig(broker, m.username(), m.passwordFile(), m.caFile(), m.certFile(), m.keyFile(), m.topicRoot(),
        m.clientId(), m.chunkBytes(), m.window(), m.ackTimeout(), m.statusInterval(), m.drain(), m.maxBytesPerSecond(),
        m.serverKey());
  }
}
