package io.fieldcap.config;

import java.net.URI;
import java.nio.file.Path;

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
 */
public record MqttConfig(
    URI broker, String username, Path passwordFile, Path caFile, Path certFile, Path keyFile, String topicRoot) {}
