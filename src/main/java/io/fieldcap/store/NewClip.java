package io.fieldcap.store;

import java.time.Instant;

/**
 * An event clip as ingest hands it to the store: its identity (device, clip id, sequence number), its span and
 * frame rate, its video's size and SHA-256, the rule that started it, and its labels and metadata as the JSON
 * the device sent ({@code model.ClipLabels}, {@code meta}).
 */
public record NewClip(String device, String clipId, long seq, Instant startedAt, Instant endedAt, double fps, int frames,
    int trigger, int width, int height, String sha256, long bytes, String rule, String labels, String meta) {}
