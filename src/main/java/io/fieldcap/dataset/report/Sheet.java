package io.fieldcap.dataset.report;

import io.fieldcap.image.OpenCv;
import io.fieldcap.model.Detection;
import io.fieldcap.store.ImageRef;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/** A contact sheet: thumbnails in a grid, each with its boxes, outlines and class names drawn, and a caption. */
final class Sheet {
  static {
    OpenCv.load();
  }

  static final int COLUMNS = 4;
  static final int THUMB_W = 240;
  static final int THUMB_H = 180;
  static final int CAPTION = 20;

  /** One thumbnail: the image, what to draw on it, and a caption. */
  record Tile(ImageRef image, List<Detection> labels, String caption, String highlight) {}

  private Sheet() {}

  private static Scalar colour(String label) {
    int h = label.hashCode();
    return new Scalar(60 + (h & 0x7f) + 60, 60 + (h >> 8 & 0x7f) + 60, 60 + (h >> 16 & 0x7f) + 60);
  }

  /** Draws the tiles into one PNG; returns how many images could be read. */
  static int write(List<Tile> tiles, Path png) {
    int rows = (tiles.size() + COLUMNS - 1) / COLUMNS;
    Mat sheet = new Mat(Math.max(1, rows) * (THUMB_H + CAPTION), COLUMNS * THUMB_W, CvType.CV_8UC3, new Scalar(40, 40, 40));
    int drawn = 0;
    for (int i = 0; i < tiles.size(); i++) {
      Tile t = tiles.get(i);
      Mat img;
      try {
        img = Imgcodecs.imread(t.image().fetch().toString(), Imgcodecs.IMREAD_COLOR);
      } catch (IOException e) {
        img = new Mat(); // an image that cannot be fetched is drawn as an empty tile, as one that cannot be read
      }
      int x0 = i % COLUMNS * THUMB_W;
      int y0 = i / COLUMNS * (THUMB_H + CAPTION);
      if (!img.empty()) {
        double scale = Math.min(THUMB_W / (double) img.cols(), THUMB_H / (double) img.rows());
        Mat small = new Mat();
        Imgproc.resize(img, small, new Size(Math.max(1, Math.round(img.cols() * scale)), Math.max(1, Math.round(img.rows() * scale))),
            0, 0, Imgproc.INTER_AREA);
        for (Detection d : t.labels()) {
          Scalar c = d.label().equals(t.highlight()) || t.highlight() == null ? colour(d.label()) : new Scalar(150, 150, 150);
          int thick = d.label().equals(t.highlight()) ? 2 : 1;
          if (d.polygon() != null) {
            Point[] pts = new Point[d.polygon().size() / 2];
            for (int k = 0; k < pts.length; k++) {
              pts[k] = new Point(d.polygon().get(2 * k) * scale, d.polygon().get(2 * k + 1) * scale);
            }
            Imgproc.polylines(small, List.of(new MatOfPoint(pts)), true, c, thick);
          }
          if (d.box() != null) {
            Point a = new Point(d.box().x() * scale, d.box().y() * scale);
            Imgproc.rectangle(small, a, new Point((d.box().x() + d.box().w()) * scale, (d.box().y() + d.box().h()) * scale), c, thick);
            Imgproc.putText(small, d.label(), new Point(a.x + 2, Math.max(10, a.y - 3)), Imgproc.FONT_HERSHEY_SIMPLEX, 0.4, c, 1);
          }
        }
        small.copyTo(sheet.submat(new Rect(x0, y0, small.cols(), small.rows())));
        small.release();
        drawn++;
      } else {
        Imgproc.putText(sheet, "(cannot be decoded)", new Point(x0 + 10, y0 + THUMB_H / 2.0), Imgproc.FONT_HERSHEY_SIMPLEX, 0.45,
            new Scalar(80, 80, 230), 1);
      }
      img.release();
      Imgproc.putText(sheet, t.caption().length() > 38 ? t.caption().substring(0, 38) : t.caption(),
          new Point(x0 + 3, y0 + THUMB_H + 14), Imgproc.FONT_HERSHEY_SIMPLEX, 0.38, new Scalar(230, 230, 230), 1);
    }
    Imgcodecs.imwrite(png.toString(), sheet);
    sheet.release();
    return drawn;
  }

}
