-- Which classes each frame's labels hold, so that exports filter by class from an index instead of
-- decoding every frame's labels (store/FrameClasses): 'p' the pre-labels, 'r' the newest revision.
CREATE TABLE IF NOT EXISTS frame_classes(device TEXT NOT NULL, frame_id TEXT NOT NULL, source TEXT NOT NULL,
  class TEXT NOT NULL, PRIMARY KEY (device, frame_id, source, class));
CREATE INDEX IF NOT EXISTS frame_classes_by_class ON frame_classes(class, source);

-- the frames stored before this table existed
INSERT INTO frame_classes(device, frame_id, source, class)
  SELECT DISTINCT f.device, f.frame_id, 'p', d ->> 'label'
  FROM frames f, jsonb_array_elements(f.labels::jsonb -> 'detections') d
  WHERE f.labels IS NOT NULL AND d ->> 'label' IS NOT NULL
  ON CONFLICT DO NOTHING;
INSERT INTO frame_classes(device, frame_id, source, class)
  SELECT DISTINCT r.device, r.frame_id, 'r', d ->> 'label'
  FROM revisions r, jsonb_array_elements(r.labels::jsonb -> 'detections') d
  WHERE r.rev = (SELECT MAX(rev) FROM revisions n WHERE n.device = r.device AND n.frame_id = r.frame_id)
    AND d ->> 'label' IS NOT NULL
  ON CONFLICT DO NOTHING;
