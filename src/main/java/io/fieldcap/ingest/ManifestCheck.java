package io.fieldcap.ingest;

import io.fieldcap.image.JpegHeader;
import io.fieldcap.model.ClipLabels;
import io.fieldcap.model.LabelRules;
import io.fieldcap.protocol.Manifest;
import io.fieldcap.protocol.ProtocolException;
import io.fieldcap.protocol.RejectReason;
import io.fieldcap.protocol.Topics;
import io.fieldcap.store.Assembled;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * What the server checks before it spends anything on a frame: a manifest against the protocol and
 * this server's limits (each problem refused with its reason and what is wrong), and an assembled
 * image's own JPEG header against the manifest's size.
 */
final class ManifestCheck {
  private final Ingest.Limits limits;

  ManifestCheck(Ingest.Limits limits) {
    this.limits = limits;
  }

  void manifest(Manifest m, Topics.Parsed t) throws ProtocolException {
    if (m.v() != Manifest.VERSION) {
      throw new ProtocolException(RejectReason.UNSUPPORTED_VERSION,
          "manifest version " + m.v() + " is not supported; this server speaks version " + Manifest.VERSION);
    }
    require(t.device().equals(m.deviceId()), "deviceId '" + m.deviceId() + "' does not match the topic's '" + t.device() + "'");
    require(t.frameId().equals(m.frameId()), "frameId '" + m.frameId() + "' does not match the topic's '" + t.frameId() + "'");
    require(m.capturedAt() != null, "capturedAt is missing");
    require(m.sha256() != null && m.sha256().matches("[0-9a-f]{64}"), "sha256 must be 64 lower-case hex digits");
    require(m.bytes() > 0, "bytes must be positive, was " + m.bytes());
    if (m.bytes() > limits.maxFrameBytes()) {
      throw new ProtocolException(RejectReason.TOO_LARGE,
          "frame of " + m.bytes() + " bytes is over this server's limit of " + limits.maxFrameBytes() + " bytes");
    }
    require(m.chunkSize() > 0 && m.chunkSize() <= limits.maxChunkBytes(),
        "chunkSize must be at most " + limits.maxChunkBytes() + " bytes (server.max-chunk-bytes), was " + m.chunkSize());
    require(m.labelsBytes() >= 0 && m.labelsBytes() <= Ingest.MAX_LABELS_BYTES,
        "labelsBytes must be from 0 to " + Ingest.MAX_LABELS_BYTES + ", was " + m.labelsBytes());
    if (m.labelsBytes() > 0) {
      require(m.labelsSha256() != null && m.labelsSha256().matches("[0-9a-f]{64}"),
          "labelsSha256 must be 64 lower-case hex digits when labelsBytes is given");
      require(m.labels() == null, "labels must be left out when they are sent in the transfer (labelsBytes)");
    }
    String what = m.labelsBytes() > 0 ? m.bytes() + " + " + m.labelsBytes() + " bytes (image and labels)" : m.bytes() + " bytes";
    require(m.chunks() == Manifest.chunkCount(m.transferBytes(), m.chunkSize()),
        "chunks is " + m.chunks() + " but " + what + " in chunks of " + m.chunkSize() + " make "
            + Manifest.chunkCount(m.transferBytes(), m.chunkSize()));
    require(m.chunks() == 1 || m.chunkSize() >= Ingest.MIN_CHUNK_BYTES,
        "chunkSize must be at least " + Ingest.MIN_CHUNK_BYTES + " bytes for a frame of several chunks, was " + m.chunkSize());
    require(m.chunks() <= Ingest.MAX_CHUNKS, "a frame may have at most " + Ingest.MAX_CHUNKS + " chunks, this one has " + m.chunks());
    boolean clip = Manifest.CLIP_TYPE.equals(m.contentType());
    require(Manifest.IMAGE_TYPE.equals(m.contentType()) || clip,
        "contentType must be image/jpeg (a frame) or video/mp4 (an event clip), was " + m.contentType());
    if (clip) {
      require(m.meta() != null && m.meta().get("clip") instanceof Map<?, ?>, "a video/mp4 clip needs meta.clip");
      require(m.labelsBytes() > 0, "a video/mp4 clip's frame-by-frame labels travel after it (labelsBytes)");
    }
    require(m.width() > 0 && m.height() > 0, "width and height must be positive");
    String labels = LabelRules.problem(m.labels(), m.width(), m.height());
    require(labels == null, labels);
    String tags = LabelRules.tagsProblem(m.meta());
    require(tags == null, tags);
    if ((long) m.width() * m.height() > limits.maxPixels()) {
      throw new ProtocolException(RejectReason.TOO_LARGE, "an image of " + m.width() + "x" + m.height() + " ("
          + (long) m.width() * m.height() + " pixels) is over this server's limit of " + limits.maxPixels()
          + " pixels (server.max-pixels)");
    }
  }

  private static void require(boolean ok, String problem) throws ProtocolException {
    if (!ok) {
      throw new ProtocolException(RejectReason.BAD_MANIFEST, problem);
    }
  }

  /** What is wrong with an assembled clip (not an MP4), or null. */
  static String videoProblem(Assembled video) throws IOException {
    byte[] head = new byte[12];
    int n;
    try (InputStream in = video.open()) {
      n = in.readNBytes(head, 0, head.length);
    }
    if (n < 12 || head[4] != 'f' || head[5] != 't' || head[6] != 'y' || head[7] != 'p') {
      return "the clip is not an MP4 (no ftyp box at its start)";
    }
    return null;
  }

  /** What is wrong with a clip's frame-by-frame labels, or null. */
  static String clipLabelsProblem(ClipLabels labels, Manifest m) {
    String problem = labels.problem(m.width(), m.height());
    if (problem != null) {
      return "the clip's labels: " + problem;
    }
    for (int i = 0; i < labels.frames().size(); i++) {
      String p = LabelRules.problem(labels.frames().get(i).labels(), m.width(), m.height());
      if (p != null) {
        return "the clip's labels, frames[" + i + "]: " + p;
      }
    }
    return null;
  }

  static String imageProblem(Assembled image, Manifest m) throws IOException {
    JpegHeader.Size size;
    try (InputStream in = new BufferedInputStream(image.open(), 8192)) {
      size = JpegHeader.read(in);
    } catch (IOException e) {
      return "the image is not a readable JPEG: " + e.getMessage();
    }
    if (size.width() != m.width() || size.height() != m.height()) {
      return "the manifest says " + m.width() + "x" + m.height() + " but the JPEG is " + size.width() + "x" + size.height();
    }
    return null;
  }
}
