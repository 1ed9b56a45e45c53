package io.fieldcap.store;

import io.fieldcap.faults.CrashPoint;
import io.fieldcap.fs.Durable;
import io.fieldcap.json.Json;
import io.fieldcap.model.Sha256;
import io.fieldcap.store.FrameStore.Outcome;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How a verified frame becomes durable in the store: assembled into an fsynced temporary file
 * (hashing on the way), checked against the frame's size and SHA-256, renamed into place (files) or
 * put (S3), then its row committed, a whole group in one transaction. Idempotent on (device, frame
 * id): the same bytes again are a duplicate, other bytes a conflict that changes nothing. Rows are
 * written under the store's lock, as every other write of the store.
 */
final class Commits {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private final LocalFrameStore store;
  private final Db db;
  private final ImageStore images;
  private final Staging staging;

  Commits(LocalFrameStore store, Db db, ImageStore images, Staging staging) {
    this.store = store;
    this.db = db;
    this.images = images;
    this.staging = staging;
  }

  private Outcome existing(NewFrame m) throws IOException {
    String sha = store.storedSha256(m.device(), m.frameId());
    return sha == null ? null : sha.equals(m.sha256()) ? Outcome.DUPLICATE : Outcome.CONFLICT;
  }
  Assembled assemble(Transfer t) throws IOException {
    Path tmp = store.tmp().resolve(t.device() + "." + t.frameId() + "." + UUID.randomUUID() + ".part");
    MessageDigest sha = sha256();
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      OutputStream out = new DigestOutputStream(Channels.newOutputStream(ch), sha);
      staging.copyChunks(t, out);
      out.flush();
      Durable.sync(ch);
      return new Assembled(tmp, ch.size(), HexFormat.of().formatHex(sha.digest()));
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }
  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
  Outcome commit(NewFrame f, byte[] image, Instant receivedAt) throws IOException {
    try (Assembled a = assemble(f.device(), f.frameId(), image)) {
      return commit(f, a, receivedAt);
    }
  }
  Assembled assemble(String device, String frameId, byte[] whole) throws IOException {
    Path tmp = store.tmp().resolve(device + "." + frameId + "." + UUID.randomUUID() + ".part");
    Durable.writeSynced(tmp, whole);
    return new Assembled(tmp, whole.length, Sha256.hex(whole));
  }
  Outcome commit(NewFrame m, Assembled image, Instant receivedAt) throws IOException {
    return commitAll(List.of(m), List.of(image), receivedAt).get(0);
  }
  List<Outcome> commitAll(List<NewFrame> ms, List<Assembled> images, Instant receivedAt) throws IOException {
    Outcome[] out = new Outcome[ms.size()];
    synchronized (store) {
      for (int i = 0; i < ms.size(); i++) {
        out[i] = existing(ms.get(i));
      }
    }
    List<Integer> fresh = new ArrayList<>();
    List<String> rels = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    List<String> shas = new ArrayList<>();
    for (int i = 0; i < ms.size(); i++) {
      NewFrame m = ms.get(i);
      Assembled image = images.get(i);
      if (!image.sha256().equals(m.sha256()) || image.bytes() != m.bytes()) {
        throw new IllegalArgumentException("the assembled image does not match frame " + m.frameId() + "'s manifest");
      }
      if (out[i] == null) {
        fresh.add(i);
        rels.add("images/" + m.device() + "/" + DAY.format(m.capturedAt()) + "/" + m.frameId() + ".jpg");
        files.add(image.file());
        shas.add(m.sha256());
      }
    }
    if (fresh.isEmpty()) {
      return List.of(out);
    }
    this.images.putAll(rels, files, shas); // outside the lock: several uploads to an object store at once
    for (int k = 0; k < fresh.size(); k++) {
      CrashPoint.reach("store.durable"); // once per frame, so that a crash can be aimed at the Nth frame as before
    }
    List<Outcome> recorded;
    synchronized (store) { // the store's writes are serialised on it
      recorded = recordAll(fresh.stream().map(ms::get).toList(), rels, receivedAt);
    }
    for (int k = 0; k < fresh.size(); k++) {
      out[fresh.get(k)] = recorded.get(k);
    }
    return List.of(out);
  }
  /** Inserts the frames' rows in one transaction (one commit, one fsync, for a whole group). */
  private List<Outcome> recordAll(List<NewFrame> ms, List<String> rels, Instant receivedAt)
      throws IOException {
    Connection c = null;
    NewFrame current = ms.get(0);
    try {
      c = db.c();
      c.setAutoCommit(false);
      List<Outcome> out = new ArrayList<>(ms.size());
      try (PreparedStatement classes = c.prepareStatement(FrameClasses.INSERT);
          PreparedStatement queue = c.prepareStatement(ReviewQueue.INSERT);
          PreparedStatement p = c.prepareStatement("""
          INSERT INTO frames(device, frame_id, seq, captured_at, sha256, bytes, width, height, content_type,
                             model, labels, meta, path, received_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device, frame_id) DO NOTHING""")) {
        for (int i = 0; i < ms.size(); i++) {
          NewFrame m = ms.get(i);
          current = m;
          p.setString(1, m.device());
          p.setString(2, m.frameId());
          p.setLong(3, m.seq());
          p.setString(4, m.capturedAt().toString());
          p.setString(5, m.sha256());
          p.setLong(6, m.bytes());
          p.setInt(7, m.width());
          p.setInt(8, m.height());
          p.setString(9, m.contentType());
          p.setString(10, m.labels() == null ? null : m.labels().model());
          p.setString(11, m.labels() == null ? null : Json.MAPPER.writeValueAsString(m.labels()));
          p.setString(12, m.meta() == null ? null : Json.MAPPER.writeValueAsString(m.meta()));
          p.setString(13, rels.get(i));
          p.setString(14, receivedAt.toString());
          // 0 rows: another server committed this id first (servers sharing the data folder): same bytes or not
          boolean stored = p.executeUpdate() == 1;
          out.add(stored ? Outcome.STORED : null);
          if (stored) {
            FrameClasses.add(classes, m.device(), m.frameId(), FrameClasses.PRELABELS, m.labels());
            ReviewQueue.add(queue, m.device(), m.frameId(), m.capturedAt(), m.labels(), m.meta());
          }
        }
        classes.executeBatch();
        queue.executeBatch();
      }
      for (int i = 0; i < ms.size(); i++) {
        if (out.get(i) == null) {
          out.set(i, existing(ms.get(i)));
        }
      }
      c.commit();
      for (int i = 0; i < ms.size(); i++) {
        CrashPoint.reach("store.committed");
      }
      return out;
    } catch (SQLException e) {
      rollbackQuietly(c);
      throw new IOException("cannot record frame " + current.frameId() + ": " + e.getMessage(), e);
    } finally {
      if (c != null) {
        try {
          c.setAutoCommit(true);
        } catch (SQLException e) {
          // a broken connection: Db replaces it at the next use
        }
      }
    }
  }
  private static void rollbackQuietly(Connection c) {
    try {
      if (c != null) {
        c.rollback();
      }
    } catch (SQLException e) {
      // the transaction is gone with the connection
    }
  }

