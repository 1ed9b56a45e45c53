package io.fieldcap.ingest;

import io.fieldcap.json.Json;
import io.fieldcap.model.ClipLabels;
import io.fieldcap.model.Sha256;
import io.fieldcap.protocol.Manifest;
import io.fieldcap.protocol.ProtocolException;
import io.fieldcap.protocol.RejectReason;
import io.fieldcap.store.Assembled;
import io.fieldcap.store.NewClip;
import java.io.IOException;

/**
 * An event clip's transfer, all here, checked before it is stored: the video and its frame-by-frame labels
 * split apart, their sizes and SHA-256s, an MP4's {@code ftyp}, the labels' shape and every frame's label set.
 */
final class ClipCheck {
  private ClipCheck() {}

  /** The video (an assembled file of its own) and the row to store. */
  record Checked(Assembled video, NewClip clip) {}

  /** The checked clip; on a problem the assembled bytes are removed and the reason thrown. */
  static Checked check(Manifest m, Assembled assembled) throws ProtocolException, IOException {
    Assembled video = assembled;
    try {
      if (assembled.bytes() != m.transferBytes()) {
        throw new ProtocolException(RejectReason.CHECKSUM_MISMATCH, "the " + assembled.bytes() + " bytes received are not the "
            + m.transferBytes() + " of the manifest's clip and labels; send the clip again", m.sha256());
      }
      Assembled.Split split = assembled.split(m.bytes());
      video = split.image();
      byte[] json = split.tail();
      if (!Sha256.hex(json).equals(m.labelsSha256())) {
        throw new ProtocolException(RejectReason.CHECKSUM_MISMATCH, "the " + json.length
            + " bytes of clip labels received do not match the manifest's labelsSha256; send the clip again", m.sha256());
      }
      if (video.bytes() != m.bytes() || !video.sha256().equals(m.sha256())) {
        throw new ProtocolException(RejectReason.CHECKSUM_MISMATCH,
            "the " + video.bytes() + " bytes received do not match the manifest's size and SHA-256; send the clip again", m.sha256());
      }
      String problem = ManifestCheck.videoProblem(video);
      if (problem != null) {
        throw new ProtocolException(RejectReason.BAD_IMAGE, problem, m.sha256());
      }
      ClipLabels labels;
      try {
        labels = Json.MAPPER.readValue(json, ClipLabels.class); // read once: checked, then stored as the bytes received
      } catch (IOException e) {
        throw new ProtocolException(RejectReason.BAD_MANIFEST, "the labels sent after the clip are not a clip's labels: "
            + e.getMessage().lines().findFirst().orElse(""), m.sha256());
      }
      problem = ManifestCheck.clipLabelsProblem(labels, m);
      if (problem != null) {
        throw new ProtocolException(RejectReason.BAD_MANIFEST, problem, m.sha256());
      }
      return new Checked(video, Manifests.clip(m, labels, json));
    } catch (ProtocolException | IOException | RuntimeException e) {
      video.close();
      throw e;
    }
  }
}
