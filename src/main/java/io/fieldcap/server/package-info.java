/** The ingest server's wiring and lifecycle: store, MQTT link, ingest, housekeeping. */
package io.fieldcap.server;