  /** A frame of an imported dataset: its image copied in and made durable, then its row; false when it is there already. */
  boolean storeImported(String source, String frameId, long seq, Instant capturedAt, Path file,
      String sha256, long bytes, int width, int height, String contentType, Map<String, Object> meta, Instant now)
      throws IOException {
    if (store.contains(source, frameId)) {
      return false;
    }
    String ext = contentType.equals("image/png") ? ".png" : ".jpg";
    String rel = "images/" + source + "/" + DAY.format(capturedAt) + "/" + frameId + ext;
    Path tmp = store.tmp().resolve(source + "." + frameId + "." + UUID.randomUUID() + ".part");
    Files.copy(file, tmp);
    Durable.syncFile(tmp);
    images.put(rel, tmp, sha256);
    try (PreparedStatement p = db.c().prepareStatement("""
        INSERT INTO frames(device, frame_id, seq, captured_at, sha256, bytes, width, height, content_type,
                           model, labels, meta, path, received_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?) ON CONFLICT (device, frame_id) DO NOTHING""")) {
      p.setString(1, source);
      p.setString(2, frameId);
      p.setLong(3, seq);
      p.setString(4, capturedAt.toString());
      p.setString(5, sha256);
      p.setLong(6, bytes);
      p.setInt(7, width);
      p.setInt(8, height);
      p.setString(9, contentType);
      p.setString(10, Json.MAPPER.writeValueAsString(meta));
      p.setString(11, rel);
      p.setString(12, now.toString());
      if (p.executeUpdate() != 1) {
        return false;
      }
      try (PreparedStatement queue = db.c().prepareStatement(ReviewQueue.INSERT)) {
        ReviewQueue.add(queue, source, frameId, capturedAt, null, meta);
        queue.executeBatch();
      }
      return true;
    } catch (SQLException e) {
      throw new IOException("cannot record imported image " + file + ": " + e.getMessage(), e);
    }
  }
}
