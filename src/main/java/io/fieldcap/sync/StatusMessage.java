package io.fieldcap.sync;

import io.fieldcap.json.Json;
import io.fieldcap.model.DeviceId;
import io.fieldcap.protocol.Manifest;
import io.fieldcap.spool.Spool;
import io.fieldcap.spool.SpoolStats;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The device's retained status message (docs/protocol.md, "Status"): the spool's counts, the capture
 * rate since the last message, free disk, forged acks and the stages' health. Used by the sync thread
 * only (it keeps the last capture count for the rate).
 */
final class StatusMessage {
  private final DeviceId device;
  private final Spool spool;
  private final InstantSource clock;
  private volatile Supplier<Map<String, Object>> health = Map::of;
  private volatile Supplier<Map<String, Object>> about = Map::of;
  private long lastCaptured = -1;

  StatusMessage(DeviceId device, Spool spool, InstantSource clock) {
    this.device = device;
    this.spool = spool;
    this.clock = clock;
  }

  void health(Supplier<Map<String, Object>> health) {
    this.health = health;
  }

  /** What the device is running and where it is: model, version, position (each only when known). */
  void about(Supplier<Map<String, Object>> about) {
    this.about = about;
  }

  /** The short form, for the will and a clean stop: {@code offline}. */
  byte[] brief(String state) {
    return Json.encode(Map.of("v", Manifest.VERSION, "device", device.value(), "state", state, "at",
        clock.instant().toString()));
  }

  /** The full form; {@code seconds} since the previous one (0 for the first: no rate yet). */
  byte[] full(String state, double seconds) {
    SpoolStats s = spool.stats();
    double fps = lastCaptured < 0 || seconds <= 0 ? 0 : (s.captured() - lastCaptured) / seconds;
    lastCaptured = s.captured();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("v", Manifest.VERSION);
    m.put("device", device.value());
    m.put("state", state);
    m.put("at", clock.instant().toString());
    m.put("backlog", s.pending());
    m.put("inFlight", s.inFlight());
    m.put("acked", s.acked());
    m.put("captured", s.captured());
    m.put("evicted", s.evicted());
    m.put("dropped", s.dropped());
    m.put("failed", s.failed());
    m.put("quarantined", s.quarantined());
    m.put("rejected", s.rejected());
    m.put("rejectedBy", s.rejectedBy());
    m.put("spoolBytes", s.bytes());
    m.put("diskFree", spool.freeBytes());
    m.put("fps", Math.round(fps * 100) / 100.0);
    m.put("forgedAcks", s.forgedAcks());
    m.putAll(about.get());
    Map<String, Object> h = health.get();
    if (!h.isEmpty()) {
      m.put("stages", h);
    }
    return Json.encode(m);
  }
}
