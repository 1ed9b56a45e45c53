package io.fieldcap.web;

import io.fieldcap.image.Images;
import io.fieldcap.image.OpenCv;
import io.fieldcap.store.StoredFrame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Thumbnails, made once and kept on disk ({@code DATA/thumbs/DEVICE/FRAME.jpg}), 320 px wide, with
 * the JPEG encoder the project uses elsewhere. Paths come from validated device and frame ids only.
 * Images are decoded at the smallest scale still 320 px wide, two at a time.
 */
final class Thumbs {
  static {
    OpenCv.load();
  }

  static final int WIDTH = 320;
  /** Thumbnails decoded at once: each decode holds the image's pixels, at 1/8 scale or more. */
  private final Semaphore making = new Semaphore(2);

  private final Path dir;

  Thumbs(Path dataDir) {
    this.dir = dataDir.resolve("thumbs");
  }

  /** The thumbnail of a stored frame, made now if it was not made before. */
  Path of(StoredFrame f) throws IOException {
    Path t = dir.resolve(f.device()).resolve(f.frameId() + ".jpg");
    if (Files.isRegularFile(t)) {
      return t;
    }
    making.acquireUninterruptibly();
    try {
      return make(f, t);
    } finally {
      making.release();
    }
  }

  private static Path make(StoredFrame f, Path t) throws IOException {
    Mat img = Images.decodeReduced(Files.readAllBytes(f.image().fetch()), f.width(), WIDTH);
    try {
      if (img.empty()) {
        throw new IOException("frame " + f.device() + "/" + f.frameId() + " cannot be decoded");
      }
      Mat small = new Mat();
      double scale = Math.min(1.0, WIDTH / (double) img.cols());
      Imgproc.resize(img, small, new Size(Math.max(1, Math.round(img.cols() * scale)), Math.max(1, Math.round(img.rows() * scale))),
          0, 0, Imgproc.INTER_AREA);
      byte[] jpeg = Images.encodeJpeg(small.cols(), small.rows(), Images.toBgr(small), 80);
      small.release();
      Files.createDirectories(t.getParent());
      Path tmp = t.resolveSibling(t.getFileName() + "." + UUID.randomUUID() + ".part");
      Files.write(tmp, jpeg);
      Files.move(tmp, t, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return t;
    } finally {
      img.release();
    }
  }
}
