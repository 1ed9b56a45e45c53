/**
 * Ed25519 keys in PEM files: generating, reading and writing them, for signed acks (the server's key)
 * and signed update bundles (the fleet's key). A leaf: it imports nothing of the project, so the
 * configuration can check an inline public key without importing the wire protocol.
 */
package io.fieldcap.keys;
