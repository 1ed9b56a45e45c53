package io.fieldcap.ingest;

import io.fieldcap.json.Json;
import io.fieldcap.model.ClipLabels;
import io.fieldcap.protocol.Manifest;
import io.fieldcap.store.NewClip;
import io.fieldcap.store.NewFrame;
import io.fieldcap.store.Transfer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

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

  /** The row to store for a clip whose video and labels ({@code labels}, read from {@code labelsJson}, checked) matched {@code m}. */
  public static NewClip clip(Manifest m, ClipLabels labels, byte[] labelsJson) throws IOException {
    Object rule = m.meta().get("keptBy");
    List<ClipLabels.Frame> frames = labels.frames();
    return new NewClip(m.deviceId(), m.frameId(), m.seq(), frames.get(0).capturedAt(),
        frames.get(frames.size() - 1).capturedAt(), labels.fps(), frames.size(), labels.trigger(), m.width(), m.height(),
        m.sha256(), m.bytes(), rule == null ? null : rule.toString(), new String(labelsJson, StandardCharsets.UTF_8),
        Json.MAPPER.writeValueAsString(m.meta()));
  }
}
