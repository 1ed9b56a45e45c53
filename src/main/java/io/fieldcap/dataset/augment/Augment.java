package io.fieldcap.dataset.augment;

import io.fieldcap.dataset.Splits;
import io.fieldcap.dataset.format.Polygons;
import io.fieldcap.image.OpenCv;
import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Rle;
import io.fieldcap.model.Sha256;
import io.fieldcap.store.Frames;
import io.fieldcap.store.ImageRef;
import io.fieldcap.store.StoredFrame;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfInt;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Augmented copies of training frames at export ({@code --augment SPEC --copies N --seed S}): each
 * training frame (never a validation or test frame) is followed by N copies, each with its own
 * random parameters drawn from the spec.
 *
 * <p>Geometric transforms (rotation, scale, crop, translation, flip) are one affine matrix: pixels
 * move by OpenCV's {@code warpAffine}, outlines point by point by the same matrix, and boxes become
 * the box around the transformed outline when there is one, else around the transformed corners;
 * semantic masks move as the pixels do, with nearest-neighbour sampling (class maps have no
 * in-between values), their box around what is left;
 * outlines are clipped to the image, boxes too, and a label is dropped when less than {@code
 * --min-visible} of its area remains. Photometric transforms (brightness, contrast, hue, noise, blur)
 * leave labels alone. Uncovered borders are grey (114, as the letterbox), never mirrored: a mirrored
 * object would be an object without a label.
 *
 * <p>Each copy's parameters come from a random generator seeded by the seed, the frame and the
 * copy's number, so the same seed gives the same files whatever else is exported, and they are
 * written to {@code OUT/augmentations.jsonl}.
 */
public final class Augment {
  static {
    OpenCv.load();
  }

  /**
   * What to vary, from {@code rotate=15,scale=0.8:1.2,crop=0.8,translate=0.1,flip=h,brightness=0.2,
   * contrast=0.2,hue=10,noise=0.02,blur=0.1}.
   *
   * @param rotate degrees: an angle uniform in ±rotate
   * @param scaleMin smallest zoom
   * @param scaleMax largest zoom
   * @param crop the kept fraction of each side (a random window, scaled back to the full size); 1: none
   * @param translate shift by up to this fraction of each side
   * @param flipH mirror left-right with probability 1/2
   * @param flipV mirror top-bottom with probability 1/2
   * @param brightness add up to ±brightness x 255 to every pixel
   * @param contrast scale the distance from the mean grey by 1 ± contrast
   * @param hue shift hue by up to ± hue degrees
   * @param noise Gaussian noise of up to noise x 255 standard deviation
   * @param blur the probability of a Gaussian blur (sigma 0.5 to 2)
   */
  public record Spec(double rotate, double scaleMin, double scaleMax, double crop, double translate, boolean flipH,
      boolean flipV, double brightness, double contrast, double hue, double noise, double blur) {
    public static Spec parse(String spec) {
      Map<String, String> kv = new LinkedHashMap<>();
      for (String part : spec.split(",")) {
        String[] p = part.strip().split("=", 2);
        if (p.length != 2 || p[1].isBlank()) {
          throw new IllegalArgumentException("--augment '" + spec + "': '" + part.strip() + "' is not NAME=VALUE");
        }
        kv.put(p[0].strip().toLowerCase(Locale.ROOT), p[1].strip());
      }
      double rotate = num(kv, "rotate", 0, 0, 180);
      double smin = 1;
      double smax = 1;
      if (kv.containsKey("scale")) {
        String[] s = kv.remove("scale").split(":");
        try {
          smin = Double.parseDouble(s[0]);
          smax = s.length > 1 ? Double.parseDouble(s[1]) : smin;
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--augment: scale '" + String.join(":", s) + "' is not MIN:MAX (e.g. 0.8:1.2)");
        }
        if (smin > smax) {
          double t = smin;
          smin = smax;
          smax = t;
        }
        if (smin <= 0.1 || smax > 10) {
          throw new IllegalArgumentException("--augment: scale must be within 0.1 to 10");
        }
      }
      double crop = num(kv, "crop", 1, 0.1, 1);
      double translate = num(kv, "translate", 0, 0, 0.5);
      String flip = kv.remove("flip");
      if (flip != null && !List.of("h", "v", "hv", "vh").contains(flip)) {
        throw new IllegalArgumentException("--augment: flip '" + flip + "' is not h, v or hv");
      }
      Spec out = new Spec(rotate, smin, smax, crop, translate, flip != null && flip.contains("h"),
          flip != null && flip.contains("v"), num(kv, "brightness", 0, 0, 1), num(kv, "contrast", 0, 0, 1),
          num(kv, "hue", 0, 0, 180), num(kv, "noise", 0, 0, 1), num(kv, "blur", 0, 0, 1));
      if (!kv.isEmpty()) {
        throw new IllegalArgumentException("--augment: unknown " + kv.keySet() + "; known: rotate, scale, crop, translate,"
            + " flip, brightness, contrast, hue, noise, blur");
      }
      return out;
    }

    private static double num(Map<String, String> kv, String key, double dflt, double min, double max) {
      String v = kv.remove(key);
      if (v == null) {
        return dflt;
      }
      try {
        double d = Double.parseDouble(v);
        if (d < min || d > max) {
          throw new IllegalArgumentException("--augment: " + key + "=" + v + " is out of range; expected " + min + " to " + max);
        }
        return d;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--augment: " + key + "=" + v + " is not a number");
      }
    }
  }

