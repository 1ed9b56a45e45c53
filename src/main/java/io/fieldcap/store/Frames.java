package io.fieldcap.store;

import java.io.IOException;
import java.util.function.Consumer;

/** Frames to read one after another, without holding them all: a store, or a selection of one. */
public interface Frames {
  /** Every frame, in (device, capture time) order. */
  void forEach(Consumer<StoredFrame> action) throws IOException;
}
