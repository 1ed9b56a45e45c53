-- The server's metadata in SQLite (docs/protocol.md, "The server's database"). Every statement is
-- idempotent: a data folder made before Flyway came in is baselined at version 0 and brought here.
CREATE TABLE IF NOT EXISTS frames(
  device TEXT NOT NULL, frame_id TEXT NOT NULL, seq INTEGER NOT NULL, captured_at TEXT NOT NULL,
  sha256 TEXT NOT NULL, bytes INTEGER NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
  content_type TEXT NOT NULL, model TEXT, labels TEXT, meta TEXT, path TEXT NOT NULL,
  received_at TEXT NOT NULL, PRIMARY KEY (device, frame_id));
CREATE INDEX IF NOT EXISTS frames_by_id ON frames(frame_id);
-- the web app's pages, newest first: read backwards, this index gives (captured_at, device, frame_id) all descending
DROP INDEX IF EXISTS frames_by_time;
CREATE INDEX IF NOT EXISTS frames_by_capture ON frames(captured_at, device, frame_id);

CREATE TABLE IF NOT EXISTS revisions(
  device TEXT NOT NULL, frame_id TEXT NOT NULL, rev INTEGER NOT NULL, labels TEXT NOT NULL, digest TEXT NOT NULL,
  author TEXT, origin TEXT, tool TEXT, created_at TEXT NOT NULL, PRIMARY KEY (device, frame_id, rev));

CREATE TABLE IF NOT EXISTS datasets(name TEXT PRIMARY KEY, created_at TEXT NOT NULL, spec TEXT NOT NULL,
  frames INTEGER NOT NULL, manifest TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dataset_frames(dataset TEXT NOT NULL, ord INTEGER NOT NULL, device TEXT NOT NULL,
  frame_id TEXT NOT NULL, split TEXT, revision INTEGER NOT NULL, labels TEXT, sha256 TEXT NOT NULL,
  PRIMARY KEY (dataset, ord));

CREATE TABLE IF NOT EXISTS looks(device TEXT NOT NULL, frame_id TEXT NOT NULL, hash TEXT, sharpness REAL,
  brightness REAL, contrast REAL, problem TEXT, PRIMARY KEY (device, frame_id));
CREATE TABLE IF NOT EXISTS marks(device TEXT NOT NULL, frame_id TEXT NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL,
  grp TEXT, run INTEGER NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (device, frame_id, kind));
CREATE TABLE IF NOT EXISTS clean_runs(run INTEGER PRIMARY KEY, created_at TEXT NOT NULL, summary TEXT);

CREATE TABLE IF NOT EXISTS crawl_log(source TEXT NOT NULL, url TEXT NOT NULL, outcome TEXT NOT NULL, reason TEXT,
  frame_id TEXT, at TEXT NOT NULL, PRIMARY KEY (source, url));

CREATE TABLE IF NOT EXISTS devices(device TEXT PRIMARY KEY, state TEXT NOT NULL, status TEXT NOT NULL,
  updated_at TEXT NOT NULL, last_seen TEXT);
