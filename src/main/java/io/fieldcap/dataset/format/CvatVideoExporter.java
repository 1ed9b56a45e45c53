package io.fieldcap.dataset.format;

import io.fieldcap.dataset.ExportOptions;
import io.fieldcap.json.Json;
import io.fieldcap.markup.Markup;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.store.Frames;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * "CVAT for video 1.1": one task per device, its frames in capture order as an image sequence, {@code
 * OUT/DEVICE/images/frame_000000.jpg} … (CVAT orders a task's images by name) and {@code OUT/DEVICE/annotations.xml}
 * in interpolation mode. Each track is a {@code track} element (its {@code id} the device's track id, {@code
 * source="auto"}) with a {@code box} keyframe on every frame it was seen and an {@code outside="1"} keyframe on
 * the first frame it was not (where it leaves, or a gap), as CVAT writes a track that leaves and comes back. CVAT's
 * video annotation has no boxes outside tracks: a box no track holds becomes a track of one frame, numbered after
 * the device's last track. {@code OUT/frames.jsonl} names each image's device and frame.
 */
public final class CvatVideoExporter implements Exporter {
  @Override
  public String format() {
    return "cvat-video";
  }

  private record Seen(int frame, Box box) {}

  private record Track(long id, String label, List<Seen> boxes) {}

  /** One device's task while it is written. */
  private static final class Task {
    final String device;
    final Path dir;
    final Map<Long, Track> tracks = new TreeMap<>();
    final List<Track> single = new ArrayList<>();
    final TreeSet<String> labels = new TreeSet<>();
    int frames;
    int width;
    int height;

    Task(Path out, String device) throws IOException {
      this.device = device;
      this.dir = Files.createDirectories(out.resolve(device).resolve("images"));
    }

    void write() throws IOException {
      long next = tracks.keySet().stream().mapToLong(Long::longValue).max().orElse(0) + 1;
      List<Track> all = new ArrayList<>(tracks.values());
      for (Track t : single) {
        all.add(new Track(next++, t.label(), t.boxes()));
      }
      Path tmp = dir.getParent().resolve("annotations.xml.part");
      try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        w.write("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<annotations>\n  <version>1.1</version>\n  <meta>\n    <task>\n");
        w.write("      <name>" + Markup.escape(device) + "</name>\n      <size>" + frames + "</size>\n"
            + "      <mode>interpolation</mode>\n      <overlap>0</overlap>\n      <start_frame>0</start_frame>\n"
            + "      <stop_frame>" + (frames - 1) + "</stop_frame>\n      <labels>\n");
        for (String l : labels) {
          w.write("        <label><name>" + Markup.escape(l) + "</name><type>rectangle</type><attributes/></label>\n");
        }
        w.write("      </labels>\n    </task>\n    <original_size><width>" + width + "</width><height>" + height
            + "</height></original_size>\n  </meta>\n");
        for (Track t : all) {
          w.write("  <track id=\"" + t.id() + "\" label=\"" + Markup.escape(t.label()) + "\" source=\"auto\">\n");
          List<Seen> b = t.boxes();
          for (int i = 0; i < b.size(); i++) {
            w.write(box(b.get(i), false));
            boolean gap = i + 1 < b.size() ? b.get(i + 1).frame() > b.get(i).frame() + 1 : b.get(i).frame() + 1 < frames;
            if (gap) {
              w.write(box(new Seen(b.get(i).frame() + 1, b.get(i).box()), true));
            }
          }
          w.write("  </track>\n");
        }
        w.write("</annotations>\n");
      }
      Files.move(tmp, dir.getParent().resolve("annotations.xml"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static String box(Seen s, boolean outside) {
      Box b = s.box();
      return String.format(Locale.ROOT, "    <box frame=\"%d\" keyframe=\"1\" outside=\"%d\" occluded=\"0\" xtl=\"%.2f\" "
          + "ytl=\"%.2f\" xbr=\"%.2f\" ybr=\"%.2f\" z_order=\"0\"/>%n", s.frame(), outside ? 1 : 0, b.x(), b.y(),
          b.x() + b.w(), b.y() + b.h());
    }
  }

  @Override
  public Result export(Frames store, Path out, ExportOptions options) throws IOException {
    store = options.selection().view(store);
    Files.createDirectories(out);
    int[] counts = {0, 0};
    Set<String> classes = new TreeSet<>();
    Task[] current = {null};
    try (BufferedWriter origins = Files.newBufferedWriter(out.resolve("frames.jsonl"), StandardCharsets.UTF_8)) {
      store.forEach(f -> {
        try {
          if (current[0] == null || !current[0].device.equals(f.device())) {
            if (current[0] != null) {
              current[0].write();
            }
            current[0] = new Task(out, f.device());
          }
          Task t = current[0];
          int n = t.frames++;
          t.width = f.width();
          t.height = f.height();
          String file = String.format(Locale.ROOT, "frame_%06d%s", n, f.extension());
          Exporter.place(f.image().fetch(), t.dir.resolve(file), options.link());
          origins.write(Json.MAPPER.writeValueAsString(Exporter.originLine(f, t.device + "/images/" + file)));
          origins.write('\n');
          counts[0]++;
          if (f.labels() != null) {
            for (Detection d : f.labels().detections()) {
              if (d.box() == null || !MaskShapes.isObject(d)) {
                continue;
              }
              t.labels.add(d.label());
              classes.add(d.label());
              Seen s = new Seen(n, d.box());
              if (d.trackId() == null) {
                t.single.add(new Track(0, d.label(), List.of(s)));
              } else {
                t.tracks.computeIfAbsent(d.trackId(), id -> new Track(id, d.label(), new ArrayList<>())).boxes().add(s);
              }
              counts[1]++;
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      if (current[0] != null) {
        current[0].write();
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return new Result(counts[0], counts[1], classes.size(), out);
  }
}
