package io.fieldcap.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.ingest.Ingest;
import io.fieldcap.json.Json;
import io.fieldcap.store.Devices;
import io.fieldcap.store.LocalFrameStore;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import static io.fieldcap.metrics.Prom.family;
import static io.fieldcap.metrics.Prom.label;

/**
 * The server's metrics in Prometheus' text format (version 0.0.4), served at {@code /metrics} on the
 * web port: what ingest did since the process started (counters), what is in flight now, and each
 * device's last reported state (gauges). Names and units follow Prometheus' conventions
 * ({@code promtool check metrics} passes).
 */
public final class ServerMetrics {
  private final Ingest ingest;
  private final LocalFrameStore store;
  private final Supplier<Map<String, Boolean>> brokers;

  ServerMetrics(Ingest ingest, LocalFrameStore store, Supplier<Map<String, Boolean>> brokers) {
    this.ingest = ingest;
    this.store = store;
    this.brokers = brokers;
  }

  public String render() throws IOException {
    StringBuilder b = new StringBuilder();
    family(b, "fieldcap_server_frames_stored_total", "counter", "Frames stored durably and acked since the server started.");
    b.append("fieldcap_server_frames_stored_total ").append(ingest.stored()).append('\n');
    family(b, "fieldcap_server_device_frames_stored_total", "counter", "Frames stored since the server started, by device.");
    ingest.storedByDevice().forEach((d, n) -> b.append("fieldcap_server_device_frames_stored_total{device=\"").append(label(d))
        .append("\"} ").append(n).append('\n'));
    ingest.ingestLatency().render(b, "fieldcap_server_ingest_seconds", "From a frame's manifest to its stored ack.");
    family(b, "fieldcap_server_frames_duplicate_total", "counter", "Frames offered again that were already stored.");
    b.append("fieldcap_server_frames_duplicate_total ").append(ingest.duplicates()).append('\n');
    family(b, "fieldcap_server_messages_rejected_total", "counter", "Messages rejected, by reason.");
    for (Map.Entry<String, Long> e : new TreeMap<>(ingest.rejected()).entrySet()) {
      b.append("fieldcap_server_messages_rejected_total{reason=\"").append(label(e.getKey())).append("\"} ").append(e.getValue())
          .append('\n');
    }
    family(b, "fieldcap_server_transfers_in_progress", "gauge", "Frames being received.");
    b.append("fieldcap_server_transfers_in_progress ").append(ingest.transfersInProgress()).append('\n');
    family(b, "fieldcap_server_staged_bytes", "gauge", "Bytes of frames being received, held in staging.");
    b.append("fieldcap_server_staged_bytes ").append(ingest.stagedBytes()).append('\n');
    family(b, "fieldcap_server_broker_connected", "gauge", "1 while connected to the broker (server.brokers).");
    brokers.get().forEach((uri, up) -> b.append("fieldcap_server_broker_connected{broker=\"").append(label(uri)).append("\"} ")
        .append(up ? 1 : 0).append('\n'));
    family(b, "fieldcap_server_data_free_bytes", "gauge", "Free bytes on the data folder's disk.");
    b.append("fieldcap_server_data_free_bytes ").append(store.dir().toFile().getUsableSpace()).append('\n');
    family(b, "fieldcap_device_online", "gauge", "1 when the device's last status said online, else 0.");
    StringBuilder backlog = new StringBuilder();
    StringBuilder fps = new StringBuilder();
    StringBuilder seen = new StringBuilder();
    StringBuilder models = new StringBuilder();
    StringBuilder updates = new StringBuilder();
    for (Devices.Device d : store.devices().all()) {
      String l = "{device=\"" + label(d.device()) + "\"}";
      b.append("fieldcap_device_online").append(l).append(' ').append(d.state().equals("online") ? 1 : 0).append('\n');
      JsonNode s = Json.MAPPER.readTree(d.status());
      if (s.has("backlog")) {
        backlog.append("fieldcap_device_backlog_frames").append(l).append(' ').append(s.get("backlog").asLong()).append('\n');
      }
      if (s.has("fps")) {
        fps.append("fieldcap_device_capture_frames_per_second").append(l).append(' ')
            .append(String.format(Locale.ROOT, "%.3f", s.get("fps").asDouble())).append('\n');
      }
      if (s.has("model")) {
        models.append("fieldcap_device_model_info{device=\"").append(label(d.device())).append("\",model=\"")
            .append(label(s.get("model").asText())).append("\",version=\"").append(label(s.path("version").asText("")))
            .append("\"} 1\n");
      }
      s.path("updates").fields().forEachRemaining(u -> {
        if (u.getValue().has("state")) {
          updates.append("fieldcap_device_update_state{device=\"").append(label(d.device())).append("\",kind=\"")
              .append(label(u.getKey())).append("\",state=\"").append(label(u.getValue().get("state").asText()))
              .append("\",sequence=\"").append(u.getValue().path("sequence").asLong()).append("\"} 1\n");
        }
      });
      if (d.lastSeen() != null) {
        seen.append("fieldcap_device_last_seen_timestamp_seconds").append(l).append(' ')
            .append(String.format(Locale.ROOT, "%.3f", d.lastSeen().toEpochMilli() / 1000.0)).append('\n');
      }
    }
    family(b, "fieldcap_device_backlog_frames", "gauge", "Frames waiting in the device's spool, as it last reported.");
    b.append(backlog);
    family(b, "fieldcap_device_capture_frames_per_second", "gauge", "The device's capture rate, as it last reported.");
    b.append(fps);
    family(b, "fieldcap_device_last_seen_timestamp_seconds", "gauge", "When the device last reported itself online.");
    b.append(seen);
    family(b, "fieldcap_device_model_info", "gauge", "The model the device pre-labels with (file name and weights' version).");
    b.append(models);
    family(b, "fieldcap_device_update_state", "gauge", "The state of the device's last update bundle of each kind.");
    b.append(updates);
    return b.toString();
  }
}