  /** One copy's drawn parameters, as {@code augmentations.jsonl} records them. */
  public record Params(double angle, double scale, double cropX, double cropY, double cropSide, double shiftX, double shiftY,
      boolean flipH, boolean flipV, double brightness, double contrast, double hue, double noise, double blurSigma) {}

  private final Spec spec;
  private final int copies;
  private final long seed;
  private final double minVisible;

  public Augment(Spec spec, int copies, long seed, double minVisible) {
    if (copies < 1) {
      throw new IllegalArgumentException("--copies must be at least 1");
    }
    if (minVisible < 0 || minVisible > 1) {
      throw new IllegalArgumentException("--min-visible must be within 0 to 1");
    }
    this.spec = spec;
    this.copies = copies;
    this.seed = seed;
    this.minVisible = minVisible;
  }

  /** The copy's parameters: drawn from a generator seeded by (seed, device, frame, copy). */
  Params draw(String device, String frameId, int copy) {
    SplittableRandom r = new SplittableRandom(mix(seed + "/" + device + "/" + frameId + "/" + copy));
    double side = uniform(r, spec.crop(), 1);
    return new Params(uniform(r, -spec.rotate(), spec.rotate()), uniform(r, spec.scaleMin(), spec.scaleMax()),
        r.nextDouble() * (1 - side), r.nextDouble() * (1 - side), side, uniform(r, -spec.translate(), spec.translate()),
        uniform(r, -spec.translate(), spec.translate()), spec.flipH() && r.nextBoolean(), spec.flipV() && r.nextBoolean(),
        uniform(r, -spec.brightness(), spec.brightness()), uniform(r, 1 - spec.contrast(), 1 + spec.contrast()),
        uniform(r, -spec.hue(), spec.hue()), r.nextDouble() * spec.noise(),
        r.nextDouble() < spec.blur() ? 0.5 + 1.5 * r.nextDouble() : 0);
  }

  private static double uniform(SplittableRandom r, double a, double b) {
    return a == b ? a : a + (b - a) * r.nextDouble();
  }

