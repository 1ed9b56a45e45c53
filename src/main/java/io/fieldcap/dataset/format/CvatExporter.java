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
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * "CVAT for images 1.1": {@code OUT/annotations.xml} and the images under {@code OUT/images/}. The
 * {@code meta} lists every label; each {@code image} has its {@code id}, {@code name} (its file name
 * under {@code images/}), {@code width} and {@code height}, and its pre-labels as {@code box}
 * elements ({@code xtl}, {@code ytl}, {@code xbr}, {@code ybr}: top-left and bottom-right corners in
 * pixels, two decimals), {@code polygon} elements with {@code --task segment} ({@code points}
 * "x1,y1;x2,y2;..."), and {@code tag} elements for whole-frame labels, all with {@code
 * source="auto"}, which is how CVAT marks automatic annotations. Scores have no place in the format
 * (an attribute would have to be declared per label) and are not written. Written as a stream.
 */
public final class CvatExporter implements Exporter {
  @Override
  public String format() {
    return "cvat";
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  @Override
  public Result export(Frames store, Path out, ExportOptions options) throws IOException {
    store = options.selection().view(store); // the frames, labels and class names this export takes
    boolean segment = "segment".equals(options.task());
    TreeSet<String> labels = new TreeSet<>();
    AtomicInteger count = new AtomicInteger();
    store.forEach(f -> {
      count.incrementAndGet();
      if (f.labels() != null) {
        f.labels().detections().stream().filter(MaskShapes::isObject).forEach(d -> labels.add(d.label()));
      }
    });
    Files.createDirectories(out.resolve("images"));
    Path tmp = out.resolve("annotations.xml.part");
    AtomicInteger images = new AtomicInteger();
    AtomicInteger shapes = new AtomicInteger();
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
        BufferedWriter origins = Files.newBufferedWriter(out.resolve("frames.jsonl"), StandardCharsets.UTF_8)) {
      w.write("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<annotations>\n  <version>1.1</version>\n  <meta>\n    <task>\n");
      w.write("      <name>fieldcap export</name>\n      <size>" + count.get() + "</size>\n      <mode>annotation</mode>\n");
      w.write("      <labels>\n");
      for (String l : labels) {
        w.write("        <label><name>" + Markup.escape(l) + "</name><type>any</type><attributes/></label>\n");
      }
      w.write("      </labels>\n    </task>\n  </meta>\n");
      store.forEach(f -> {
        String name = f.device() + "_" + f.frameId() + f.extension();
        StringBuilder x = new StringBuilder();
        x.append("  <image id=\"").append(images.get()).append("\" name=\"").append(Markup.escape(name)).append("\" width=\"")
            .append(f.width()).append("\" height=\"").append(f.height()).append("\">\n");
        if (f.labels() != null) {
          for (Detection d : MaskShapes.shapes(f.labels(), segment)) {
            if (d.box() == null) {
              x.append("    <tag label=\"").append(Markup.escape(d.label())).append("\" source=\"auto\"/>\n");
            } else if (segment && d.polygon() != null) {
              StringBuilder pts = new StringBuilder();
              for (int i = 0; i < d.polygon().size(); i += 2) {
                pts.append(i == 0 ? "" : ";").append(num(d.polygon().get(i))).append(',').append(num(d.polygon().get(i + 1)));
              }
              x.append("    <polygon label=\"").append(Markup.escape(d.label())).append("\" source=\"auto\" occluded=\"0\" points=\"")
                  .append(pts).append("\" z_order=\"0\"/>\n");
            } else {
              Box b = d.box();
              x.append("    <box label=\"").append(Markup.escape(d.label())).append("\" source=\"auto\" occluded=\"0\" xtl=\"")
                  .append(num(b.x())).append("\" ytl=\"").append(num(b.y())).append("\" xbr=\"").append(num(b.x() + b.w()))
                  .append("\" ybr=\"").append(num(b.y() + b.h())).append("\" z_order=\"0\"/>\n");
            }
            shapes.incrementAndGet();
          }
        }
        x.append("  </image>\n");
        try {
          Exporter.place(f.image().fetch(), out.resolve("images").resolve(name), options.link());
          w.write(x.toString());
          origins.write(Json.MAPPER.writeValueAsString(Exporter.originLine(f, "images/" + name)));
          origins.write('\n');
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        images.incrementAndGet();
      });
      w.write("</annotations>\n");
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    Files.move(tmp, out.resolve("annotations.xml"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return new Result(images.get(), shapes.get(), labels.size(), out);
  }
}
