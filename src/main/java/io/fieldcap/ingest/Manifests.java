package io.fieldcap.ingest;

import io.fieldcap.protocol.Manifest;
import io.fieldcap.store.NewFrame;
import io.fieldcap.store.Transfer;

/** Where the wire's manifest meets the store's own types: ingest is the only place that holds both. */
public final class Manifests {
  private Manifests() {}

  /** The staging key and chunk count of the frame a manifest announces. */
  public static Transfer transfer(Manifest m) {
    return new Transfer(m.deviceId(), m.frameId(), m.chunks());
  }

  /** The row to store for a frame whose bytes matched {@code m}. */
  public static NewFrame frame(Manifest m) {
    return new NewFrame(m.deviceId(), m.frameId(), m.seq(), m.capturedAt(), m.sha256(), m.bytes(), m.contentType(),
        m.width(), m.height(), m.labels(), m.meta());
  }
}
