/**
 * The one JSON mapper every package uses ({@link io.fieldcap.json.Json}). It imports nothing of the
 * project, so the store, the spool and the web app need not borrow the wire protocol's codec.
 */
package io.fieldcap.json;
