/**
 * The device side of sync: reads the spool, offers frames to the server over MQTT v5, sends the
 * chunks the server asks for, and acknowledges frames in the spool only when the server says it has
 * stored them. Sync never imports capture: the spool is the only link.
 */
package io.fieldcap.sync;
