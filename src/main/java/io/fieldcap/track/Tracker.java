package io.fieldcap.track;

import io.fieldcap.model.Box;
import java.util.ArrayList;
import java.util.List;

/**
 * A multi-object tracker in the manner of ByteTrack (Zhang et al. 2022): each track's box is predicted
 * by a Kalman filter ({@link KalmanBox}), then detections are associated by IoU in two passes, the
 * confident ones first ({@code score >= high}) with every live track, then the weak ones (down to
 * {@code low}) with the tracks still unmatched, so that an object half hidden, whose detector score
 * drops, keeps its track instead of being lost and found again under another id. A track is born from
 * a confident detection no track took and is confirmed after {@code minHits} frames in a row; a track
 * unmatched for {@code maxAge} frames ends. Tracks and detections of different classes never pair.
 * {@link #update} is for one thread; the counts may be read from any.
 */
public final class Tracker {
  /** A detection of one frame: its class, score and box. */
  public record Seen(String label, double score, Box box) {}

  /** Tuning, with ByteTrack's defaults where it has one. */
  public record Options(double high, double low, double matchIou, double weakMatchIou, int minHits, int maxAge) {
    public static final Options DEFAULT = new Options(0.5, 0.1, 0.2, 0.5, 2, 30);
  }

  private enum State { TENTATIVE, TRACKED, LOST }

  private static final class Track {
    final long id;
    final String label;
    final KalmanBox kalman;
    State state = State.TENTATIVE;
    int hits = 1;
    int frames = 1;
    int missed;
    boolean confirmed;

    Track(long id, String label, Box b) {
      this.id = id;
      this.label = label;
      this.kalman = new KalmanBox(b);
    }
  }

  private final Options options;
  private final List<Track> tracks = new ArrayList<>();
  private long nextId = 1;
  private volatile long started;
  private volatile int active;
  private volatile long ended;
  private volatile long endedFrames;
  private long[] endedNow = new long[0];

  public Tracker(Options options) {
    this(options, 1);
  }

  /** A tracker whose first track id is {@code firstId} (a restarted one goes on from where the last stopped). */
  public Tracker(Options options, long firstId) {
    this.options = options;
    this.nextId = firstId;
  }

  /** The id the next track will get. */
  public long nextId() {
    return nextId;
  }

  /** Tracks confirmed so far. */
  public long started() {
    return started;
  }

  /** Confirmed tracks that ended so far, and the frames they were seen in, together. */
  public long[] endedAndFrames() {
    return new long[] {ended, endedFrames};
  }

  /** The confirmed tracks that ended in the last {@link #update} (unseen for more than {@code maxAge} frames). */
  public long[] endedNow() {
    return endedNow.clone();
  }

  /** Ends every track (the model changed, the agent stops): the ids of the confirmed ones. */
  public long[] endAll() {
    List<Long> ids = new ArrayList<>();
    for (Track t : tracks) {
      if (t.confirmed) {
        ids.add(t.id);
        ended(t);
      }
    }
    tracks.clear();
    active = 0;
    return ids.stream().mapToLong(Long::longValue).toArray();
  }

  private void ended(Track t) {
    ended++;
    endedFrames += t.frames;
  }

  /** Tracks followed now (confirmed, seen or briefly lost), as of the last update; readable from any thread. */
  public int active() {
    return active;
  }

