package io.fieldcap.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * The labels of an event clip, frame by frame: the video plays frame {@code i} from {@code i / fps} seconds,
 * and {@code frames[i]} is what the model (and the tracker) saw in it, with the frame's own sequence number
 * and capture time. {@code trigger} is the index of the frame whose capture rule started the clip.
 */
public record ClipLabels(double fps, int trigger, List<Frame> frames) {
  /** The most frames a clip may have (an hour at 1 fps, or 12 minutes at 5). */
  public static final int MAX_FRAMES = 3600;

  /** One frame of the clip. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Frame(long seq, Instant capturedAt, LabelSet labels) {}

  public ClipLabels {
    frames = List.copyOf(frames);
  }

  /** What is wrong with these labels for a {@code width x height} clip, or null when nothing is. */
  public String problem(int width, int height) {
    if (!(fps > 0 && fps <= 120)) {
      return "fps must be above 0 and at most 120, was " + fps;
    }
    if (frames.isEmpty() || frames.size() > MAX_FRAMES) {
      return "a clip has 1 to " + MAX_FRAMES + " frames, this one " + frames.size();
    }
    if (trigger < 0 || trigger >= frames.size()) {
      return "trigger must be a frame of the clip (0.." + (frames.size() - 1) + "), was " + trigger;
    }
    for (int i = 0; i < frames.size(); i++) {
      Frame f = frames.get(i);
      if (f == null || f.capturedAt() == null) {
        return "frames[" + i + "] has no capturedAt";
      }
    }
    return null;
  }
}
