package io.fieldcap.dataset.format;

import java.util.List;
import java.util.Locale;

/**
 * One dataset format: its name on the command line, its writer and its reader, side by side (as
 * Datumaro keeps each format's converter and extractor together). {@link #ALL} is the one registry:
 * a new format is a writer, a reader and one line here, with its round trip in {@code RoundTripTest}.
 */
public record DatasetFormat(String name, Exporter writer, LabelReader reader) {
  public DatasetFormat {
    if (!writer.format().equals(name) || !reader.format().equals(name)) {
      throw new IllegalArgumentException("format " + name + ": writer and reader name " + writer.format() + " and "
          + reader.format());
    }
  }

  /** Every format this build has, in the order the help lists them. */
  public static final List<DatasetFormat> ALL = List.of(
      new DatasetFormat("coco", new CocoExporter(), new CocoReader()),
      new DatasetFormat("yolo", new YoloExporter(), new YoloReader()),
      new DatasetFormat("voc", new VocExporter(), new VocReader()),
      new DatasetFormat("labelme", new LabelmeExporter(), new LabelmeReader()),
      new DatasetFormat("labelstudio", new LabelStudioExporter(), new LabelStudioReader()),
      new DatasetFormat("cvat", new CvatExporter(), new CvatReader()),
      new DatasetFormat("cvat-video", new CvatVideoExporter(), new CvatVideoReader()),
      new DatasetFormat("mot", new MotExporter(), new MotReader()));

  /** The names, as error messages list them. */
  public static List<String> names() {
    return ALL.stream().map(DatasetFormat::name).toList();
  }

  /** The writer of the format named {@code name} (any case); an unknown name is refused, listing the known ones. */
  public static Exporter writer(String name) {
    return named(name, "export").writer();
  }

  /** The reader of the format named {@code name} (any case); an unknown name is refused, listing the known ones. */
  public static LabelReader reader(String name) {
    return named(name, "import").reader();
  }

  private static DatasetFormat named(String name, String what) {
    for (DatasetFormat f : ALL) {
      if (f.name().equals(name.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown " + what + " format '" + name + "'; known formats: " + names());
  }
}
