package io.fieldcap.dataset.format;

import io.fieldcap.dataset.ExportOptions;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.store.Frames;
import io.fieldcap.store.StoredFrame;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The MOT Challenge layout (MOT17/MOT20, as py-motmetrics and TrackEval read it): one sequence per device,
 * its frames in capture order, {@code OUT/DEVICE/img1/000001.jpg} …, {@code OUT/DEVICE/gt/gt.txt} and
 * {@code OUT/DEVICE/seqinfo.ini}. A gt line is {@code frame,id,bb_left,bb_top,bb_width,bb_height,conf,class,visibility}:
 * the frame's number in the sequence (from 1), the box's track id, its box in pixels, 1 (to be evaluated),
 * its class's number in {@code OUT/labels.txt} (from 1) and 1. A box no track holds is written with id -1,
 * MOT's mark for a detection without identity. Sequences are not split into train/val/test frame by frame;
 * {@code OUT/frames.jsonl} names each image's device and frame. Whole-frame labels and masks have no place
 * and are not written. {@code seqinfo.ini}'s frame rate is the median of the frames' spacing.
 */
public final class MotExporter implements Exporter {
  @Override
  public String format() {
    return "mot";
  }

  /** One device's sequence while it is written: its gt.txt open, its first frame and the spacing of its frames. */
  private static final class Sequence implements AutoCloseable {
    final String name;
    final Path dir;
    final BufferedWriter gt;
    StoredFrame first;
    StoredFrame last;
    int frames;
    final List<Long> gaps = new ArrayList<>();

    Sequence(Path out, String name) throws IOException {
      this.name = name;
      this.dir = out.resolve(name);
      Files.createDirectories(dir.resolve("gt"));
      this.gt = Files.newBufferedWriter(dir.resolve("gt").resolve("gt.txt"), StandardCharsets.UTF_8);
    }

    /** The next frame's number in the sequence (from 1). */
    int add(StoredFrame f) {
      if (first == null) {
        first = f;
      } else {
        gaps.add(f.capturedAt().toEpochMilli() - last.capturedAt().toEpochMilli());
      }
      last = f;
      return ++frames;
    }

    @Override
    public void close() throws IOException {
      gt.close();
      gaps.sort(null);
      long median = gaps.isEmpty() ? 1000 : Math.max(1, gaps.get(gaps.size() / 2));
      String ini = "[Sequence]\nname=" + name + "\nimDir=img1\nframeRate=" + Math.max(1, Math.round(1000.0 / median))
          + "\nseqLength=" + frames + "\nimWidth=" + first.width() + "\nimHeight=" + first.height() + "\nimExt="
          + first.extension() + "\n";
      Files.writeString(dir.resolve("seqinfo.ini"), ini, StandardCharsets.UTF_8);
    }
  }

  @Override
  public Result export(Frames store, Path out, ExportOptions options) throws IOException {
    store = options.selection().view(store);
    List<String> classes = Exporter.boxClasses(store, options.selection().classes());
    Files.createDirectories(out);
    int[] images = {0};
    int[] boxes = {0};
    Sequence[] current = {null};
    try (BufferedWriter origins = Files.newBufferedWriter(out.resolve("frames.jsonl"), StandardCharsets.UTF_8)) {
      store.forEach(f -> {
        try {
          if (current[0] == null || !current[0].name.equals(f.device())) {
            if (current[0] != null) {
              current[0].close();
            }
            current[0] = new Sequence(out, f.device());
          }
          Sequence s = current[0];
          int n = s.add(f);
          String file = String.format(Locale.ROOT, "%06d%s", n, f.extension());
          Exporter.place(f.image().fetch(), s.dir.resolve("img1").resolve(file), options.link());
          origins.write(Json.MAPPER.writeValueAsString(Exporter.originLine(f, s.name + "/img1/" + file)));
          origins.write('\n');
          images[0]++;
          if (f.labels() != null) {
            for (Detection d : f.labels().detections()) {
              if (d.box() == null || !MaskShapes.isObject(d) || !classes.contains(d.label())) {
                continue;
              }
              Box b = d.box();
              s.gt.write(String.format(Locale.ROOT, "%d,%d,%.2f,%.2f,%.2f,%.2f,1,%d,1%n", n,
                  d.trackId() == null ? -1 : d.trackId(), b.x(), b.y(), b.w(), b.h(), classes.indexOf(d.label()) + 1));
              boxes[0]++;
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      if (current[0] != null) {
        current[0].close();
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    Files.write(out.resolve("labels.txt"), classes, StandardCharsets.UTF_8);
    return new Result(images[0], boxes[0], classes.size(), out);
  }
}
