package io.fieldcap.update;

import io.fieldcap.fs.Durable;
import io.fieldcap.model.Sha256;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * A bundle's files being received into a fresh folder: each chunk written at its place in its file
 * (files are matched by the SHA-256 their chunks are published under), until every file is whole;
 * then each file is fsynced and checked against its SHA-256 in the signed manifest.
 */
final class BundleFiles implements AutoCloseable {
  private final Bundle bundle;
  private final Path dir;
  private final BitSet[] got;
  private final RandomAccessFile[] out;

  BundleFiles(Bundle bundle, Path dir) throws IOException {
    this.bundle = bundle;
    this.dir = dir;
    Updater.deleteTree(dir);
    Files.createDirectories(dir);
    got = new BitSet[bundle.files().size()];
    out = new RandomAccessFile[got.length];
    for (int i = 0; i < got.length; i++) {
      got[i] = new BitSet();
      out[i] = new RandomAccessFile(dir.resolve(bundle.files().get(i).name()).toFile(), "rw");
      out[i].setLength(bundle.files().get(i).size());
    }
  }

  /** Writes chunk {@code index} of the file(s) whose SHA-256 is {@code sha256}; false when it belongs to none (wrong size or index). */
  boolean write(String sha256, int index, byte[] payload) throws IOException {
    boolean used = false;
    for (int i = 0; i < got.length; i++) {
      Bundle.FileEntry f = bundle.files().get(i);
      long offset = (long) index * f.chunkSize();
      long expected = Math.min(f.chunkSize(), f.size() - offset);
      if (f.sha256().equals(sha256) && index < f.chunks() && payload.length == Math.max(0, expected)) {
        out[i].seek(offset);
        out[i].write(payload);
        got[i].set(index);
        used = true;
      }
    }
    return used;
  }

  /** Whether every chunk of every file is here. */
  boolean complete() {
    for (int i = 0; i < got.length; i++) {
      if (got[i].cardinality() < (bundle.files().get(i).size() == 0 ? 0 : bundle.files().get(i).chunks())) {
        return false;
      }
    }
    return true;
  }

  /** Fsyncs every file, then checks each against its SHA-256; returns the folder. */
  Path verified() throws IOException, Signed.Refused {
    for (RandomAccessFile r : out) {
      Durable.sync(r.getChannel());
    }
    for (Bundle.FileEntry f : bundle.files()) {
      if (!Sha256.file(dir.resolve(f.name())).equals(f.sha256())) {
        throw new Signed.Refused("file " + f.name() + " does not match its SHA-256 in the manifest (altered on the broker"
            + " or damaged in transit)");
      }
    }
    return dir;
  }

  @Override
  public void close() {
    for (RandomAccessFile r : out) {
      if (r != null) {
        try {
          r.close();
        } catch (IOException e) {
          // nothing to do
        }
      }
    }
  }
}
