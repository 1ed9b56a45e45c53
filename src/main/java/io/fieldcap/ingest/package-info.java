/**
 * The server side of sync: takes manifests and chunks from MQTT, asks for what is missing,
 * verifies, stores through {@link io.fieldcap.store.FrameStore}, then acks. Bad input is answered
 * with a rejection and never disturbs other devices.
 */
package io.fieldcap.ingest;
