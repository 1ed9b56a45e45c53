package io.fieldcap.store;

/**
 * A frame being transferred in chunks: the key of its staged manifest and chunks, and how many
 * chunks make it whole. The manifest itself is kept as the bytes ingest hands over; the store does
 * not read it.
 */
public record Transfer(String device, String frameId, int chunks) {}
