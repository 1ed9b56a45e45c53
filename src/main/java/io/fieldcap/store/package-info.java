/**
 * The server's storage: images under {@code DATA/images/DEVICE/YYYY-MM-DD/FRAME.jpg} or the same keys
 * in an S3-compatible bucket ({@link io.fieldcap.store.ImageStore}); frame metadata and labels in
 * {@code DATA/fieldcap.db} (SQLite) or PostgreSQL ({@link io.fieldcap.store.Db}); and the staging
 * area where chunks are put back together ({@link io.fieldcap.store.Staging}). Ingest and export see
 * only {@link io.fieldcap.store.FrameStore} and {@link io.fieldcap.store.LocalFrameStore}.
 */
package io.fieldcap.store;
