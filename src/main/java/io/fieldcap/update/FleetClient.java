package io.fieldcap.update;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.config.MqttConfig;
import io.fieldcap.json.Json;
import io.fieldcap.protocol.Topics;
import io.fieldcap.transport.MqttLink;
import io.fieldcap.transport.MqttOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * The operator's connection to the fleet's broker: every device's status in (the fleet view, and
 * watching a rollout); update bundles out (files as retained chunks, the signed manifest retained on
 * its target's topic); and removal of retained files no manifest refers to any more.
 */
public final class FleetClient implements AutoCloseable {
  private final Topics topics;
  private final MqttLink link;
  private final Map<String, JsonNode> statuses = new ConcurrentHashMap<>();
  private final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
  private final Set<String> blobs = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> blobChunks = new ConcurrentHashMap<>();

  public FleetClient(MqttConfig mqtt) throws MqttException {
    this.topics = new Topics(mqtt.topicRoot());
    this.link = new MqttLink("fieldcap-push-" + UUID.randomUUID().toString().substring(0, 8), MqttOptions.from(mqtt, null, null),
        new MqttLink.Listener() {
          @Override
          public void message(String topic, byte[] payload) {
            String device = topics.statusDevice(topic);
            if (device != null) {
              try {
                statuses.put(device, Json.MAPPER.readTree(payload));
              } catch (IOException | RuntimeException e) {
                // not a status we can read
              }
            } else if (topics.updateKind(topic) != null) {
              if (payload.length == 0) {
                manifests.remove(topic);
              } else {
                manifests.put(topic, payload);
              }
            } else if (topics.blobOf(topic) != null && payload.length > 0) {
              String sha = topics.blobOf(topic)[0];
              blobs.add(sha);
              try {
                blobChunks.put(sha, Json.MAPPER.readTree(payload).path("chunks").asInt(0));
              } catch (IOException e) {
                blobChunks.put(sha, 0);
              }
            }
          }

          @Override
          public void lost(String why) {}
        });
    link.connect();
    link.subscribe(topics.statusSubscription());
    for (String f : topics.allUpdateSubscriptions()) {
      link.subscribe(f);
    }
    link.subscribe(topics.blobInfoSubscription());
  }

  /** Every device's last status (retained, then live), by device id. */
  public Map<String, JsonNode> statuses() {
    return statuses;
  }

  /** Publishes a file as retained chunks under its SHA-256, and its info. */
  public void publishFile(Path file, Bundle.FileEntry f) throws IOException, MqttException, InterruptedException {
    try (InputStream in = Files.newInputStream(file)) {
      for (int i = 0; i < f.chunks(); i++) {
        byte[] chunk = in.readNBytes(f.chunkSize());
        link.publish(topics.blob(f.sha256(), i), chunk, true);
      }
    }
    link.publish(topics.blobInfo(f.sha256()), Json.encode(Map.of("size", f.size(), "chunks", f.chunks(),
        "name", f.name())), true);
  }

  /** Publishes the signed manifest, retained, where the bundle's target reads it. */
  public String publishManifest(Bundle b, Signed s) throws MqttException, InterruptedException {
    return publishManifestOn(b.target(), b.kind(), s);
  }

  /** Publishes a signed manifest, retained, on the topic of {@code target} (a canary's device topic for a group's bundle). */
  public String publishManifestOn(String target, String kind, Signed s) throws MqttException, InterruptedException {
    String topic = topics.update(target, kind);
    link.publish(topic, s.encode(), true);
    manifests.put(topic, s.encode());
    return topic;
  }

  /** Removes a retained manifest. */
  public void clear(String topic) throws MqttException, InterruptedException {
    link.publish(topic, new byte[0], true);
    manifests.remove(topic);
  }

  /**
   * Removes retained files that no retained manifest refers to (bundles answered by their device, or
   * replaced by a newer push). Returns how many files were removed.
   */
  public int collectGarbage() throws MqttException, InterruptedException {
    Set<String> referenced = new HashSet<>();
    for (byte[] m : manifests.values()) {
      try {
        Bundle b = Bundle.parse(Signed.decode(m).manifest());
        b.files().forEach(f -> referenced.add(f.sha256()));
      } catch (Signed.Refused | IOException | RuntimeException e) {
        // not a manifest: refers to nothing
      }
    }
    int removed = 0;
    for (String sha : Set.copyOf(blobs)) {
      if (referenced.contains(sha)) {
        continue;
      }
      for (int i = 0; i < blobChunks.getOrDefault(sha, 0); i++) {
        link.publish(topics.blob(sha, i), new byte[0], true);
      }
      link.publish(topics.blobInfo(sha), new byte[0], true);
      blobs.remove(sha);
      removed++;
    }
    return removed;
  }

  @Override
  public void close() {
    link.disconnect(null, null);
    link.close();
  }
}
