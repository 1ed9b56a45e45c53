package io.fieldcap.update;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.fieldcap.fs.Durable;
import io.fieldcap.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the device has applied, durably: {@code SPOOL/updates/state.json}, replaced atomically (write,
 * fsync, rename) on every change, so that a power cut leaves either the old or the new state. Per
 * kind: the highest sequence applied (no replay), the active and previous bundle (for rollback), the
 * last bundle's state and reason (for the status message), the probation deadline, and the
 * digests of bundles refused or rolled back (never applied again). Used by one thread at a time
 * (the supervisor at start, then the updater), under its own lock for readers of {@link #view}.
 */
public final class UpdateState {
  private static final Logger log = LoggerFactory.getLogger(UpdateState.class);
  static final int MAX_REFUSED = 100;
  /** Unclean ends of the agent during one probation after which the update is rolled back. */
  static final int CRASHES_TO_ROLL_BACK = 2;

  /** An applied bundle: where its files are. */
  public static final class Applied {
    public long sequence;
    public String digest;
    public String name;
    public String sha256;
    /** The folder holding the bundle's files. */
    public String dir;
    /** A model's labels file in {@link #dir}, or null. */
    public String labels;
    /** A config bundle's settings (over the device's own file), or null when it is a whole file. */
    public List<String> settings;
  }

  /** One kind's record. */
  public static final class Kind {
    public long lastSequence;
    public Applied active;
    public Applied previous;
    /** received, verified, staged, probation, active, unproven, rolled-back, refused; null before any bundle. */
    public String state;
    public long stateSequence;
    public String stateName;
    /** The target of the bundle {@link #state} is about ({@code device:ID}, {@code group:NAME}, {@code all}). */
    public String stateTarget;
    public String reason;
    public Instant at;
    public Instant probationUntil;
    /** While a probation's time is up but its evidence is not: what it still waits for (not saved). */
    public transient String waiting;
    public int crashes;
    /** The previous model's live frames and detections when a model was switched to: the probation's baseline. */
    public long baselineFrames;
    public long baselineDetections;
    public List<String> refused = new ArrayList<>();
    /** The last bundle refused without touching {@link #state}: unverifiable, replayed, or older than the last applied. */
    public String lastRefusal;
    public Instant lastRefusalAt;

    /** Whether this kind's update is on probation now. */
    @JsonIgnore
    public boolean inProbation() {
      return probationUntil != null;
    }
  }

  public Map<String, Kind> kinds = new LinkedHashMap<>();
  /** Set while an agent runs, cleared by a clean stop: found set at start, the agent ended uncleanly. */
  public boolean running;

  private transient Path file;

  /** Loads the state of the spool in {@code spoolDir} (empty when there is none yet). */
  public static UpdateState load(Path spoolDir) {
    Path f = spoolDir.resolve("updates").resolve("state.json");
    UpdateState s;
    try {
      s = Files.exists(f) ? Json.MAPPER.readValue(f.toFile(), UpdateState.class) : new UpdateState();
    } catch (IOException e) {
      // never written half (rename), so this is damage: start clean rather than not at all, and say so
      log.error("updates: {} cannot be read ({}); starting from the configured model and config", f, e.getMessage());
      s = new UpdateState();
    }
    s.file = f;
    return s;
  }

  public synchronized Kind kind(String kind) {
    return kinds.computeIfAbsent(kind, k -> new Kind());
  }

  /** The folder for a bundle's files and for incoming downloads. */
  @JsonIgnore
  Path dir() {
    return file.getParent();
  }

  /** Records a state change for the status and saves. */
  synchronized void set(String kind, Bundle b, String state, String reason, Instant at) {
    Kind k = kind(kind);
    k.state = state;
    k.stateSequence = b == null ? k.stateSequence : b.sequence();
    k.stateName = b == null ? k.stateName : b.name();
    k.stateTarget = b == null ? k.stateTarget : b.target();
    k.reason = reason;
    k.at = at;
    save();
  }

  /** Saves atomically; a failure to save is reported, since an update must never be half-recorded. */
  public synchronized void save() {
    try {
      // the last sequence applied must survive a power cut: a replayed or rolled-back bundle is never applied again
      Durable.write(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
    } catch (IOException e) {
      throw new UncheckedIOException("updates: cannot save " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * At the agent's start: if the last run ended uncleanly during a probation, count it; at
   * {@link #CRASHES_TO_ROLL_BACK} the update is rolled back here, before the model or config is used.
   * Returns the kinds rolled back.
   */
  public synchronized List<String> boot(Instant now) {
    List<String> rolledBack = new ArrayList<>();
    for (Map.Entry<String, Kind> e : kinds.entrySet()) {
      Kind k = e.getValue();
      if (!k.inProbation() || !running) {
        continue;
      }
      k.crashes++;
      log.warn("updates: the agent ended uncleanly during the probation of {} #{} ({} time(s))", k.stateName,
          k.stateSequence, k.crashes);
      if (k.crashes >= CRASHES_TO_ROLL_BACK) {
        rollBack(e.getKey(), "the agent crashed " + k.crashes + " times during probation", now);
        rolledBack.add(e.getKey());
      }
    }
    running = true;
    save();
    return rolledBack;
  }

  /** The active bundle becomes the previous one again; the bundle is refused from now on. */
  public synchronized void rollBack(String kind, String reason, Instant now) {
    Kind k = kind(kind);
    if (k.active != null) {
      remember(k, k.active.digest);
    }
    k.active = k.previous;
    k.previous = null;
    k.state = "rolled-back";
    k.reason = reason;
    k.at = now;
    k.probationUntil = null;
    k.crashes = 0;
    save();
  }

  static void remember(Kind k, String digest) {
    if (digest != null && !k.refused.contains(digest)) {
      k.refused.add(digest);
      while (k.refused.size() > MAX_REFUSED) {
        k.refused.remove(0);
      }
    }
  }

  /** A bundle refused without changing the current state (see {@link Kind#lastRefusal}). */
  synchronized void refusedAside(String kind, String reason, Instant at) {
    Kind k = kind(kind);
    k.lastRefusal = reason;
    k.lastRefusalAt = at;
    save();
  }

  /** An agent starts (again, in this process after a pushed config): until its clean stop, an end is a crash. */
  public synchronized void started() {
    running = true;
    save();
  }

  /** A clean stop. */
  public synchronized void stopped() {
    running = false;
    save();
  }

  /** The model file to run instead of {@code model.path}, or null. */
  public synchronized Path activeModel() {
    Applied a = kind(Bundle.MODEL).active;
    return a == null ? null : Path.of(a.dir).resolve(a.name);
  }

  /** The labels file that came with the active model, or null. */
  public synchronized Path activeLabels() {
    Applied a = kind(Bundle.MODEL).active;
    return a == null || a.labels == null ? null : Path.of(a.dir).resolve(a.labels);
  }

  /** The active config bundle, or null for the device's own file. */
  public synchronized Applied activeConfig() {
    return kind(Bundle.CONFIG).active;
  }

  /** For the status message: each kind's state, bundle and reason. */
  public synchronized Map<String, Object> view() {
    Map<String, Object> m = new LinkedHashMap<>();
    kinds.forEach((name, k) -> {
      Map<String, Object> v = new LinkedHashMap<>();
      if (k.state != null) {
        v.put("state", k.state);
        v.put("sequence", k.stateSequence);
        v.put("name", k.stateName);
        if (k.reason != null) {
          v.put("reason", k.reason);
        }
        v.put("at", String.valueOf(k.at));
        if (k.inProbation()) {
          v.put("probationUntil", k.probationUntil.toString());
        }
      }
      if (k.lastRefusal != null) {
        v.put("lastRefusal", k.lastRefusal);
        v.put("lastRefusalAt", String.valueOf(k.lastRefusalAt));
      }
      if (k.active != null) {
        v.put("active", k.active.sequence);
        if (k.active.sha256 != null) {
          v.put("sha256", k.active.sha256);
        }
      }
      m.put(name, v);
    });
    return m;
  }
}
