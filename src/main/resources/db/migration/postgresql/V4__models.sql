-- The model registry (store/Models): every model the server knows, by the SHA-256 of its file, and
-- every evaluation run against one. The file itself is kept in DATA/models/SHA256.onnx.
CREATE TABLE IF NOT EXISTS models(sha256 TEXT PRIMARY KEY, name TEXT NOT NULL, family TEXT NOT NULL,
  classes TEXT NOT NULL, input_width INTEGER NOT NULL, input_height INTEGER NOT NULL, origin TEXT NOT NULL,
  added_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS models_by_name ON models(name);
CREATE TABLE IF NOT EXISTS evaluations(id TEXT PRIMARY KEY, model_sha256 TEXT NOT NULL, dataset TEXT, split TEXT,
  labels TEXT NOT NULL, iou_type TEXT NOT NULL, frames INTEGER NOT NULL, figures TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS evaluations_by_model ON evaluations(model_sha256, created_at);
