package io.fieldcap.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The ingest server's configuration ({@code server} and {@code mqtt} sections).
 *
 * @param dataDir where images and {@code fieldcap.db} live
 * @param maxFrameBytes frames larger than this are rejected ({@code too-large})
 * @param stagingTimeout incomplete transfers older than this are dropped
 * @param shareGroup the shared-subscription group that several servers join to split the load
 * @param signingKey the server's Ed25519 private key (PEM, from {@code fieldcap keys generate}) that
 *     signs every ack; null sends unsigned acks
 * @param mqtt the broker and credentials
 */
public record ServerConfig(Path dataDir, long maxFrameBytes, Duration stagingTimeout, String shareGroup,
    Path signingKey, MqttConfig mqtt) {}
