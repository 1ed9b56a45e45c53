-- The web app's editor and review queue (store/Classes, store/ReviewQueue, docs/api.md).
-- The project's classes, in the order the editor offers them; empty: the classes the labels hold.
CREATE TABLE IF NOT EXISTS classes(name TEXT PRIMARY KEY, colour TEXT, position INTEGER NOT NULL);
-- The frames nobody has reviewed yet: a row from the frame's arrival until its first label revision,
-- so that "the next frame to review" is one index step at any size. certainty is the lowest score
-- among the frame's pre-labels (1 for none); rule is the capture rule that kept it; a reviewer
-- holds the frame handed to them for a while (leased_by, leased_until in epoch milliseconds) so that two get different ones.
CREATE TABLE IF NOT EXISTS review_queue(device TEXT NOT NULL, frame_id TEXT NOT NULL, captured_at TEXT NOT NULL,
  certainty REAL NOT NULL, rule TEXT, leased_by TEXT, leased_until BIGINT, PRIMARY KEY (device, frame_id));
-- each order has an index to the last column of its ORDER BY: the next frame is one step, never a sort
CREATE INDEX IF NOT EXISTS review_by_certainty ON review_queue(certainty, captured_at, device, frame_id);
CREATE INDEX IF NOT EXISTS review_by_time ON review_queue(captured_at, device, frame_id);
CREATE INDEX IF NOT EXISTS review_by_rule ON review_queue(rule, captured_at, device, frame_id);
CREATE INDEX IF NOT EXISTS review_by_device ON review_queue(device, captured_at, frame_id);
CREATE INDEX IF NOT EXISTS review_by_device_certainty ON review_queue(device, certainty, captured_at, frame_id);
CREATE INDEX IF NOT EXISTS review_by_device_rule ON review_queue(device, rule, captured_at, frame_id);
CREATE INDEX IF NOT EXISTS review_by_lease ON review_queue(leased_by);
-- "reviewed today" per reviewer
CREATE INDEX IF NOT EXISTS revisions_by_author ON revisions(author, created_at);

-- the frames stored before this table existed, that have no revision
INSERT OR IGNORE INTO review_queue(device, frame_id, captured_at, certainty, rule)
  SELECT f.device, f.frame_id, f.captured_at,
    COALESCE((SELECT MIN(json_extract(d.value, '$.score')) FROM json_each(f.labels, '$.detections') d), 1.0),
    json_extract(f.meta, '$.keptBy')
  FROM frames f
  WHERE NOT EXISTS (SELECT 1 FROM revisions r WHERE r.device = f.device AND r.frame_id = f.frame_id);