  private static long mix(String key) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = v << 8 | (h[i] & 0xff);
      }
      return v;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The 2x3 affine matrix of a copy for a {@code w x h} image, as a row-major double[6]. */
  static double[] matrix(Params p, int w, int h) {
    double cx = w / 2.0;
    double cy = h / 2.0;
    // crop: the window (cropX, cropY, side) scaled back to the full image
    double[] m = {1 / p.cropSide(), 0, -p.cropX() * w / p.cropSide(), 0, 1 / p.cropSide(), -p.cropY() * h / p.cropSide()};
    // rotation and scale about the centre (positive angle: counter-clockwise on screen, as OpenCV's)
    double a = Math.toRadians(p.angle());
    double c = Math.cos(a) * p.scale();
    double s = Math.sin(a) * p.scale();
    m = compose(new double[] {c, s, (1 - c) * cx - s * cy, -s, c, s * cx + (1 - c) * cy}, m);
    m = compose(new double[] {1, 0, p.shiftX() * w, 0, 1, p.shiftY() * h}, m);
    if (p.flipH()) {
      m = compose(new double[] {-1, 0, w, 0, 1, 0}, m);
    }
    if (p.flipV()) {
      m = compose(new double[] {1, 0, 0, 0, -1, h}, m);
    }
    return m;
  }

  /** {@code a} after {@code b}. */
  private static double[] compose(double[] a, double[] b) {
    return new double[] {
        a[0] * b[0] + a[1] * b[3], a[0] * b[1] + a[1] * b[4], a[0] * b[2] + a[1] * b[5] + a[2],
        a[3] * b[0] + a[4] * b[3], a[3] * b[1] + a[4] * b[4], a[3] * b[2] + a[4] * b[5] + a[5]};
  }

  /** The labels moved by {@code m} into a {@code w x h} image: clipped, and dropped under min-visible. */
  List<Detection> labels(List<Detection> in, double[] m, int w, int h) {
    List<Detection> out = new ArrayList<>();
    for (Detection d : in) {
      if (d.box() == null) {
        out.add(d);
        continue;
      }
      if (d.mask() != null) {
        Detection moved = mask(d, m, w, h);
        if (moved != null) {
          out.add(moved);
        }
        continue;
      }
      Box b = d.box();
      List<Double> shape = d.polygon() != null ? d.polygon()
          : List.of(b.x(), b.y(), b.x() + b.w(), b.y(), b.x() + b.w(), b.y() + b.h(), b.x(), b.y() + b.h());
      List<Double> moved = new ArrayList<>();
      for (int i = 0; i < shape.size(); i += 2) {
        double x = shape.get(i);
        double y = shape.get(i + 1);
        moved.add(m[0] * x + m[1] * y + m[2]);
        moved.add(m[3] * x + m[4] * y + m[5]);
      }
      Box whole = bounds(moved);
      List<Double> clipped = Polygons.clip(moved, w, h);
      if (clipped.size() < 6) {
        continue;
      }
      Box box = bounds(clipped);
      double visible = d.polygon() != null ? Polygons.area(clipped) / Math.max(1e-9, Polygons.area(moved))
          : box.w() * box.h() / Math.max(1e-9, whole.w() * whole.h());
      if (visible < minVisible) {
        continue;
      }
      out.add(new Detection(d.label(), d.score(), box, d.polygon() == null ? null : round(clipped)));
    }
    return out;
  }

  /**
   * A semantic mask moved by {@code m} as the pixels are (nearest neighbour: a class map has no
   * in-between values); dropped when less than min-visible of its pixels remain in the image.
   */
  private Detection mask(Detection d, double[] m, int w, int h) {
    Rle rle = d.mask();
    Mat src = new Mat(rle.height(), rle.width(), CvType.CV_8UC1);
    Mat dst = new Mat();
    Mat affine = new Mat(2, 3, CvType.CV_64F);
    try {
      src.put(0, 0, rle.toRowMajor());
      affine.put(0, 0, m);
      Imgproc.warpAffine(src, dst, affine, new Size(w, h), Imgproc.INTER_NEAREST, Core.BORDER_CONSTANT,
          new Scalar(0));
      byte[] bits = new byte[w * h];
      dst.get(0, 0, bits);
      Rle moved = Rle.fromRowMajor(h, w, bits);
      // the visible share of the moved mask: its area now against its area moved whole (the determinant's scale)
      double whole = rle.area() * Math.abs(m[0] * m[4] - m[1] * m[3]);
      long area = moved.area();
      if (area == 0 || area / Math.max(1e-9, whole) < minVisible) {
        return null;
      }
      return new Detection(d.label(), d.score(), moved.box(), null, moved);
    } finally {
      src.release();
      dst.release();
      affine.release();
    }
  }

  private static List<Double> round(List<Double> v) {
    return v.stream().map(x -> Math.round(x * 100) / 100.0).toList();
  }

  private static Box bounds(List<Double> xy) {
    double x0 = Double.MAX_VALUE;
    double y0 = Double.MAX_VALUE;
    double x1 = -Double.MAX_VALUE;
    double y1 = -Double.MAX_VALUE;
    for (int i = 0; i < xy.size(); i += 2) {
      x0 = Math.min(x0, xy.get(i));
      x1 = Math.max(x1, xy.get(i));
      y0 = Math.min(y0, xy.get(i + 1));
      y1 = Math.max(y1, xy.get(i + 1));
    }
    return new Box(Math.round(x0 * 100) / 100.0, Math.round(y0 * 100) / 100.0, Math.round((x1 - x0) * 100) / 100.0,
        Math.round((y1 - y0) * 100) / 100.0);
  }

  /** The copy's pixels: the affine warp, then the photometric changes. */
  static Mat pixels(Mat src, Params p, double[] m, long noiseSeed) {
    Mat dst = new Mat();
    Mat affine = new Mat(2, 3, CvType.CV_64F);
    affine.put(0, 0, m);
    Imgproc.warpAffine(src, dst, affine, src.size(), Imgproc.INTER_LINEAR, Core.BORDER_CONSTANT, new Scalar(114, 114, 114));
    affine.release();
    if (p.contrast() != 1 || p.brightness() != 0) {
      Scalar mean = Core.mean(dst);
      double grey = (mean.val[0] + mean.val[1] + mean.val[2]) / 3;
      dst.convertTo(dst, -1, p.contrast(), (1 - p.contrast()) * grey + p.brightness() * 255);
    }
    if (p.hue() != 0) {
      Mat hsv = new Mat();
      Imgproc.cvtColor(dst, hsv, Imgproc.COLOR_BGR2HSV);
      byte[] px = new byte[(int) hsv.total() * 3];
      hsv.get(0, 0, px);
      int shift = (int) Math.round(p.hue() / 2); // OpenCV's 8-bit hue is degrees / 2, 0..179
      for (int i = 0; i < px.length; i += 3) {
        px[i] = (byte) Math.floorMod((px[i] & 0xff) + shift, 180);
      }
      hsv.put(0, 0, px);
      Imgproc.cvtColor(hsv, dst, Imgproc.COLOR_HSV2BGR);
      hsv.release();
    }
    if (p.noise() > 0) {
      Mat noise = new Mat(dst.size(), CvType.CV_16SC3);
      Core.setRNGSeed((int) noiseSeed);
      Core.randn(noise, 0, p.noise() * 255);
      Mat wide = new Mat();
      dst.convertTo(wide, CvType.CV_16SC3);
      Core.add(wide, noise, wide);
      wide.convertTo(dst, CvType.CV_8UC3);
      noise.release();
      wide.release();
    }
    if (p.blurSigma() > 0) {
      Imgproc.GaussianBlur(dst, dst, new Size(0, 0), p.blurSigma());
    }
    return dst;
  }

  /**
   * {@code frames} with, after each training frame, its copies: images written to {@code tmp} and
   * deleted once the exporter has taken them, parameters to {@code OUT/augmentations.jsonl}.
   */
  public Frames view(Frames frames, Splits splits, Path out) throws IOException {
    Path tmp = Files.createDirectories(out.resolve(".augment-tmp"));
    return action -> {
      Files.createDirectories(tmp);
      try (BufferedWriter manifest = Files.newBufferedWriter(out.resolve("augmentations.jsonl"), StandardCharsets.UTF_8)) {
        frames.forEach(f -> {
          action.accept(f);
          String split = splits == null ? "train" : splits.of(f);
          if (!split.equals("train")) {
            return;
          }
          Path source;
          try {
            source = f.image().fetch();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          Mat src = Imgcodecs.imread(source.toString(), Imgcodecs.IMREAD_COLOR);
          try {
            if (src.empty()) {
              throw new UncheckedIOException(new IOException("cannot decode " + source + " to augment it"));
            }
            for (int k = 1; k <= copies; k++) {
              String id = f.frameId() + "-aug" + k;
              Params p = draw(f.device(), f.frameId(), k);
              double[] m = matrix(p, src.cols(), src.rows());
              Mat img = pixels(src, p, m, mix(seed + "/noise/" + f.device() + "/" + id));
              Path file = tmp.resolve(f.device() + "_" + id + ".jpg");
              Imgcodecs.imwrite(file.toString(), img, new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, 95));
              img.release();
              LabelSet labels = f.labels() == null ? null
                  : new LabelSet(f.labels().model(), labels(f.labels().detections(), m, src.cols(), src.rows()),
                      f.labels().version());
              Map<String, Object> line = new LinkedHashMap<>();
              line.put("file", f.device() + "_" + id + ".jpg");
              line.put("device", f.device());
              line.put("frame_id", f.frameId());
              line.put("copy", k);
              line.put("seed", seed);
              line.put("params", p);
              try {
                manifest.write(Json.MAPPER.writeValueAsString(line));
                manifest.write('\n');
                Map<String, Object> meta = f.meta() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(f.meta());
                meta.put("augmentedFrom", f.frameId());
                action.accept(new StoredFrame(f.device(), id, f.seq(), f.capturedAt(), Sha256.hex(
                    Files.readAllBytes(file)), Files.size(file), src.cols(), src.rows(), labels, meta, ImageRef.file(file), f.receivedAt(),
                    null, 0, "train", null));
                Files.deleteIfExists(file);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
          } finally {
            src.release();
          }
        });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      } finally {
        Files.deleteIfExists(tmp);
      }
    };
  }
}
