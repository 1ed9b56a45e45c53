package io.fieldcap.agent;

import static io.fieldcap.metrics.Prom.label;
import static io.fieldcap.metrics.Prom.one;
import io.fieldcap.inference.Detector;
import io.fieldcap.inference.OnnxDetector;
import io.fieldcap.metrics.Histogram;
import io.fieldcap.model.Fix;
import io.fieldcap.spool.SpoolStats;
import io.fieldcap.update.UpdateState;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The agent's metrics in Prometheus' text format ({@code agent.metrics-listen}): the spool's counters
 * (captured, stored and acked, rejected by reason, dropped, evicted, failed, quarantined, forged acks),
 * what is waiting, the spool's bytes and free disk, the broker connection, the model running, tracks and event
 * clips (when on), and the inference and ack latency histograms; and what the status message says about the model and position.
 */
final class AgentMetrics {
  private AgentMetrics() {}

  /** The model the agent pre-labels with (file name and weights' version) and its current position, for the status message. */
  static Map<String, Object> about(Detector model, List<String> groups, UpdateState updates, Fix f) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (model instanceof OnnxDetector d) {
      m.put("model", Path.of(d.info().file()).getFileName().toString());
      if (d.version() != null) {
        m.put("version", d.version());
        m.put("modelSha256", d.sha256());
      }
    }
    if (!groups.isEmpty()) {
      m.put("groups", groups);
    }
    if (updates != null) {
      UpdateState.Applied c = updates.activeConfig();
      m.put("config", c == null ? "local" : c.name + " #" + c.sequence);
      m.put("updates", updates.view());
    }
    if (f != null) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("lat", f.lat());
      p.put("lon", f.lon());
      if (!Double.isNaN(f.alt())) {
        p.put("alt", f.alt());
      }
      p.put("time", f.time().toString());
      m.put("position", p);
    }
    return m;
  }

  static String render(SpoolStats s, long freeBytes, Boolean connected, Map<String, Object> about, Histogram inference,
      Histogram ackLatency) {
    StringBuilder b = new StringBuilder();
    one(b, "fieldcap_agent_frames_captured_total", "counter", "Frames taken from the source.", s.captured());
    one(b, "fieldcap_agent_frames_acked_total", "counter", "Frames the server stored and acked.", s.acked());
    b.append("# HELP fieldcap_agent_frames_rejected_total Frames not kept, by reason.\n");
    b.append("# TYPE fieldcap_agent_frames_rejected_total counter\n");
    for (Map.Entry<String, Long> e : new TreeMap<>(s.rejectedBy()).entrySet()) {
      b.append("fieldcap_agent_frames_rejected_total{reason=\"").append(label(e.getKey())).append("\"} ").append(e.getValue())
          .append('\n');
    }
    one(b, "fieldcap_agent_frames_dropped_total", "counter", "Frames dropped before the spool (queues full).", s.dropped());
    one(b, "fieldcap_agent_frames_evicted_total", "counter", "Frames evicted from a full spool.", s.evicted());
    one(b, "fieldcap_agent_frames_failed_total", "counter", "Frames the server refused for good.", s.failed());
    one(b, "fieldcap_agent_frames_quarantined_total", "counter", "Damaged spool files set aside.", s.quarantined());
    one(b, "fieldcap_agent_forged_acks_total", "counter", "Acks ignored for a bad signature or SHA-256.", s.forgedAcks());
    one(b, "fieldcap_agent_spool_pending_frames", "gauge", "Frames waiting to be sent.", s.pending());
    one(b, "fieldcap_agent_spool_in_flight_frames", "gauge", "Frames sent and not yet acked.", s.inFlight());
    one(b, "fieldcap_agent_spool_bytes", "gauge", "Bytes in the spool.", s.bytes());
    one(b, "fieldcap_agent_spool_max_bytes", "gauge", "The spool's quota.", s.maxBytes());
    one(b, "fieldcap_agent_spool_free_bytes", "gauge", "Free bytes on the spool's disk.", freeBytes);
    if (connected != null) {
      one(b, "fieldcap_agent_broker_connected", "gauge", "1 while connected to the broker.", connected ? 1 : 0);
    }
    if (about.containsKey("model")) {
      b.append("# HELP fieldcap_agent_model_info The model the agent pre-labels with, and its version.\n");
      b.append("# TYPE fieldcap_agent_model_info gauge\n");
      b.append("fieldcap_agent_model_info{model=\"").append(label(String.valueOf(about.get("model")))).append("\",version=\"")
          .append(label(String.valueOf(about.getOrDefault("version", "")))).append("\"} 1\n");
    }
    if (about.get("updates") instanceof Map<?, ?> updates && !updates.isEmpty()) {
      b.append("# HELP fieldcap_agent_update_state The state of the last update bundle of each kind.\n");
      b.append("# TYPE fieldcap_agent_update_state gauge\n");
      updates.forEach((kind, u) -> {
        if (u instanceof Map<?, ?> m && m.get("state") != null) {
          b.append("fieldcap_agent_update_state{kind=\"").append(label(String.valueOf(kind))).append("\",state=\"")
              .append(label(String.valueOf(m.get("state")))).append("\",sequence=\"").append(m.get("sequence"))
              .append("\"} 1\n");
        }
      });
    }
    if (about.get("tracks") instanceof Map<?, ?> t) {
      one(b, "fieldcap_agent_tracks_active", "gauge", "Tracks followed now.", t.get("active"));
      one(b, "fieldcap_agent_tracks_started_total", "counter", "Tracks confirmed since the agent started.", t.get("started"));
      one(b, "fieldcap_agent_tracks_ended_total", "counter", "Tracks that ended since the agent started.", t.get("ended"));
      one(b, "fieldcap_agent_track_frames_mean", "gauge", "Mean frames an ended track was seen in.", t.get("framesPerTrack"));
    }
    if (about.get("clips") instanceof Map<?, ?> c) {
      one(b, "fieldcap_agent_clips_written_total", "counter", "Event clips stored in the spool.", c.get("written"));
      one(b, "fieldcap_agent_clips_failed_total", "counter", "Event clips that could not be encoded.", c.get("failed"));
      one(b, "fieldcap_agent_clips_bytes_total", "counter", "Bytes of the event clips stored.", c.get("bytes"));
    }
    inference.render(b, "fieldcap_agent_inference_seconds", "Inference and decoding time per frame.");
    ackLatency.render(b, "fieldcap_agent_ack_latency_seconds", "From a frame's first offer to the server's ack.");
    return b.toString();
  }
}
