package io.fieldcap.config;

import io.fieldcap.model.DeviceId;

/**
 * A device's whole, validated configuration. Built only by {@link ConfigLoader}.
 *
 * @param mqtt the broker to sync to, or {@code null} when the device only captures
 */
public record FieldcapConfig(
    DeviceId device, SourceConfig source, SpoolConfig spool, MqttConfig mqtt, AgentConfig agent) {}
