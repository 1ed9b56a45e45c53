-- Which classes each frame's labels hold, so that exports filter by class from an index instead of
-- decoding every frame's labels (store/FrameClasses): 'p' the pre-labels, 'r' the newest revision.
CREATE TABLE IF NOT EXISTS frame_classes(device TEXT NOT NULL, frame_id TEXT NOT NULL, source TEXT NOT NULL,
  class TEXT NOT NULL, PRIMARY KEY (device, frame_id, source, class));
CREATE INDEX IF NOT EXISTS frame_classes_by_class ON frame_classes(class, source);

-- the frames stored before this table existed
INSERT OR IGNORE INTO frame_classes(device, frame_id, source, class)
  SELECT f.device, f.frame_id, 'p', json_extract(d.value, '$.label')
  FROM frames f, json_each(f.labels, '$.detections') d
  WHERE f.labels IS NOT NULL AND json_extract(d.value, '$.label') IS NOT NULL;
INSERT OR IGNORE INTO frame_classes(device, frame_id, source, class)
  SELECT r.device, r.frame_id, 'r', json_extract(d.value, '$.label')
  FROM revisions r, json_each(r.labels, '$.detections') d
  WHERE r.rev = (SELECT MAX(rev) FROM revisions n WHERE n.device = r.device AND n.frame_id = r.frame_id)
    AND json_extract(d.value, '$.label') IS NOT NULL;
