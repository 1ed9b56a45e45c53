package io.fieldcap.dataset.format;

import io.fieldcap.json.Json;
import io.fieldcap.markup.Markup;
import io.fieldcap.model.Box;
import io.fieldcap.model.ClipLabels;
import io.fieldcap.model.Detection;
import io.fieldcap.store.Clips;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Event clips as Label Studio video tasks ("Video object tracking"): {@code OUT/videos/DEVICE_CLIP.mp4}, {@code
 * OUT/tasks.json} and {@code OUT/label_config.xml}. Each task's {@code data.video} is the video's path under {@code
 * OUT} (serve the folder as Label Studio local files, or replace the prefix with where it is served), with the clip's
 * device, id, rule and trigger; its prediction (the device's pre-labels) has one {@code videorectangle} per track,
 * its {@code sequence} a keyframe for each frame the object was seen in: {@code frame} from 1, {@code time} =
 * (frame - 1) / fps, {@code x}, {@code y}, {@code width}, {@code height} in percent of the video's size, and {@code
 * enabled: false} on the last keyframe of each stretch (the object is gone after it, until its next keyframe), as
 * Label Studio marks a track's lifespan. A box no track holds is a region of one keyframe.
 */
public final class LabelStudioVideo {
  private LabelStudioVideo() {}

  /** What an export wrote. */
  public record Result(int clips, int tracks, Path out) {}

  public static Result export(Clips store, List<Clips.Clip> clips, Path out) throws IOException {
    Files.createDirectories(out.resolve("videos"));
    List<Object> tasks = new ArrayList<>();
    TreeSet<String> classes = new TreeSet<>();
    int regions = 0;
    for (Clips.Clip c : clips) {
      String name = c.device() + "_" + c.clipId() + ".mp4";
      Path target = out.resolve("videos").resolve(name);
      Files.copy(store.video(c.device(), c.clipId()), target, StandardCopyOption.REPLACE_EXISTING);
      ClipLabels labels = Json.MAPPER.readValue(store.labels(c.device(), c.clipId()), ClipLabels.class);
      List<Object> result = new ArrayList<>();
      Map<Long, List<Map<String, Object>>> tracks = new TreeMap<>();
      Map<Long, String> trackClass = new TreeMap<>();
      int single = 0;
      for (int i = 0; i < labels.frames().size(); i++) {
        ClipLabels.Frame f = labels.frames().get(i);
        if (f.labels() == null) {
          continue;
        }
        for (Detection d : f.labels().detections()) {
          if (d.box() == null || d.mask() != null) {
            continue;
          }
          classes.add(d.label());
          Map<String, Object> key = keyframe(i, d.box(), c, labels.fps());
          if (d.trackId() == null) {
            key.put("enabled", false);
            result.add(region("box-" + (++single), d.label(), List.of(key), labels));
          } else {
            tracks.computeIfAbsent(d.trackId(), k -> new ArrayList<>()).add(key);
            trackClass.put(d.trackId(), d.label());
          }
        }
      }
      for (var e : tracks.entrySet()) {
        List<Map<String, Object>> seq = e.getValue();
        for (int k = 0; k < seq.size(); k++) {
          boolean last = k + 1 == seq.size() || (int) seq.get(k + 1).get("frame") > (int) seq.get(k).get("frame") + 1;
          seq.get(k).put("enabled", !last);
        }
        result.add(region("track-" + e.getKey(), trackClass.get(e.getKey()), seq, labels));
      }
      regions += result.size();
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("video", "videos/" + name);
      data.put("device", c.device());
      data.put("clip_id", c.clipId());
      data.put("kept_by", c.rule());
      data.put("trigger_frame", labels.trigger() + 1);
      data.put("started_at", c.startedAt().toString());
      Map<String, Object> prediction = new LinkedHashMap<>();
      String model = labels.frames().stream().filter(f -> f.labels() != null && f.labels().model() != null)
          .map(f -> f.labels().model()).findFirst().orElse("fieldcap");
      prediction.put("model_version", model);
      prediction.put("result", result);
      Map<String, Object> task = new LinkedHashMap<>();
      task.put("data", data);
      task.put("predictions", List.of(prediction));
      tasks.add(task);
    }
    Files.write(out.resolve("tasks.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(tasks));
    StringBuilder config = new StringBuilder("<View>\n  <Video name=\"video\" value=\"$video\" framerate=\""
        + (clips.isEmpty() ? 5 : clips.get(0).fps()) + "\"/>\n  <VideoRectangle name=\"box\" toName=\"video\"/>\n"
        + "  <Labels name=\"videoLabels\" toName=\"video\">\n");
    for (String l : classes) {
      config.append("    <Label value=\"").append(Markup.escape(l)).append("\"/>\n");
    }
    config.append("  </Labels>\n</View>\n");
    Files.writeString(out.resolve("label_config.xml"), config);
    return new Result(clips.size(), regions, out);
  }

  private static Map<String, Object> keyframe(int index, Box b, Clips.Clip c, double fps) {
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("frame", index + 1);
    k.put("time", index / fps);
    k.put("x", 100.0 * b.x() / c.width());
    k.put("y", 100.0 * b.y() / c.height());
    k.put("width", 100.0 * b.w() / c.width());
    k.put("height", 100.0 * b.h() / c.height());
    k.put("rotation", 0);
    return k;
  }

  private static Map<String, Object> region(String id, String label, List<Map<String, Object>> sequence, ClipLabels labels) {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("framesCount", labels.frames().size());
    value.put("duration", labels.frames().size() / labels.fps());
    value.put("sequence", sequence);
    value.put("labels", List.of(label));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", id);
    r.put("type", "videorectangle");
    r.put("from_name", "box");
    r.put("to_name", "video");
    r.put("origin", "prediction");
    r.put("value", value);
    return r;
  }
}
