/**
 * The wire protocol between agent and server (documented in docs/protocol.md): topic layout,
 * the frame manifest, the server's acks, and chunking. Version 1.
 */
package io.fieldcap.protocol;
