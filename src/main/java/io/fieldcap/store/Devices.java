package io.fieldcap.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet as the server last heard it: each device's newest status message (retained, and its
 * will {@code offline} when it drops off), when it came, and when the device was last heard at all.
 *
 * <pre>
 * devices(device PRIMARY KEY, state ('online' | 'offline' | ...), status JSON, updated_at, last_seen)
 * </pre>
 */
public final class Devices {
  /** A device's row. */
  public record Device(String device, String state, String status, Instant updatedAt, Instant lastSeen) {}

  private final Sql sql;

  Devices(Sql sql) {
    this.sql = sql;
  }

  /** Records a status message; an {@code offline} will keeps the last online status's last-seen time. */
  public void update(String device, String state, String statusJson, Instant at) throws IOException {
    sql.update("cannot record the status of " + device, """
        INSERT INTO devices(device, state, status, updated_at, last_seen) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(device) DO UPDATE SET state = excluded.state,
          status = CASE WHEN excluded.state = 'online' THEN excluded.status ELSE devices.status END,
          updated_at = excluded.updated_at,
          last_seen = CASE WHEN excluded.state = 'online' THEN excluded.last_seen ELSE devices.last_seen END""",
        device, state, statusJson, at, state.equals("online") ? at : null);
  }

  public List<Device> all() throws IOException {
    return sql.list("cannot read the fleet", "SELECT device, state, status, updated_at, last_seen FROM devices ORDER BY device",
        r -> new Device(r.getString(1), r.getString(2), r.getString(3), Instant.parse(r.getString(4)),
            r.getString(5) == null ? null : Instant.parse(r.getString(5))));
  }

  /**
   * The models the fleet runs now: each model's SHA-256 (as the device's newest status names it, {@code
   * modelSha256}) and the devices running it, in device order. A status that is not JSON names none.
   */
  public Map<String, List<Device>> runningModels() throws IOException {
    Map<String, List<Device>> out = new LinkedHashMap<>();
    for (Device d : all()) {
      String sha;
      try {
        JsonNode s = d.status() == null ? null : Json.MAPPER.readTree(d.status());
        sha = s == null || !s.isObject() ? null : s.path("modelSha256").asText(null);
      } catch (IOException e) {
        sha = null;
      }
      if (sha != null) {
        out.computeIfAbsent(sha, k -> new ArrayList<>()).add(d);
      }
    }
    return out;
  }
}
