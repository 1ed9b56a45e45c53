package io.fieldcap.protocol;

import io.fieldcap.model.DeviceId;
import io.fieldcap.model.FrameId;

/**
 * Topic names under a configurable root (default {@code fieldcap/v1}):
 *
 * <pre>
 * ROOT/DEVICE/frames/FRAME/manifest     device to server  manifest (JSON)
 * ROOT/DEVICE/frames/FRAME/chunk/N      device to server  bytes N*chunkSize.. of the image
 * ROOT/DEVICE/acks                      server to device  acks (JSON)
 * ROOT/DEVICE/status                    device, retained  online/offline and counts (JSON)
 * ROOT/DEVICE/commands                  to the device     {"cmd": "capture", "tag": "..."}
 * </pre>
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
