package io.fieldcap.config;

import io.fieldcap.model.DeviceId;
import java.util.List;
import java.util.Map;

/**
 * A device's whole, validated configuration. Built only by {@link ConfigLoader}.
 *
 * @param mqtt the broker to sync to, or {@code null} when the device only captures
 * @param model the pre-labeling model, or {@code null} to capture without pre-labels
 * @param groups the update groups this device belongs to ({@code device.groups})
 */
public record FieldcapConfig(
    DeviceId device, SourceConfig source, SpoolConfig spool, MqttConfig mqtt, AgentConfig agent, ModelConfig model,
    QualityConfig quality, CaptureConfig capture, PrivacyConfig privacy, GeoConfig geo, Map<String, String> tags,
    List<String> groups, UpdateConfig update, TrackingConfig tracking,
    ClipsConfig clips) {}
