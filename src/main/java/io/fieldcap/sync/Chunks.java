package io.fieldcap.sync;

import io.fieldcap.model.DeviceId;
import io.fieldcap.model.Sha256;
import io.fieldcap.protocol.Manifest;
import io.fieldcap.protocol.Topics;
import io.fieldcap.spool.PendingFrame;
import io.fieldcap.spool.Spool;
import io.fieldcap.transport.MqttLink;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the chunks the server asked for: the image read back from the spool and checked against the
 * SHA-256 recorded when it was stored (a frame damaged on disk goes to {@code failed/}, never to the
 * server), then the labels' JSON when it travels after the image, cut at {@code mqtt.chunk-bytes}
 * and paced by the bandwidth cap.
 */
final class Chunks {
  private static final Logger log = LoggerFactory.getLogger(Chunks.class);

  private final DeviceId device;
  private final Spool spool;
  private final MqttLink link;
  private final Topics topics;
  private final ByteRate rate;
  private final int chunkBytes;

  Chunks(DeviceId device, Spool spool, MqttLink link, Topics topics, ByteRate rate, int chunkBytes) {
    this.device = device;
    this.spool = spool;
    this.link = link;
    this.topics = topics;
    this.rate = rate;
    this.chunkBytes = chunkBytes;
  }

  /** Sends chunks {@code missing} of {@code fl}; false when its image is damaged (then it has failed in the spool). */
  boolean send(InFlight fl, List<Integer> missing) throws MqttException, InterruptedException {
    PendingFrame f = fl.frame;
    byte[] image;
    try {
      image = Files.readAllBytes(f.file());
    } catch (IOException e) {
      spool.failed(f.id(), "its image cannot be read: " + e.getMessage());
      return false;
    }
    if (image.length != f.bytes() || !Sha256.hex(image).equals(f.sha256())) {
      spool.failed(f.id(), "its image no longer matches the SHA-256 recorded when it was stored (damaged on disk)");
      return false;
    }
    if (fl.labelsTail != null) {
      byte[] both = Arrays.copyOf(image, image.length + fl.labelsTail.length);
      System.arraycopy(fl.labelsTail, 0, both, image.length, fl.labelsTail.length);
      image = both;
    }
    int size = chunkBytes;
    int chunks = Manifest.chunkCount(image.length, size);
    for (int i : missing) {
      if (i < 0 || i >= chunks) {
        log.warn("sync: the server asked for chunk {} of {}, which has {}", i, f.id(), chunks);
        continue;
      }
      byte[] part = Arrays.copyOfRange(image, i * size, Math.min(image.length, (i + 1) * size));
      rate.acquire(part.length);
      link.publish(topics.chunk(device, f.id(), i), part, false);
      fl.lastActivityNanos = System.nanoTime();
    }
    return true;
  }
}
