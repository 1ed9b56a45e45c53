package io.fieldcap.dataset.format;

import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.w3c.dom.Element;

/**
 * "CVAT for video 1.1" ({@code annotations.xml} with {@code track}s; {@link CvatVideoExporter}'s layout, and
 * what CVAT exports for a video or image-sequence task): each track's {@code box}es by {@code frame}; a frame
 * between two keyframes that the file leaves out is interpolated linearly, as CVAT does, unless the later one is
 * {@code outside} (the object left: the box holds until then); {@code outside="1"} boxes are not objects. The
 * track's {@code id} becomes each box's track id (a track CVAT numbered 0 becomes one past the file's last id,
 * since fieldcap's ids start at 1). The task's frames
 * are {@code images/frame_%06d} (the file's {@code meta} gives the count and the original size); {@code
 * frames.jsonl} beside the tasks, when there, names each image's device and frame.
 */
final class CvatVideoReader implements LabelReader {
  @Override
  public String format() {
    return "cvat-video";
  }

  /** CVAT's track ids start at 0, fieldcap's at 1: 0 is read as a track of its own beyond the others. */
  static long trackId(long cvatId, long maxId) {
    return cvatId >= 1 ? cvatId : maxId + 1;
  }

  private record Key(int frame, boolean outside, Box box) {}

  @Override
  public void read(Path in, Consumer<Annotated> out, ImportReport report) throws IOException {
    SequenceFrames sequences = new SequenceFrames(Files.isDirectory(in) ? in : in.getParent());
    for (Path f : LabelReader.files(in, ".xml")) {
      String name = LabelReader.name(in, f);
      Element doc = LabelReader.xml(f, name, report);
      if (doc == null || !doc.getTagName().equals("annotations")) {
        continue;
      }
      List<Element> tracks = Xml.children(doc, "track");
      Element meta = Xml.child(doc, "meta");
      Element task = meta == null ? null : Xml.child(meta, "task");
      if (tracks.isEmpty() && (task == null || !"interpolation".equals(Xml.text(task, "mode")))) {
        continue; // CVAT for images: the cvat format's
      }
      report.file();
      int size = task == null ? 0 : SequenceFrames.integer(Xml.text(task, "size"));
      Element original = meta == null ? null : Xml.child(meta, "original_size");
      int width = original == null ? 0 : SequenceFrames.integer(Xml.text(original, "width"));
      int height = original == null ? 0 : SequenceFrames.integer(Xml.text(original, "height"));
      long maxId = tracks.stream().mapToLong(t -> SequenceFrames.integer(t.getAttribute("id"))).max().orElse(0);
      TreeMap<Integer, List<Detection>> byFrame = new TreeMap<>();
      for (Element t : tracks) {
        String label = t.getAttribute("label");
        long id = trackId(SequenceFrames.integer(t.getAttribute("id")), maxId);
        List<Key> keys = new ArrayList<>();
        for (Element b : Xml.children(t, "box")) {
          try {
            keys.add(new Key(Integer.parseInt(b.getAttribute("frame")), "1".equals(b.getAttribute("outside")),
                LabelReader.corners(num(b, "xtl"), num(b, "ytl"), num(b, "xbr"), num(b, "ybr"))));
          } catch (IllegalArgumentException e) {
            report.problem(name + " (track " + t.getAttribute("id") + ")", "a box without frame or corners: " + e.getMessage());
          }
        }
        keys.sort(Comparator.comparingInt(Key::frame));
        for (int i = 0; i < keys.size(); i++) {
          Key k = keys.get(i);
          if (k.outside()) {
            continue;
          }
          add(byFrame, k.frame(), label, k.box(), id);
          Key next = i + 1 < keys.size() ? keys.get(i + 1) : null;
          if (next != null) {
            for (int fr = k.frame() + 1; fr < next.frame(); fr++) {
              double a = (fr - k.frame()) / (double) (next.frame() - k.frame());
              add(byFrame, fr, label, next.outside() ? k.box() : lerp(k.box(), next.box(), a), id);
            }
          }
        }
      }
      String taskDir = in.relativize(f.getParent()).toString().replace('\\', '/');
      String prefix = taskDir.isEmpty() ? "" : taskDir + "/";
      int frames = Math.max(size, byFrame.isEmpty() ? 0 : byFrame.lastKey() + 1);
      for (int n = 0; n < frames; n++) {
        String image = String.format(Locale.ROOT, "%simages/frame_%06d.jpg", prefix, n);
        out.accept(sequences.item(name, "frame " + n, image, width, height, byFrame.getOrDefault(n, List.of())));
      }
    }
  }

  private static void add(Map<Integer, List<Detection>> byFrame, int frame, String label, Box box, long id) {
    byFrame.computeIfAbsent(frame, k -> new ArrayList<>()).add(LabelReader.label(label, box, null).withTrack(id));
  }

  private static Box lerp(Box a, Box b, double t) {
    return new Box(a.x() + (b.x() - a.x()) * t, a.y() + (b.y() - a.y()) * t, a.w() + (b.w() - a.w()) * t,
        a.h() + (b.h() - a.h()) * t);
  }

  private static double num(Element e, String attr) {
    return Double.parseDouble(e.getAttribute(attr));
  }
}
