import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.MatOfDouble;
import org.opencv.core.MatOfRect;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;
import org.opencv.objdetect.HOGDescriptor;

/**
 * Pseudo-labels people in DIR/images/train/*.jpg with OpenCV's pretrained HOG people detector (Dalal and Triggs, as
 * OpenCV ships it), writing YOLO label files to DIR/labels/train: the boxes a person detector for the benchmarks
 * is trained from (scripts/vtest-detector/make.sh). Frames are enlarged 1.6x first (HOG's window is 64x128 and
 * vtest.avi's people are smaller); HOG's window, which has a margin around the person, is shrunk to the person.
 */
public class HogLabels {
  public static void main(String[] a) throws Exception {
    System.loadLibrary(Core.NATIVE_LIBRARY_NAME);
    HOGDescriptor hog = new HOGDescriptor();
    hog.setSVMDetector(HOGDescriptor.getDefaultPeopleDetector());
    Path dir = Path.of(a[0]);
    int boxes = 0;
    List<Path> files = new ArrayList<>();
    try (var s = Files.list(dir.resolve("images/train"))) { s.sorted().forEach(files::add); }
    for (Path f : files) {
      Mat img = Imgcodecs.imread(f.toString());
      Mat big = new Mat();
      double scale = 1.6;
      Imgproc.resize(img, big, new Size(img.cols() * scale, img.rows() * scale));
      MatOfRect found = new MatOfRect();
      MatOfDouble weights = new MatOfDouble();
      hog.detectMultiScale(big, found, weights, 0.3, new Size(8, 8), new Size(16, 16), 1.05, 2.0, false);
      StringBuilder sb = new StringBuilder();
      Rect[] rs = found.toArray();
      double[] ws = weights.toArray();
      for (int i = 0; i < rs.length; i++) {
        Rect r = rs[i];
        // HOG's window has a margin around the person: shrink to the person (Dalal-Triggs: about 3/4 of the width, 7/8 of the height)
        double x = r.x / scale + r.width / scale * 0.15, y = r.y / scale + r.height / scale * 0.06;
        double w = r.width / scale * 0.7, h = r.height / scale * 0.88;
        double cx = (x + w / 2) / img.cols(), cy = (y + h / 2) / img.rows();
        sb.append(String.format(Locale.ROOT, "0 %.6f %.6f %.6f %.6f%n", cx, cy, w / img.cols(), h / img.rows()));
        boxes++;
      }
      Files.writeString(dir.resolve("labels/train").resolve(f.getFileName().toString().replace(".jpg", ".txt")), sb);
    }
    System.out.println(files.size() + " images, " + boxes + " boxes");
  }
}
