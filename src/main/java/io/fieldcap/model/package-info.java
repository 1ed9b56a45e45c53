/**
 * The records every other package speaks in: device and frame identities and the captured {@link
 * io.fieldcap.model.Frame}. This package imports nothing of the project and no library, so the
 * capture, spool, sync and server code can share it without pulling each other in.
 */
package io.fieldcap.model;
