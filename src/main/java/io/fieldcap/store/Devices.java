package io.fieldcap.store;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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

  private final Object lock;
  private final Db db;

  Devices(Object lock, Db db) {
    this.lock = lock;
    this.db = db;
  }

  /** Records a status message; an {@code offline} will keeps the last online status's last-seen time. */
  public void update(String device, String state, String statusJson, Instant at) throws IOException {
    synchronized (lock) {
      try (PreparedStatement p = db.c().prepareStatement("""
          INSERT INTO devices(device, state, status, updated_at, last_seen) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT(device) DO UPDATE SET state = excluded.state,
            status = CASE WHEN excluded.state = 'online' THEN excluded.status ELSE devices.status END,
            updated_at = excluded.updated_at,
            last_seen = CASE WHEN excluded.state = 'online' THEN excluded.last_seen ELSE devices.last_seen END""")) {
        p.setString(1, device);
        p.setString(2, state);
        p.setString(3, statusJson);
        p.setString(4, at.toString());
        p.setString(5, state.equals("online") ? at.toString() : null);
        p.executeUpdate();
      } catch (SQLException e) {
        throw new IOException("cannot record the status of " + device + ": " + e.getMessage(), e);
      }
    }
  }

  public List<Device> all() throws IOException {
    synchronized (lock) {
      try (Statement s = db.c().createStatement();
          ResultSet r = s.executeQuery("SELECT device, state, status, updated_at, last_seen FROM devices ORDER BY device")) {
        List<Device> out = new ArrayList<>();
        while (r.next()) {
          out.add(new Device(r.getString(1), r.getString(2), r.getString(3), Instant.parse(r.getString(4)),
              r.getString(5) == null ? null : Instant.parse(r.getString(5))));
        }
        return out;
      } catch (SQLException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }
}
