package io.fieldcap.select;

import io.fieldcap.config.CaptureConfig.Rule;
import io.fieldcap.model.Detection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongToIntFunction;
import java.util.function.ToDoubleFunction;

/**
 * The {@code best-shot} rules' memory: per rule and track, the best frames seen so far (by {@link ShotScore}),
 * held until the track ends, or {@code max-wait} after its first candidate, and then handed out to be kept.
 * A frame may be the best of several tracks; it is handed out once, and counts as a kept shot of every
 * track that held it. Frames no track holds any more are {@link #released()}, to be counted as rejected
 * (tracking saved them). Used by one thread.
 *
 * @param <T> what is held: the selection's frame with its labels
 */
public final class BestShots<T> {
  /** A held frame to keep now, for {@code rule}. */
  public record Emit<T>(T item, Rule rule) {}

  private record Shot(long seq, Instant at, double score) {}

  private static final class Track {
    final List<Shot> held = new ArrayList<>();
    int kept;
    Instant first;
  }

  private final List<Rule> rules;
  private final Map<Rule, Map<Long, Track>> tracks = new IdentityHashMap<>();
  private final Map<Long, T> items = new HashMap<>();
  private final Map<Long, Integer> refs = new HashMap<>();
  private final List<T> released = new ArrayList<>();

  private final LongToIntFunction framesOf;

