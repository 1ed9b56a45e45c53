package io.fieldcap.protocol;

import io.fieldcap.model.DeviceId;
import io.fieldcap.model.FrameId;
import java.util.ArrayList;
import java.util.List;

/**
 * Topic names under a configurable root (default {@code fieldcap/v1}):
 *
 * <pre>
 * ROOT/DEVICE/frames/FRAME/manifest     device to server  manifest (JSON)
 * ROOT/DEVICE/frames/FRAME/chunk/N      device to server  bytes N*chunkSize.. of the image
 * ROOT/DEVICE/acks                      server to device  acks (JSON)
 * ROOT/DEVICE/status                    device, retained  online/offline and counts (JSON)
 * ROOT/DEVICE/commands                  to the device     {"cmd": "capture", "tag": "..."}
 * ROOT/DEVICE/update/KIND               to the device, retained   a signed update bundle's manifest (KIND model or config)
 * ROOT/_fleet/groups/GROUP/KIND         to a group, retained      the same, for every device in the group
 * ROOT/_fleet/all/KIND                  to every device, retained the same, for the whole fleet
 * ROOT/_fleet/blobs/SHA256/N            retained                  chunk N of a bundle's file
 * ROOT/_fleet/blobs/SHA256/info         retained                  {"size": ..., "chunks": ...}
 * </pre>
 * {@code _fleet} is not a device id ({@link io.fieldcap.model.DeviceId} refuses it).
 */
public final class Topics {
  private final String root;

  public Topics(String root) {
    this.root = root;
  }

  public String root() {
    return root;
  }

  public String manifest(DeviceId d, FrameId f) {
    return root + "/" + d + "/frames/" + f + "/manifest";
  }

  public String chunk(DeviceId d, FrameId f, int index) {
    return root + "/" + d + "/frames/" + f + "/chunk/" + index;
  }

  public String acks(String device) {
    return root + "/" + device + "/acks";
  }

  public String commands(DeviceId d) {
    return root + "/" + d + "/commands";
  }

  public String status(DeviceId d) {
    return root + "/" + d + "/status";
  }

  /** Where a bundle for {@code target} ({@code device:ID}, {@code group:NAME}, {@code all}) is published. */
  public String update(String target, String kind) {
    if (target.equals("all")) {
      return root + "/" + FLEET + "/all/" + kind;
    }
    if (target.startsWith("group:")) {
      return root + "/" + FLEET + "/groups/" + target.substring("group:".length()) + "/" + kind;
    }
    if (target.startsWith("device:")) {
      return root + "/" + target.substring("device:".length()) + "/update/" + kind;
    }
    throw new IllegalArgumentException("unknown update target '" + target + "'");
  }

  /** What a device subscribes to for its updates: its own, its groups' and the fleet's. */
  public List<String> updateSubscriptions(DeviceId d, List<String> groups) {
    List<String> l = new ArrayList<>();
    l.add(root + "/" + d + "/update/+");
    for (String g : groups) {
      l.add(root + "/" + FLEET + "/groups/" + g + "/+");
    }
    l.add(root + "/" + FLEET + "/all/+");
    return l;
  }

  /** Every retained bundle manifest on the broker (for garbage collection of blobs). */
  public List<String> allUpdateSubscriptions() {
    return List.of(root + "/+/update/+", root + "/" + FLEET + "/groups/+/+", root + "/" + FLEET + "/all/+");
  }

  /** Chunk {@code index} of the file with this SHA-256. */
  public String blob(String sha256, int index) {
    return root + "/" + FLEET + "/blobs/" + sha256 + "/" + index;
  }

  /** Every chunk of the file with this SHA-256 (and its info), for a device fetching it. */
  public String blobSubscription(String sha256) {
    return root + "/" + FLEET + "/blobs/" + sha256 + "/+";
  }

  public String blobInfo(String sha256) {
    return root + "/" + FLEET + "/blobs/" + sha256 + "/info";
  }

  public String blobInfoSubscription() {
    return root + "/" + FLEET + "/blobs/+/info";
  }

  /** The kind ({@code model} or {@code config}) of an update topic, or null when the topic is not one. */
  public String updateKind(String topic) {
    if (!topic.startsWith(root + "/")) {
      return null;
    }
    String[] p = topic.substring(root.length() + 1).split("/", -1);
    boolean update = p.length == 3 && p[1].equals("update") && !p[0].equals(FLEET)
        || p.length == 4 && p[0].equals(FLEET) && p[1].equals("groups")
        || p.length == 3 && p[0].equals(FLEET) && p[1].equals("all");
    return update ? p[p.length - 1] : null;
  }

  /** The SHA-256 and chunk index of a blob topic, or null. */
  public String[] blobOf(String topic) {
    String prefix = root + "/" + FLEET + "/blobs/";
    if (!topic.startsWith(prefix)) {
      return null;
    }
    String[] p = topic.substring(prefix.length()).split("/", -1);
    return p.length == 2 ? p : null;
  }

  /** The first topic level under the root that fleet updates use; never a device id. */
  public static final String FLEET = "_fleet";

  /** What the ingest servers subscribe to, as one shared-subscription group. */
  public String serverSubscription(String shareGroup) {
    return "$share/" + shareGroup + "/" + root + "/+/frames/#";
  }

  /** Every device's status, which every server reads (not shared): the fleet view. */
  public String statusSubscription() {
    return root + "/+/status";
  }

  /** The device of a status topic, or null when the topic is not one. */
  public String statusDevice(String topic) {
    if (!topic.startsWith(root + "/") || !topic.endsWith("/status")) {
      return null;
    }
    String d = topic.substring(root.length() + 1, topic.length() - "/status".length());
    return d.contains("/") ? null : d;
  }

  /** A topic the server received, taken apart. {@code problem} is set when it is not one it knows. */
  public record Parsed(String device, String frameId, boolean manifest, int chunk, String problem) {}

  public Parsed parse(String topic) {
    if (!topic.startsWith(root + "/")) {
      return new Parsed(null, null, false, -1, "topic '" + topic + "' is not under " + root + "/");
    }
    String[] p = topic.substring(root.length() + 1).split("/", -1);
    String device = p[0];
    if (p.length < 3 || !p[1].equals("frames")) {
      return new Parsed(device, null, false, -1, "unknown topic '" + topic + "'");
    }
    String frame = p[2];
    if (p.length == 4 && p[3].equals("manifest")) {
      return new Parsed(device, frame, true, -1, null);
    }
    if (p.length == 5 && p[3].equals("chunk")) {
      try {
        return new Parsed(device, frame, false, Integer.parseInt(p[4]), null);
      } catch (NumberFormatException e) {
        return new Parsed(device, frame, false, -1, "chunk index '" + p[4] + "' is not a number");
      }
    }
    return new Parsed(device, frame, false, -1, "unknown topic '" + topic + "'");
  }
}
