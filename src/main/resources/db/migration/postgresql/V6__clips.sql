-- Event clips (issue 30, store/Clips): an MP4 per clip in the image store (clips/DEVICE/DAY/CLIP.mp4) and its row,
-- with the clip's frame-by-frame labels (model.ClipLabels as JSON) and its metadata (meta.clip, tags).
CREATE TABLE IF NOT EXISTS clips(device TEXT NOT NULL, clip_id TEXT NOT NULL, seq BIGINT NOT NULL,
  started_at TEXT NOT NULL, ended_at TEXT NOT NULL, fps REAL NOT NULL, frames INTEGER NOT NULL, trigger_frame INTEGER NOT NULL,
  width INTEGER NOT NULL, height INTEGER NOT NULL, sha256 TEXT NOT NULL, bytes BIGINT NOT NULL, rule TEXT, file TEXT NOT NULL,
  labels TEXT NOT NULL, meta TEXT, received_at TEXT NOT NULL, PRIMARY KEY (device, clip_id));
CREATE INDEX IF NOT EXISTS clips_by_time ON clips(started_at, device, clip_id);