  /**
   * One frame: the track id of each detection, in their order; 0 for a detection no confirmed track
   * holds (a weak one no track wanted, or the first frame of a track not yet confirmed).
   */
  public long[] update(List<Seen> seen) {
    for (Track t : tracks) {
      t.kalman.predict(t.state == State.TRACKED);
    }
    long[] ids = new long[seen.size()];
    boolean[] taken = new boolean[seen.size()];
    List<Integer> strong = new ArrayList<>();
    List<Integer> weak = new ArrayList<>();
    for (int i = 0; i < seen.size(); i++) {
      double s = seen.get(i).score();
      if (s >= options.high()) {
        strong.add(i);
      } else if (s >= options.low()) {
        weak.add(i);
      }
    }
    boolean[] matched = new boolean[tracks.size()];
    // 1. confident detections with every tracked or lost track
    List<Integer> live = new ArrayList<>();
    for (int k = 0; k < tracks.size(); k++) {
      if (tracks.get(k).state != State.TENTATIVE) {
        live.add(k);
      }
    }
    associate(live, strong, seen, options.matchIou(), matched, taken, ids);
    // 2. weak detections with the tracks seen last frame and still unmatched
    List<Integer> left = new ArrayList<>();
    for (int k : live) {
      if (!matched[k] && tracks.get(k).state == State.TRACKED) {
        left.add(k);
      }
    }
    associate(left, weak, seen, options.weakMatchIou(), matched, taken, ids);
    // 3. tentative tracks with the confident detections left
    List<Integer> tentative = new ArrayList<>();
    for (int k = 0; k < tracks.size(); k++) {
      if (tracks.get(k).state == State.TENTATIVE) {
        tentative.add(k);
      }
    }
    List<Integer> strongLeft = new ArrayList<>();
    for (int i : strong) {
      if (!taken[i]) {
        strongLeft.add(i);
      }
    }
    associate(tentative, strongLeft, seen, 0.3, matched, taken, ids);
    // the unmatched: tracked ones are lost, tentative ones end, lost ones age out
    List<Track> kept = new ArrayList<>();
    List<Long> gone = new ArrayList<>();
    for (int k = 0; k < tracks.size(); k++) {
      Track t = tracks.get(k);
      if (!matched[k]) {
        if (t.state == State.TENTATIVE) {
          continue;
        }
        t.state = State.LOST;
        t.missed++;
        if (t.missed > options.maxAge()) {
          gone.add(t.id);
          ended(t);
          continue;
        }
      }
      kept.add(t);
    }
    endedNow = gone.stream().mapToLong(Long::longValue).toArray();
    tracks.clear();
    tracks.addAll(kept);
    // 4. new tracks from the confident detections nobody took
    for (int i : strong) {
      if (!taken[i]) {
        Track t = new Track(nextId++, seen.get(i).label(), seen.get(i).box());
        if (options.minHits() <= 1) {
          confirm(t);
          ids[i] = t.id;
        }
        tracks.add(t);
      }
    }
    int n = 0;
    for (Track t : tracks) {
      n += t.confirmed ? 1 : 0;
    }
    active = n;
    return ids;
  }

  private void confirm(Track t) {
    if (!t.confirmed) {
      t.confirmed = true;
      started++;
    }
    t.state = State.TRACKED;
  }

  /** Pairs tracks and detections of one class by least total IoU distance, none under {@code minIou}. */
  private void associate(List<Integer> trackIdx, List<Integer> detIdx, List<Seen> seen, double minIou, boolean[] matched,
      boolean[] taken, long[] ids) {
    if (trackIdx.isEmpty() || detIdx.isEmpty()) {
      return;
    }
    double[][] cost = new double[trackIdx.size()][detIdx.size()];
    for (int a = 0; a < trackIdx.size(); a++) {
      Track t = tracks.get(trackIdx.get(a));
      Box predicted = t.kalman.box();
      for (int b = 0; b < detIdx.size(); b++) {
        Seen s = seen.get(detIdx.get(b));
        double iou = s.label().equals(t.label) ? predicted.iou(s.box()) : 0;
        cost[a][b] = iou >= minIou ? 1 - iou : Double.NaN;
      }
    }
    for (int[] p : Assignment.solve(cost)) {
      int k = trackIdx.get(p[0]);
      int i = detIdx.get(p[1]);
      Track t = tracks.get(k);
      t.kalman.update(seen.get(i).box());
      t.missed = 0;
      t.frames++;
      if (t.state == State.TENTATIVE) {
        t.hits++;
        if (t.hits >= options.minHits()) {
          confirm(t);
        }
      } else {
        t.state = State.TRACKED;
      }
      matched[k] = true;
      taken[i] = true;
      ids[i] = t.confirmed ? t.id : 0;
    }
  }
}
