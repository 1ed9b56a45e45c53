/** MQTT v5 connection set-up shared by the agent's sync and the server's ingest: options, TLS from PEM files. */
package io.fieldcap.transport;
