-- The web app's login sessions (web/Sessions): the cookie holds a random secret, this table only its
-- SHA-256, the token it was opened with (by hash, so that revoking the token ends it) and its times.
CREATE TABLE IF NOT EXISTS sessions(id TEXT PRIMARY KEY, token_sha256 TEXT NOT NULL, name TEXT NOT NULL,
  created_at TEXT NOT NULL, last_seen TEXT NOT NULL);
