/**
 * The server's storage: images under {@code DATA/images/DEVICE/YYYY-MM-DD/FRAME.jpg}, frame metadata
 * and labels in {@code DATA/fieldcap.db} (SQLite), and the staging area where chunks are put back
 * together. Behind {@link io.fieldcap.store.FrameStore} so that PostgreSQL and object storage can be
 * added without touching ingest or export.
 */
package io.fieldcap.store;