  /** {@code framesOf}: how many frames a track has been seen in ({@link Rules#trackFrames}), for {@code min-length}. */
  public BestShots(List<Rule> bestShotRules, LongToIntFunction framesOf) {
    this.rules = List.copyOf(bestShotRules);
    this.framesOf = framesOf;
    for (Rule r : rules) {
      tracks.put(r, new LinkedHashMap<>());
    }
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** Frames held now, all rules together. */
  public int held() {
    return items.size();
  }

  private static boolean wants(Rule r, Detection d) {
    return d.trackId() != null && (r.classes().isEmpty() || r.classes().contains(d.label())) && d.score() >= r.minScore();
  }

  /**
   * Offers a frame no rule kept: each of its tracks holds it if it is among the track's best ({@code score}
   * of the detection) and no better held frame lies within {@code spacing} of it. Whether any track holds it.
   */
  public boolean offer(T item, long seq, Instant at, List<Detection> dets, ToDoubleFunction<Detection> score) {
    boolean taken = false;
    for (Rule r : rules) {
      for (Detection d : dets) {
        if (!wants(r, d)) {
          continue;
        }
        Track t = tracks.get(r).computeIfAbsent(d.trackId(), id -> new Track());
        int room = r.tracks().perTrack() - t.kept;
        if (room <= 0 || t.held.stream().anyMatch(s -> s.seq == seq)) {
          continue;
        }
        Shot shot = new Shot(seq, at, score.applyAsDouble(d));
        Duration spacing = r.tracks().spacing();
        List<Shot> near = t.held.stream()
            .filter(s -> Duration.between(s.at, at).abs().compareTo(spacing) < 0).toList();
        if (near.stream().anyMatch(s -> s.score >= shot.score)) {
          continue;
        }
        if (t.held.size() - near.size() >= room) { // full: it must beat the worst (a tie keeps the earlier)
          Shot worst = t.held.stream().filter(s -> !near.contains(s)).min(Comparator.comparingDouble(Shot::score))
              .orElseThrow();
          if (shot.score <= worst.score) {
            continue;
          }
          drop(t, worst);
        }
        for (Shot s : near) {
          drop(t, s);
        }
        t.held.add(shot);
        if (t.first == null) {
          t.first = at;
        }
        items.put(seq, item);
        refs.merge(seq, 1, Integer::sum);
        taken = true;
      }
      enforceBound(r);
    }
    return taken;
  }

  private void drop(Track t, Shot s) {
    t.held.remove(s);
    unref(s.seq);
  }

  private void unref(long seq) {
    Integer n = refs.merge(seq, -1, Integer::sum);
    if (n != null && n <= 0) {
      refs.remove(seq);
      T it = items.remove(seq);
      if (it != null) {
        released.add(it);
      }
    }
  }

  /** Past {@code max-held} frames for a rule, the track collecting longest has its best kept early. */
  private final List<Emit<T>> early = new ArrayList<>();

  private void enforceBound(Rule r) {
    while (heldBy(r) > r.tracks().maxHeld()) {
      Map.Entry<Long, Track> oldest = tracks.get(r).entrySet().stream().filter(e -> e.getValue().first != null)
          .min(Comparator.comparing(e -> e.getValue().first)).orElse(null);
      if (oldest == null) {
        return;
      }
      early.addAll(emit(r, oldest.getValue()));
    }
  }

  private int heldBy(Rule r) {
    return (int) tracks.get(r).values().stream().flatMap(t -> t.held.stream()).mapToLong(Shot::seq).distinct().count();
  }

  /** Tracks that ended: their best frames, to keep (tracks shorter than {@code min-length} keep nothing). */
  public List<Emit<T>> ended(long[] ids) {
    List<Emit<T>> out = new ArrayList<>(takeEarly());
    for (Rule r : rules) {
      Map<Long, Track> ts = tracks.get(r);
      for (long id : ids) {
        Track t = ts.remove(id);
        if (t == null) {
          continue;
        }
        if (framesOf.applyAsInt(id) >= r.tracks().minLength()) {
          out.addAll(emit(r, t));
        } else {
          for (Shot s : List.copyOf(t.held)) {
            drop(t, s);
          }
        }
      }
    }
    return out;
  }

  /** Tracks still seen {@code max-wait} after their first candidate: their best so far, to keep now. */
  public List<Emit<T>> due(Instant now) {
    List<Emit<T>> out = new ArrayList<>(takeEarly());
    for (Rule r : rules) {
      for (Map.Entry<Long, Track> e : tracks.get(r).entrySet()) {
        Track t = e.getValue();
        if (t.first != null && framesOf.applyAsInt(e.getKey()) >= r.tracks().minLength()
            && Duration.between(t.first, now).compareTo(r.tracks().maxWait()) >= 0) {
          out.addAll(emit(r, t));
          t.kept = 0; // a new stretch of a long track: it may give its best again
        }
      }
    }
    return out;
  }

  /** Everything held, for every track long enough (the agent stops): nothing seen is lost with the process. */
  public List<Emit<T>> drain() {
    List<Emit<T>> out = new ArrayList<>(takeEarly());
    out.addAll(ended(tracks.values().stream().flatMap(ts -> ts.keySet().stream()).distinct()
        .mapToLong(Long::longValue).toArray()));
    return out;
  }

  private List<Emit<T>> takeEarly() {
    List<Emit<T>> e = List.copyOf(early);
    early.clear();
    return e;
  }

  /** Frames no track holds any more since the last call: not kept, because tracking kept better ones. */
  public List<T> released() {
    List<T> r = List.copyOf(released);
    released.clear();
    return r;
  }

  /** Hands out a track's held frames (each frame once, whichever tracks held it) and starts it collecting again. */
  private List<Emit<T>> emit(Rule r, Track t) {
    List<Emit<T>> out = new ArrayList<>();
    List<Shot> shots = new ArrayList<>(t.held);
    shots.sort(Comparator.comparing(Shot::at));
    t.held.clear();
    t.kept += shots.size();
    t.first = null;
    for (Shot s : shots) {
      T item = items.remove(s.seq);
      refs.remove(s.seq);
      if (item != null) {
        out.add(new Emit<>(item, r));
        forget(s.seq);
      }
    }
    return out;
  }

  /** A frame handed out: every other track that held it counts it as one of its kept shots. */
  private void forget(long seq) {
    for (Map<Long, Track> ts : tracks.values()) {
      for (Track t : ts.values()) {
        if (t.held.removeIf(s -> s.seq == seq)) {
          t.kept++;
        }
      }
    }
  }
}
