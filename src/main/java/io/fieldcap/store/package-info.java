/**
 * The server's storage: images under {@code DATA/images/DEVICE/YYYY-MM-DD/FRAME.jpg} or the same keys
 * in an S3-compatible bucket ({@link io.fieldcap.store.ImageStore}); frame metadata and labels in
 * {@code DATA/fieldcap.db} (SQLite) or PostgreSQL ({@link io.fieldcap.store.Db}); and the staging
 * area where chunks are put back together ({@link io.fieldcap.store.Staging}). It speaks its own
 * types ({@link io.fieldcap.store.Transfer}, {@link io.fieldcap.store.NewFrame}, {@link
 * io.fieldcap.store.StoredFrame}), never the wire's: ingest translates. {@link
 * io.fieldcap.store.LocalFrameStore} is the facade the server opens; ingest uses it through {@link
 * io.fieldcap.store.FrameStore}, the dataset half and the web app through its sub-stores (frames,
 * revisions, marks, datasets, devices).
 */
package io.fieldcap.store;
