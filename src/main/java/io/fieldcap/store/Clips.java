package io.fieldcap.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Event clips: the video in the image store under {@code clips/DEVICE/DAY/CLIP.mp4}, the row in {@code clips}
 * (Flyway V6). A clip sent again with the same bytes is a duplicate, with other bytes a conflict, as for frames.
 */
public final class Clips {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  /** A stored clip, without its labels (see {@link #labels}). */
  public record Clip(String device, String clipId, long seq, Instant startedAt, Instant endedAt, double fps, int frames,
      int trigger, int width, int height, String sha256, long bytes, String rule, String meta, Instant receivedAt) {}

  private final Sql sql;
  private final ImageStore images;
  private final Object lock;

  Clips(Sql sql, ImageStore images, Object lock) {
    this.sql = sql;
    this.images = images;
    this.lock = lock;
  }

  /** Stores the clip's video (its assembled file is consumed) and its row; what happened, as for a frame. */
  public FrameStore.Outcome commit(NewClip c, Assembled assembled, Instant receivedAt) throws IOException {
    Path video = assembled.file();
    String existing = sql.first("cannot look up clip " + c.device() + "/" + c.clipId(),
        "SELECT sha256 FROM clips WHERE device = ? AND clip_id = ?", r -> r.getString(1), c.device(), c.clipId());
    if (existing != null) {
      Files.deleteIfExists(video);
      return existing.equals(c.sha256()) ? FrameStore.Outcome.DUPLICATE : FrameStore.Outcome.CONFLICT;
    }
    String key = "clips/" + c.device() + "/" + DAY.format(c.startedAt()) + "/" + c.clipId() + ".mp4";
    images.put(key, video, c.sha256());
    synchronized (lock) {
      sql.update("cannot record clip " + c.device() + "/" + c.clipId(), """
          INSERT INTO clips(device, clip_id, seq, started_at, ended_at, fps, frames, trigger_frame, width, height, sha256,
            bytes, rule, file, labels, meta, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (device, clip_id) DO NOTHING""", c.device(), c.clipId(), c.seq(), c.startedAt(), c.endedAt(), c.fps(),
          c.frames(), c.trigger(), c.width(), c.height(), c.sha256(), c.bytes(), c.rule(), key, c.labels(), c.meta(), receivedAt);
    }
    return FrameStore.Outcome.STORED;
  }

  private static final String COLUMNS = "device, clip_id, seq, started_at, ended_at, fps, frames, trigger_frame, width,"
      + " height, sha256, bytes, rule, meta, received_at";

  private static Clip row(ResultSet r) throws SQLException {
    return new Clip(r.getString(1), r.getString(2), r.getLong(3), Instant.parse(r.getString(4)), Instant.parse(r.getString(5)),
        r.getDouble(6), r.getInt(7), r.getInt(8), r.getInt(9), r.getInt(10), r.getString(11), r.getLong(12), r.getString(13),
        r.getString(14), Instant.parse(r.getString(15)));
  }

  /** The newest clips first, of one device when {@code device} is not null, at most {@code limit}. */
  public List<Clip> list(String device, int limit) throws IOException {
    return device == null
        ? sql.list("cannot list the clips", "SELECT " + COLUMNS + " FROM clips ORDER BY started_at DESC, device, clip_id LIMIT ?",
            Clips::row, limit)
        : sql.list("cannot list the clips of " + device, "SELECT " + COLUMNS
            + " FROM clips WHERE device = ? ORDER BY started_at DESC, clip_id LIMIT ?", Clips::row, device, limit);
  }

  /** One clip, or null. */
  public Clip get(String device, String clipId) throws IOException {
    return sql.first("cannot read clip " + device + "/" + clipId, "SELECT " + COLUMNS
        + " FROM clips WHERE device = ? AND clip_id = ?", Clips::row, device, clipId);
  }

  /** The clip's frame-by-frame labels as the device sent them ({@code model.ClipLabels} JSON), or null. */
  public String labels(String device, String clipId) throws IOException {
    return sql.first("cannot read the labels of clip " + device + "/" + clipId,
        "SELECT labels FROM clips WHERE device = ? AND clip_id = ?", r -> r.getString(1), device, clipId);
  }

  /** The clip's video as a local file (fetched from the object store first when it is there), or null. */
  public Path video(String device, String clipId) throws IOException {
    String key = sql.first("cannot read clip " + device + "/" + clipId, "SELECT file FROM clips WHERE device = ? AND clip_id = ?",
        r -> r.getString(1), device, clipId);
    return key == null ? null : images.fetched(key);
  }
}
