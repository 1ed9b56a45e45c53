package io.fieldcap.agent;

import io.fieldcap.faults.CrashPoint;
import io.fieldcap.geo.Exif;
import io.fieldcap.json.Json;
import io.fieldcap.model.Fix;
import io.fieldcap.model.Photo;
import io.fieldcap.image.PhotoExif;
import io.fieldcap.image.JpegEncoder;
import io.fieldcap.inference.ModelException;
import io.fieldcap.model.Detection;
import io.fieldcap.model.Frame;
import io.fieldcap.model.FrameId;
import io.fieldcap.model.LabelSet;
import io.fieldcap.select.DuplicateFilter;
import io.fieldcap.select.ManualCapture;
import io.fieldcap.select.Redactor;
import io.fieldcap.select.Rules;
import io.fieldcap.spool.Counters;
import io.fieldcap.spool.Spool;
import io.fieldcap.spool.SpoolEntry;
import io.fieldcap.spool.SpoolException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops near-duplicates of recently kept frames, then encodes the rest as JPEG and puts them into
 * the spool, on its own thread. Frames that arrive while others are being encoded are stored
 * together, as one group commit of at most {@value #MAX_BATCH} ({@link Spool#putAll}); a frame alone
 * is stored at once, so that batching never makes a frame wait for one that has not arrived. A frame that
 * cannot be stored (the disk failed under the spool) is counted as dropped and logged once per run
 * of failures; the writer keeps going.
 */
final class SpoolWriter extends Stage<Labeled> {
  private static final Logger log = LoggerFactory.getLogger(SpoolWriter.class);
  /** The rejection reason of frames that could not be redacted (and so were not stored). */
  static final String REDACTION = "redaction";
  /** The most frames stored in one group commit. */
  static final int MAX_BATCH = 16;

  /** A frame encoded and waiting for its batch's commit, with what the rules are told once it is stored. */
  private record Encoded(SpoolEntry entry, String rule, Instant at) {}

  private final JpegEncoder encoder;
  private final DuplicateFilter duplicates;
  private final Rules rules;
  private final Redactor redactor;
  private final boolean labelFaces;
  private final boolean geoOverride;
  private final ManualCapture manual;
  private final Map<String, String> tags;
  private final String tagsOnly;
  private final int jpegQuality;
  private final LongAdder encodeNanos = new LongAdder();
  private final LongAdder storeNanos = new LongAdder();
  private final LongAdder written = new LongAdder();
  private boolean failing;
  private final List<Encoded> batch = new ArrayList<>();

  SpoolWriter(BlockingQueue<Labeled> queue, Spool spool, JpegEncoder encoder, int jpegQuality,
      DuplicateFilter duplicates, Rules rules, Redactor redactor, boolean labelFaces,
      boolean geoOverride, ManualCapture manual, Map<String, String> tags) {
    super(queue, spool);
    this.encoder = encoder;
    this.duplicates = duplicates;
    this.rules = rules;
    this.redactor = redactor;
    this.labelFaces = labelFaces;
    this.geoOverride = geoOverride;
    this.manual = manual;
    this.tags = tags;
    this.tagsOnly = tags.isEmpty() ? null
        : new String(Json.encode(Map.of("tags", tags)), StandardCharsets.UTF_8);
    this.jpegQuality = jpegQuality;
  }

  /** [encode ns, store ns, frames written] so far. */
  long[] stageNanos() {
    return new long[] {encodeNanos.sum(), storeNanos.sum(), written.sum()};
  }

  /** The frame's metadata for the manifest: its position and the config's tags; null when there is neither. */
  private String meta(Fix fix) {
    if (fix == null) {
      return tagsOnly; // the same for every frame without a position
    }
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Object> gps = new LinkedHashMap<>();
    gps.put("lat", fix.lat());
    gps.put("lon", fix.lon());
    if (!Double.isNaN(fix.alt())) {
      gps.put("alt", fix.alt());
    }
    if (fix.time() != null) {
      gps.put("time", fix.time().toString());
    }
    m.put("gps", gps);
    if (!Double.isNaN(fix.roll())) {
      m.put("attitude", Map.of("roll", fix.roll(), "pitch", fix.pitch(), "yaw", fix.yaw()));
    }
    if (!tags.isEmpty()) {
      m.put("tags", tags);
    }
    return new String(Json.encode(m), StandardCharsets.UTF_8);
  }

  /**
   * The bytes to store. A photo from a folder whose pixels did not change is stored as it is, byte for
   * byte (or, when it needs another position, with only its EXIF rewritten); a changed (redacted) or
   * rotated photo is encoded again with its camera's EXIF merged in; a frame from a camera or stream
   * is encoded, with the position as EXIF GPS.
   */
  private byte[] jpeg(Frame f, boolean changed, Fix fix) {
    Photo photo = f.photo();
    try {
      if (photo != null && !changed && photo.upright()) {
        return fix == null || fix == photo.gps() ? photo.jpeg() : PhotoExif.withGps(photo.jpeg(), fix);
      }
      byte[] jpeg = encoder.encode(f.width(), f.height(), f.bgr(), jpegQuality);
      if (photo != null) {
        return PhotoExif.mergeInto(photo.jpeg(), jpeg, fix);
      }
      return fix == null ? jpeg : Exif.withGps(jpeg, fix);
    } catch (IOException e) {
      // the EXIF could not be rewritten: the pixels matter more than the metadata
      log.warn("frame {}: could not write its EXIF ({}); stored without it", f.seq(), e.getMessage());
      return encoder.encode(f.width(), f.height(), f.bgr(), jpegQuality);
    }
  }

  /** The name of the JPEG encoder in use. */
  String encoderName() {
    return encoder.name();
  }

  @Override
  void finished() {
    store(); // what was encoded before the stop
    encoder.close();
    if (redactor != null) {
      redactor.close();
    }
  }

  @Override
  void handle(Labeled l) {
    CrashPoint.reach("stage.write");
    Frame f = l.frame();
    String manualRule = manual.take();
    Map<String, Integer> classes = DuplicateFilter.classes(l.set());
    Rules.Verdict v;
    if (manualRule != null) {
      v = new Rules.Verdict(manualRule, ManualCapture.PRIORITY, null); // asked for: neither rules nor duplicates apply
    } else {
      // dropped before encoding: a rejected frame costs no JPEG and no write
      if (duplicates.isDuplicate(l.quality().hash(), classes, f.capturedAt())) {
        spool.skip(f.sourceItem(), DuplicateFilter.DUPLICATE);
        return;
      }
      v = rules.decide(f.capturedAt(), l.set(), l.quality().hash(), spool.fill());
      if (!v.kept()) {
        spool.skip(f.sourceItem(), v.reason());
        return;
      }
    }
    duplicates.remember(l.quality().hash(), classes, f.capturedAt());
    String labels = l.labels();
    boolean changed = false;
    if (redactor != null) {
      try {
        Redactor.Redaction r = redactor.redact(f.width(), f.height(), f.bgr(), l.set());
        changed = r.changed();
        List<Detection> faces = r.faces();
        if (labelFaces && !faces.isEmpty()) {
          List<Detection> all = new ArrayList<>(l.set() == null ? List.of() : l.set().detections());
          all.addAll(faces);
          labels = Json.MAPPER.writeValueAsString(new LabelSet(l.set() == null ? "faces" : l.set().model(), all, l.set() == null ? null : l.set().version()));
        }
      } catch (ModelException | IOException e) {
        // never store a frame that should have been redacted and was not
        spool.captured(Counters.REJECTED_PREFIX + REDACTION, 1);
        log.error("privacy redaction failed, frame dropped: {}", e.getMessage());
        return;
      }
    }
    long t0 = System.nanoTime();
    Photo photo = f.photo();
    // the position: sampled when the frame was captured; a photo's own wins unless geo.override
    Fix fix = photo != null && photo.gps() != null && !(geoOverride && f.position() != null) ? photo.gps() : f.position();
    byte[] jpeg = jpeg(f, changed, fix);
    String meta = meta(fix);
    encodeNanos.add(System.nanoTime() - t0);
    batch.add(new Encoded(new SpoolEntry(FrameId.of(f.capturedAt(), f.seq()), f.seq(), f.capturedAt(), f.width(),
        f.height(), jpeg, f.sourceItem(), v.priority(), v.rule(), labels, meta), v.rule(), f.capturedAt()));
    if (!more() || batch.size() >= MAX_BATCH) {
      store();
    }
  }

  /** Stores the frames encoded so far in one group commit; counted as dropped if the spool cannot take them. */
  private void store() {
    if (batch.isEmpty()) {
      return;
    }
    try {
      long t1 = System.nanoTime();
      spool.putAll(batch.stream().map(Encoded::entry).toList());
      for (Encoded e : batch) {
        rules.stored(e.rule(), e.at(), e.entry().jpeg().length);
      }
      storeNanos.add(System.nanoTime() - t1);
      written.add(batch.size());
      if (failing) {
        log.info("spool writes work again");
        failing = false;
      }
    } catch (SpoolException | IllegalStateException e) {
      spool.captured(Counters.DROPPED, batch.size());
      if (!failing) {
        log.error("cannot store frames: {}; frames are counted as dropped until this clears", e.getMessage());
        failing = true;
      }
    } finally {
      batch.clear();
    }
  }
}
