package io.fieldcap.dataset.imports;

import io.fieldcap.dataset.format.Annotated;
import io.fieldcap.dataset.format.ImageFile;
import io.fieldcap.dataset.format.ImportReport;
import io.fieldcap.dataset.format.LabelReader;
import io.fieldcap.dataset.format.PolygonMasks;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.DeviceId;
import io.fieldcap.model.FrameId;
import io.fieldcap.model.LabelRules;
import io.fieldcap.model.LabelSet;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.StoredFrame;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Brings labels into the store. Without a source, as corrections: each image's labels are matched
 * to the stored frame by its frame id (from the fieldcap metadata the export wrote, else from the
 * image's name, which carries it) and stored as a new revision of that frame's labels, the
 * pre-labels kept. With a source, as a dataset: each image is stored as a frame of that source
 * (once: an image already imported is recognised by its SHA-256) with its labels as a revision.
 *
 * <p>Every item is checked before anything is stored: an unknown frame, labels for an image of
 * another size, a box outside the image (beyond a pixel's tolerance: boxes drawn to the edge are
 * clipped to it), a box with no area, an unknown class. An item with a problem is reported with its
 * file, its place in the file and the reason, and nothing of it is stored; the other items are.
 * Importing the same file again changes nothing.
 */
public final class Importer {
  private static final Pattern FRAME_ID = Pattern.compile("\\d{8}T\\d{9}Z-\\d{12,19}");
  private static final Pattern AUGMENTED = Pattern.compile("\\d{8}T\\d{9}Z-\\d{12,19}-aug\\d+");
  /** How far (in pixels) a point may lie outside the image and still be taken, clipped to the edge. */
  static final double TOLERANCE = 1.0;

  private final LocalFrameStore store;
  private final String source;
  private final List<String> classes;
  private final Clock clock;
  private final boolean allReviewed;
  /** The folder of {@code --in}, as given and with its links resolved: images are read only from under it. */
  private Path root;
  private Path realRoot;

  /**
   * @param source the source to import a dataset as, or null to import corrections
   * @param classes the classes allowed (null: any)
   */
  public Importer(LocalFrameStore store, String source, List<String> classes, Clock clock) {
    this(store, source, classes, clock, false);
  }

  /**
   * @param allReviewed take every file's labels as reviewed, even one whose labels are the pre-labels
   *     as exported and whose tool does not say a person reviewed it
   */
  public Importer(LocalFrameStore store, String source, List<String> classes, Clock clock, boolean allReviewed) {
    if (source != null && DeviceId.problem(source) != null) {
      throw new IllegalArgumentException("--source: " + DeviceId.problem(source).replace("device id", "source name"));
    }
    this.store = store;
    this.source = source;
    this.classes = classes;
    this.clock = clock;
    this.allReviewed = allReviewed;
  }

  public ImportReport run(LabelReader reader, Path in) throws IOException {
    if (!Files.exists(in)) {
      throw new IOException("--in: " + in + " does not exist");
    }
    ImportReport report = new ImportReport();
    Path folder = (Files.isDirectory(in) ? in : in.toAbsolutePath().getParent()).toAbsolutePath().normalize();
    this.root = folder;
    this.realRoot = folder.toRealPath();
    try {
      reader.read(in, a -> {
        try {
          take(reader.format(), a, report);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, report);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return report;
  }

  private void take(String tool, Annotated a, ImportReport report) throws IOException {
    List<String> errors = new ArrayList<>(a.errors());
    if (!errors.isEmpty()) {
      errors.forEach(e -> report.problem(a.place(), e));
      return;
    }
    Instant now = clock.instant();
    if (source == null) {
      StoredFrame f = match(a, errors);
      List<Detection> labels = f == null ? null : check(a, f.width(), f.height(), "frame " + f.device() + "/" + f.frameId(), errors);
      if (!errors.isEmpty()) {
        errors.forEach(e -> report.problem(a.place(), e));
        return;
      }
      labels = PolygonMasks.merge(labels, PolygonMasks.maskClasses(f), f.width(), f.height());
      if (!allReviewed && !Boolean.TRUE.equals(a.reviewed()) && samePrelabels(labels, f.labels())) {
        report.unreviewed(); // the pre-labels as exported, and nobody ticked it: not a review
        return;
      }
      report.image(false);
      report.labels(store.revisions().add(f.device(), f.frameId(), new LabelSet(null, labels),
          a.author() == null ? tool : a.author(), a.place(), tool, now) > 0);
      return;
    }
    String outside = outside(a.image(), a.imageName());
    if (outside != null) {
      report.problem(a.place(), "image '" + a.imageName() + "' " + outside);
      return;
    }
    if (!Files.isRegularFile(a.image())) {
      report.problem(a.place(), "image '" + a.imageName() + "' not found beside the annotations");
      return;
    }
    ImageFile img;
    try {
      img = ImageFile.read(a.image());
    } catch (IOException e) {
      report.problem(a.place(), "image " + a.image().getFileName() + ": " + e.getMessage());
      return;
    }
    List<Detection> labels = check(a, img.width(), img.height(), "image " + a.image().getFileName(), errors);
    if (!errors.isEmpty()) {
      errors.forEach(e -> report.problem(a.place(), e));
      return;
    }
    String sha = sha256(a.image());
    String id = store.frameWithSha(source, sha);
    boolean stored = false;
    if (id == null) {
      Instant at = Files.getLastModifiedTime(a.image()).toInstant().truncatedTo(ChronoUnit.MILLIS);
      long seq = Long.parseUnsignedLong(sha.substring(0, 15), 16); // the same image, the same id
      id = FrameId.of(at, seq).value();
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("source", source);
      meta.put("file", a.imageName());
      meta.put("keptBy", "import");
      if (store.storeImported(source, id, seq, at, a.image(), sha, Files.size(a.image()), img.width(), img.height(),
          img.contentType(), meta, now)) {
        stored = true;
        store.measure(source, id);
      }
    }
    report.image(stored);
    report.labels(store.revisions().add(source, id, new LabelSet(null, labels),
        a.author() == null ? "dataset " + source : a.author(), a.place(), tool, now) > 0);
  }

  /**
   * Why an image an annotation names may not be read, or null: it must lie under {@code --in} (the
   * folder, or the annotation file's folder) once {@code ..} and every link are resolved. An absolute
   * path, a climb out with {@code ..} or a link out of the folder is refused with one message, which
   * says nothing of whether such a file exists.
   */
  private String outside(Path image, String name) {
    String refused = "is outside --in (" + root + ") or a link out of it: only files under --in are imported";
    if (image == null) { // the reader found no file: judge the name, so that "not found" says nothing of other places
      try {
        return name == null || root.resolve(name).normalize().startsWith(root) ? null : refused;
      } catch (InvalidPathException e) {
        return null;
      }
    }
    Path p = image.toAbsolutePath().normalize();
    if (!p.startsWith(root)) {
      return refused;
    }
    try {
      return p.toRealPath().startsWith(realRoot) ? null : refused;
    } catch (IOException e) {
      return Files.isSymbolicLink(p) ? refused : null; // a dangling link says no more than a link out; a missing file is "not found"
    }
  }

  /**
   * Whether imported labels are the frame's pre-labels as exported: the same classes with boxes (and
   * outlines) within {@link #SAME} pixels, masks with the same pixels, scores aside. A file like that
   * came back untouched, unless its tool says a person reviewed it.
   */
  static boolean samePrelabels(List<Detection> imported, LabelSet pre) {
    List<Detection> left = new ArrayList<>(pre == null ? List.of() : pre.detections());
    if (left.size() != imported.size()) {
      return false;
    }
    for (Detection d : imported) {
      Detection match = null;
      for (Detection p : left) {
        if (p.label().equals(d.label()) && close(p.box(), d.box()) && sameOutline(p, d)
            && (p.mask() == null ? d.mask() == null : d.mask() != null && p.mask().counts().equals(d.mask().counts()))) {
          match = p;
          break;
        }
      }
      if (match == null) {
        return false;
      }
      left.remove(match);
    }
    return true;
  }

  /** How far (pixels) a coordinate may move on the way out and back in and still be the same label. */
  static final double SAME = 0.05;

  private static boolean close(Box a, Box b) {
    return a == null ? b == null : b != null && Math.abs(a.x() - b.x()) <= SAME && Math.abs(a.y() - b.y()) <= SAME
        && Math.abs(a.w() - b.w()) <= SAME && Math.abs(a.h() - b.h()) <= SAME;
  }

  private static boolean sameOutline(Detection p, Detection d) {
    if (d.polygon() == null) {
      return true; // a box-only format keeps no outline: nothing to compare
    }
    if (p.polygon() == null || p.polygon().size() != d.polygon().size()) {
      return false;
    }
    for (int i = 0; i < d.polygon().size(); i++) {
      if (Math.abs(p.polygon().get(i) - d.polygon().get(i)) > SAME) {
        return false;
      }
    }
    return true;
  }

  /** The stored frame the item is about, or null with the reason added to {@code errors}. */
  private StoredFrame match(Annotated a, List<String> errors) throws IOException {
    Matcher copy = AUGMENTED.matcher((a.frameId() == null ? "" : a.frameId()) + " " + a.imageName());
    if (copy.find()) {
      errors.add("an augmented copy (" + copy.group() + "): corrections are imported for original frames only");
      return null;
    }
    String id = a.frameId();
    String device = a.device();
    if (id == null || !FRAME_ID.matcher(id).matches()) {
      Matcher m = FRAME_ID.matcher(a.imageName());
      String last = null;
      while (m.find()) {
        last = m.group();
      }
      if (last == null) {
        errors.add("names no fieldcap frame: no frame id in '" + a.imageName() + "' and no fieldcap metadata"
            + " (corrections come back in files made from a fieldcap export)");
        return null;
      }
      id = last;
      device = null;
    }
    if (device == null) {
      List<String> devices = store.devicesWith(id);
      String name = a.imageName();
      String finalId = id;
      List<String> named = devices.stream().filter(d -> name.contains(d + "_" + finalId) || name.contains(d + "/" + finalId))
          .toList();
      if (devices.size() == 1) {
        device = devices.get(0);
      } else if (named.size() == 1) {
        device = named.get(0);
      } else if (devices.isEmpty()) {
        errors.add("no frame " + id + " in the store (was the export made from another server's data?)");
        return null;
      } else {
        errors.add("frame id " + id + " is held by several devices " + devices + " and '" + name + "' does not say which");
        return null;
      }
    }
    StoredFrame f = store.frame(device, id);
    if (f == null) {
      errors.add("no frame " + device + "/" + id + " in the store (was the export made from another server's data?)");
    }
    return f;
  }

  /** The labels checked against the image's size and the allowed classes, clipped to the image; problems to {@code errors}. */
  List<Detection> check(Annotated a, int width, int height, String what, List<String> errors) {
    if (a.width() > 0 && a.height() > 0 && (a.width() != width || a.height() != height)) {
      errors.add("the labels are for a " + a.width() + "x" + a.height() + " image, but " + what + " is " + width + "x"
          + height);
      return List.of();
    }
    List<Detection> out = new ArrayList<>();
    for (Detection d : a.labels()) {
      String name = LabelRules.text("class", d.label(), false);
      if (name != null) {
        errors.add(name);
        continue;
      }
      if (d.box() != null && !(Double.isFinite(d.box().x()) && Double.isFinite(d.box().y()) && Double.isFinite(d.box().w())
          && Double.isFinite(d.box().h())) || d.polygon() != null && d.polygon().stream().anyMatch(v -> !Double.isFinite(v))) {
        errors.add("box or outline of '" + d.label() + "' is not finite numbers");
        continue;
      }
      if (classes != null && !classes.contains(d.label())) {
        errors.add("'" + d.label() + "': unknown class (--classes allows " + String.join(", ", classes) + ")");
        continue;
      }
      if (d.mask() != null && (d.mask().width() != width || d.mask().height() != height)) {
        errors.add("mask of '" + d.label() + "' is " + d.mask().width() + "x" + d.mask().height() + ", but " + what + " is "
            + width + "x" + height);
        continue;
      }
      if (d.box() == null) {
        out.add(d);
        continue;
      }
      Box b = d.box();
      if (b.x() < -TOLERANCE || b.y() < -TOLERANCE || b.x() + b.w() > width + TOLERANCE || b.y() + b.h() > height + TOLERANCE) {
        errors.add(String.format(Locale.ROOT, "box of '%s' at x=%.1f y=%.1f w=%.1f h=%.1f lies outside the %dx%d image",
            d.label(), b.x(), b.y(), b.w(), b.h(), width, height));
        continue;
      }
      double x1 = clip(b.x(), width);
      double y1 = clip(b.y(), height);
      double x2 = clip(b.x() + b.w(), width);
      double y2 = clip(b.y() + b.h(), height);
      if (x2 - x1 <= 0 || y2 - y1 <= 0) {
        errors.add(String.format(Locale.ROOT, "box of '%s' at x=%.1f y=%.1f has no area", d.label(), b.x(), b.y()));
        continue;
      }
      List<Double> polygon = null;
      if (d.polygon() != null) {
        polygon = new ArrayList<>();
        for (int i = 0; i < d.polygon().size(); i += 2) {
          polygon.add(clip(d.polygon().get(i), width));
          polygon.add(clip(d.polygon().get(i + 1), height));
        }
      }
      out.add(new Detection(d.label(), d.score(), new Box(x1, y1, round(x2 - x1), round(y2 - y1)), polygon, d.mask(),
          d.trackId()));
    }
    return out;
  }

  /** Clipped to [0, max] and rounded to 1/10000 px, so that percentages read back do not carry float noise. */
  private static double clip(double v, int max) {
    return round(Math.max(0, Math.min(max, v)));
  }

  private static double round(double v) {
    return Math.round(v * 1e4) / 1e4;
  }

  private static String sha256(Path f) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(f), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
