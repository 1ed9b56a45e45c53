package io.fieldcap.dataset.format;

import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * MOT Challenge sequences ({@link MotExporter}'s layout, and MOT17/MOT20's): every {@code SEQ/gt/gt.txt} under
 * the folder, with its {@code SEQ/seqinfo.ini} ({@code imDir}, {@code imExt}, {@code seqLength}, {@code imWidth},
 * {@code imHeight}). Each line {@code frame,id,left,top,width,height[,conf[,class[,visibility]]]} is a box of
 * image {@code imDir/%06d imExt}; its id becomes the detection's track id (-1 or 0: none); lines with conf 0 are
 * MOT's "ignore" regions and are left out; classes are named by {@code labels.txt} beside the sequences (line
 * N is class N), else {@code class-N}. Every image of the sequence is an item, those without lines having no
 * objects. {@code frames.jsonl} beside the sequences, when there, names each image's device and frame.
 */
final class MotReader implements LabelReader {
  @Override
  public String format() {
    return "mot";
  }

  @Override
  public void read(Path in, Consumer<Annotated> out, ImportReport report) throws IOException {
    if (!Files.isDirectory(in)) {
      throw new IOException("--in: MOT sequences are a folder of SEQ/gt/gt.txt and SEQ/seqinfo.ini; " + in + " is not a folder");
    }
    List<String> names = Files.isRegularFile(in.resolve("labels.txt"))
        ? Files.readAllLines(in.resolve("labels.txt"), StandardCharsets.UTF_8).stream().map(String::strip)
            .filter(l -> !l.isEmpty()).toList()
        : List.of();
    SequenceFrames sequences = new SequenceFrames(in);
    for (Path gt : LabelReader.files(in, "gt.txt")) {
      Path seq = gt.getParent().getParent();
      String file = LabelReader.name(in, gt);
      report.file();
      Map<String, String> info = ini(seq.resolve("seqinfo.ini"));
      String imDir = info.getOrDefault("imdir", "img1");
      String imExt = info.getOrDefault("imext", ".jpg");
      int width = SequenceFrames.integer(info.get("imwidth"));
      int height = SequenceFrames.integer(info.get("imheight"));
      TreeMap<Integer, List<Detection>> byFrame = new TreeMap<>();
      List<String> lines = Files.readAllLines(gt, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty()) {
          continue;
        }
        String[] v = line.split("\\s*,\\s*|\\s+");
        try {
          if (v.length < 6) {
            throw new NumberFormatException("needs frame,id,left,top,width,height");
          }
          int frame = Integer.parseInt(v[0]);
          long id = (long) Double.parseDouble(v[1]);
          double conf = v.length > 6 ? Double.parseDouble(v[6]) : 1;
          int cls = v.length > 7 ? (int) Double.parseDouble(v[7]) : 1;
          if (frame < 1) {
            throw new NumberFormatException("frame " + frame + " is before the first (1)");
          }
          if (conf == 0) {
            continue;
          }
          String label = cls >= 1 && cls <= names.size() ? names.get(cls - 1) : "class-" + cls;
          Detection d = LabelReader.label(label, new Box(Double.parseDouble(v[2]),
              Double.parseDouble(v[3]), Double.parseDouble(v[4]), Double.parseDouble(v[5])), null);
          byFrame.computeIfAbsent(frame, k -> new ArrayList<>()).add(id >= 1 ? d.withTrack(id) : d);
        } catch (IllegalArgumentException e) {
          report.problem(file + ":" + (i + 1), "not a MOT line (" + e.getMessage() + "): " + line);
        }
      }
      int length = Math.max(SequenceFrames.integer(info.get("seqlength")), byFrame.isEmpty() ? 0 : byFrame.lastKey());
      String seqName = in.relativize(seq).toString().replace('\\', '/');
      for (int n = 1; n <= length; n++) {
        String image = String.format(Locale.ROOT, "%s/%s/%06d%s", seqName, imDir, n, imExt);
        out.accept(sequences.item(file, "frame " + n, image, width, height, byFrame.getOrDefault(n, List.of())));
      }
    }
  }

  /** seqinfo.ini's keys, lower case; empty when there is none. */
  private static Map<String, String> ini(Path f) throws IOException {
    Map<String, String> m = new HashMap<>();
    if (Files.isRegularFile(f)) {
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          m.put(line.substring(0, eq).strip().toLowerCase(Locale.ROOT), line.substring(eq + 1).strip());
        }
      }
    }
    return m;
  }
}
