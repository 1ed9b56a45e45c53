package io.fieldcap.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fieldcap.image.OpenCv;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * The tensor the letterbox writes, value by value, against a plain per-pixel conversion of the same
 * resized and padded image: channel order (BGR frames, RGB tensors), layout (planes or interleaved),
 * value ranges, padding and the mapping back to frame pixels.
 */
class LetterboxTest {
  @BeforeAll
  static void load() {
    OpenCv.load();
  }

  private static byte[] frame(int w, int h, long seed) {
    byte[] bgr = new byte[w * h * 3];
    new Random(seed).nextBytes(bgr);
    return bgr;
  }

  /** The padded BGR image as the model sees it, by the same OpenCV resize and border. */
  private static byte[] padded(byte[] bgr, int w, int h, int inW, int inH, int rw, int rh, int top, int left,
      double pad) {
    Mat src = new Mat(h, w, CvType.CV_8UC3);
    src.put(0, 0, bgr);
    Mat resized = new Mat();
    Imgproc.resize(src, resized, new Size(rw, rh), 0, 0, Imgproc.INTER_LINEAR);
    Mat out = new Mat();
    Core.copyMakeBorder(resized, out, top, inH - rh - top, left, inW - rw - left, Core.BORDER_CONSTANT,
        new Scalar(pad, pad, pad));
    byte[] px = new byte[inW * inH * 3];
    out.get(0, 0, px);
    return px;
  }

  @Test
  void unitPlanesAreRgbOverTwoFiftyFiveWithUltralyticsPadding() {
    int w = 50;
    int h = 30;
    byte[] bgr = frame(w, h, 1);
    Letterbox lb = new Letterbox(64, 64, Letterbox.Layout.NCHW_RGB_UNIT, 114);
    lb.apply(w, h, bgr);
    // scale 64/50 = 1.28: 64 x 38, 13 rows of padding on top (rounded as Ultralytics does), 13 below
    assertEquals(1.28, lb.scaleX, 1e-12);
    assertEquals(13, lb.padY);
    assertEquals(0, lb.padX);
    byte[] px = padded(bgr, w, h, 64, 64, 64, 38, 13, 0, 114);
    int plane = 64 * 64;
    for (int i = 0; i < plane; i++) {
      for (int c = 0; c < 3; c++) {
        float want = (px[i * 3 + 2 - c] & 0xff) / 255f;
        assertEquals(want, lb.tensor.get(c * plane + i), 1e-6, "plane " + c + " pixel " + i);
      }
    }
    assertEquals(114 / 255f, lb.tensor.get(0), 1e-6, "the padding");
    assertEquals(0, lb.tensor.position(), "rewound for ONNX Runtime");
    // a box corner in model pixels maps back to the frame
    assertEquals(25.0, lb.x(32), 1e-9);
    assertEquals(15.0, lb.y(13 + 15 * 1.28), 1e-9);
    lb.release();
  }

  @Test
  void imagenetPlanesSubtractTheMeanAndDivideByTheDeviationPerChannel() {
    int w = 40;
    int h = 40;
    byte[] bgr = frame(w, h, 2);
    Letterbox lb = new Letterbox(32, 24, Letterbox.Layout.NCHW_RGB_IMAGENET, 0, true);
    lb.apply(w, h, bgr);
    assertEquals(0.8, lb.scaleX, 1e-12);
    assertEquals(0.6, lb.scaleY, 1e-12);
    byte[] px = padded(bgr, w, h, 32, 24, 32, 24, 0, 0, 0);
    double[] mean = {0.485, 0.456, 0.406};
    double[] std = {0.229, 0.224, 0.225};
    int plane = 32 * 24;
    for (int i = 0; i < plane; i++) {
      for (int c = 0; c < 3; c++) {
        double want = ((px[i * 3 + 2 - c] & 0xff) / 255.0 - mean[c]) / std[c];
        assertEquals(want, lb.tensor.get(c * plane + i), 1e-5, "plane " + c + " pixel " + i);
      }
    }
    lb.release();
  }

  @Test
  void signedInterleavedRgbForMediaPipeAndTheSecondFrameOverwritesTheFirst() {
    Letterbox lb = new Letterbox(16, 16, Letterbox.Layout.NHWC_RGB_SIGNED, 0);
    lb.apply(16, 8, frame(16, 8, 3));
    byte[] bgr = frame(20, 10, 4);
    lb.apply(20, 10, bgr);
    assertEquals(4, lb.padY);
    byte[] px = padded(bgr, 20, 10, 16, 16, 16, 8, 4, 0, 0);
    for (int i = 0; i < 16 * 16; i++) {
      for (int c = 0; c < 3; c++) {
        float want = (px[i * 3 + 2 - c] & 0xff) * 2f / 255f - 1f;
        assertEquals(want, lb.tensor.get(i * 3 + c), 1e-6, "pixel " + i + " channel " + c);
      }
    }
    assertEquals(-1f, lb.tensor.get(0), "the padding, black");
    lb.release();
  }
}
