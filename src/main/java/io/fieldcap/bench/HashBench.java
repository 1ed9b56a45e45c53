package io.fieldcap.bench;

import io.fieldcap.image.Look;
import io.fieldcap.image.OpenCv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * How far apart the perceptual hashes of real footage are, for choosing {@code clean}'s duplicate
 * distance: the same frame stored twice in other ways (re-encoded at JPEG quality 50, halved in size),
 * frames of one clip one second apart, frames of one clip far apart, and frames of different clips.
 */
public final class HashBench {
  static {
    OpenCv.load();
  }

  private HashBench() {}

  private record Sample(int clip, double seconds, Look look, Look reencoded, Look halved) {}

  private static Look look(Mat bgr, int quality) {
    MatOfByte buf = new MatOfByte();
    Imgcodecs.imencode(".jpg", bgr, buf, new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, quality));
    try {
      return Look.of(buf.toArray());
    } finally {
      buf.release();
    }
  }

  /** Samples one frame a second of each clip and measures the distances; one JSON object. */
  public static Map<String, Object> run(List<Path> clips) throws IOException, InterruptedException {
    List<Sample> samples = new ArrayList<>();
    for (int c = 0; c < clips.size(); c++) {
      // one frame a second, decoded by ffmpeg (OpenCV's Java build here reads no MPEG-4), as near-lossless JPEGs
      Path dir = Files.createTempDirectory("fieldcap-hash");
      try {
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-i", clips.get(c).toString(), "-vf", "fps=1", "-q:v", "1",
            dir.resolve("%05d.jpg").toString()).redirectErrorStream(true).start();
        String err = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
          throw new IllegalArgumentException("ffmpeg cannot read " + clips.get(c) + ": " + err.strip());
        }
        List<Path> files;
        try (var list = Files.list(dir)) {
          files = list.sorted().toList();
        }
        Mat half = new Mat();
        for (int i = 0; i < files.size(); i++) {
          Mat frame = Imgcodecs.imread(files.get(i).toString());
          Imgproc.resize(frame, half, new Size(), 0.5, 0.5, Imgproc.INTER_AREA);
          samples.add(new Sample(c, i, look(frame, 90), look(frame, 50), look(half, 90)));
          frame.release();
        }
        half.release();
      } finally {
        try (var list = Files.list(dir)) {
          for (Path f : list.toList()) {
            Files.delete(f);
          }
        }
        Files.delete(dir);
      }
    }
    List<Integer> reencoded = new ArrayList<>();
    List<Integer> oneSecond = new ArrayList<>();
    List<Integer> farApart = new ArrayList<>();
    List<Integer> otherClips = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      Sample a = samples.get(i);
      reencoded.add(Look.distance(a.look().hash(), a.reencoded().hash()));
      reencoded.add(Look.distance(a.look().hash(), a.halved().hash()));
      for (int j = i + 1; j < samples.size(); j++) {
        Sample b = samples.get(j);
        int d = Look.distance(a.look().hash(), b.look().hash());
        if (a.clip() != b.clip()) {
          otherClips.add(d);
        } else if (Math.abs(b.seconds() - a.seconds()) < 1.5) {
          oneSecond.add(d);
        } else if (Math.abs(b.seconds() - a.seconds()) >= 30) {
          farApart.add(d);
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("clips", clips.stream().map(p -> p.getFileName().toString()).toList());
    out.put("samples", samples.size());
    out.put("sameFrameReencodedOrHalved", stats(reencoded));
    out.put("sameClipOneSecondApart", stats(oneSecond));
    out.put("sameClip30sOrMoreApart", stats(farApart));
    out.put("differentClips", stats(otherClips));
    return out;
  }

  private static Map<String, Object> stats(List<Integer> v) {
    int[] a = v.stream().mapToInt(Integer::intValue).sorted().toArray();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pairs", a.length);
    if (a.length > 0) {
      m.put("min", a[0]);
      m.put("p1", a[(int) (a.length * 0.01)]);
      m.put("p10", a[(int) (a.length * 0.10)]);
      m.put("median", a[a.length / 2]);
      m.put("p90", a[(int) (a.length * 0.90)]);
      m.put("p99", a[(int) (a.length * 0.99)]);
      m.put("max", a[a.length - 1]);
      m.put("atMost20", Arrays.stream(a).filter(x -> x <= 20).count());
    }
    return m;
  }
}
