package io.fieldcap.store;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;

/**
 * Transfers in progress: each frame's manifest and its chunks as they arrive, until the frame is
 * assembled. Shared by every server of the group, because Mosquitto's shared subscription hands the
 * chunks of one frame to whichever server is next: with SQLite they are files in the shared data
 * folder ({@link FileStaging}), with PostgreSQL rows in the database ({@link DbStaging}), which is all
 * that servers on different machines share. Nothing here needs to survive a crash: a transfer lost
 * is asked for again, and the SHA-256 check guards what is assembled.
 */
interface Staging {
  /** Records a transfer's manifest bytes; other bytes under the same id replace them and drop its chunks. */
  void stage(Transfer t, byte[] manifest) throws IOException;

  byte[] staged(String device, String frameId) throws IOException;

  void putChunk(String device, String frameId, int index, byte[] data) throws IOException;

  List<Integer> missingChunks(Transfer t) throws IOException;

  boolean hasChunk(String device, String frameId, int index);

  /** Writes the frame's chunks, in order, to {@code out}. */
  void copyChunks(Transfer t, OutputStream out) throws IOException;

  void drop(String device, String frameId) throws IOException;

  /** Drops the transfers untouched since {@code cutoff}; how many. */
  int expire(Instant cutoff) throws IOException;
}
