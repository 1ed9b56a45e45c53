package io.fieldcap.store;

import java.io.IOException;
import java.util.function.Consumer;

/** Frames to read one after another, without holding them all: a store, or a selection of one. */
public interface Frames {
  /** Every frame, in (device, capture time) order. */
  void forEach(Consumer<StoredFrame> action) throws IOException;

  /**
   * The frames that match {@code query}, in the same order. A store answers from its database's
   * indexes ({@link LocalFrameStore#where}); anything else tests each frame as it reads it.
   */
  default Frames where(FrameQuery query) {
    return action -> forEach(f -> {
      if (query.matches(f)) {
        action.accept(f);
      }
    });
  }

  /**
   * {@code frames}, with {@code seen} told of each frame read (a progress line, a count); a query
   * still goes to {@code frames}, so a store still answers it from its indexes.
   */
  static Frames peek(Frames frames, Consumer<StoredFrame> seen) {
    return new Frames() {
      @Override
      public void forEach(Consumer<StoredFrame> action) throws IOException {
        frames.forEach(f -> {
          action.accept(f);
          seen.accept(f);
        });
      }

      @Override
      public Frames where(FrameQuery query) {
        return peek(frames.where(query), seen);
      }
    };
  }
}
