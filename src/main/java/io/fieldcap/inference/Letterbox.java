package io.fieldcap.inference;

import io.fieldcap.image.Images;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Resizes a frame into the model's square-or-not input keeping its aspect ratio, padding the rest
 * with a constant (114 for Ultralytics, as its predictor does) and centring the image, then writes
 * the pixels into a reusable float tensor. Resizing and padding run in OpenCV; the pixels come back
 * to Java in one bulk copy and are converted in one pass, so there is no per-pixel JNI call.
 * Not thread-safe: one per detector.
 */
final class Letterbox {
  /** Tensor layouts and value ranges. */
  enum Layout {
    /** NCHW, RGB, 0..1 (Ultralytics). */
    NCHW_RGB_UNIT,
    /** NHWC, RGB, -1..1 (MediaPipe). */
    NHWC_RGB_SIGNED,
    /** NCHW, RGB, 0..1 then ImageNet's mean and standard deviation per channel (torchvision, Hugging Face). */
    NCHW_RGB_IMAGENET
  }

  private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

  private final int inW;
  private final int inH;
  private final Layout layout;
  private final double padValue;
  private final boolean stretch;
  private final Mat resized = new Mat();
  private final Mat padded = new Mat();
  private final byte[] pixels;
  final FloatBuffer tensor;
  double scaleX;
  double scaleY;
  double padX;
  double padY;

  Letterbox(int inW, int inH, Layout layout, double padValue) {
    this(inW, inH, layout, padValue, false);
  }

  /** @param stretch resize to the input size without keeping the aspect ratio (no padding) */
  Letterbox(int inW, int inH, Layout layout, double padValue, boolean stretch) {
    this.stretch = stretch;
    this.inW = inW;
    this.inH = inH;
    this.layout = layout;
    this.padValue = padValue;
    this.pixels = new byte[inW * inH * 3];
    this.tensor = ByteBuffer.allocateDirect(inW * inH * 3 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /** Fills {@link #tensor} from a BGR frame and records the scale and padding for mapping boxes back. */
  void apply(int width, int height, byte[] bgr) {
    int w;
    int h;
    int top;
    int left;
    if (stretch) {
      w = inW;
      h = inH;
      top = 0;
      left = 0;
      scaleX = (double) inW / width;
      scaleY = (double) inH / height;
    } else {
      double scale = Math.min((double) inW / width, (double) inH / height);
      w = (int) Math.round(width * scale);
      h = (int) Math.round(height * scale);
      // centred padding, rounded as Ultralytics' LetterBox does
      top = (int) Math.round((inH - h) / 2.0 - 0.1);
      left = (int) Math.round((inW - w) / 2.0 - 0.1);
      scaleX = scale; // as Ultralytics' scale_boxes maps back: the unrounded gain
      scaleY = scale;
    }
    Mat src = Images.fromBgr(width, height, bgr);
    try {
      Imgproc.resize(src, resized, new Size(w, h), 0, 0, Imgproc.INTER_LINEAR);
      Core.copyMakeBorder(resized, padded, top, inH - h - top, left, inW - w - left, Core.BORDER_CONSTANT,
          new Scalar(padValue, padValue, padValue));
      padded.get(0, 0, pixels);
    } finally {
      src.release();
    }
    padX = left;
    padY = top;
    fill();
  }

  /**
   * Converts the pixels in one pass straight into the direct buffer (absolute puts: no float[] staging
   * array of the tensor's size on the heap, and no second copy of it per frame).
   */
  private void fill() {
    int plane = inW * inH;
    FloatBuffer t = tensor;
    byte[] px = pixels;
    if (layout == Layout.NCHW_RGB_UNIT) {
      float k = 1f / 255f;
      for (int i = 0, p = 0; i < plane; i++, p += 3) {
        t.put(i, (px[p + 2] & 0xff) * k);
        t.put(plane + i, (px[p + 1] & 0xff) * k);
        t.put(2 * plane + i, (px[p] & 0xff) * k);
      }
    } else if (layout == Layout.NCHW_RGB_IMAGENET) {
      float kr = 1f / 255f / IMAGENET_STD[0];
      float kg = 1f / 255f / IMAGENET_STD[1];
      float kb = 1f / 255f / IMAGENET_STD[2];
      float or = IMAGENET_MEAN[0] / IMAGENET_STD[0];
      float og = IMAGENET_MEAN[1] / IMAGENET_STD[1];
      float ob = IMAGENET_MEAN[2] / IMAGENET_STD[2];
      for (int i = 0, p = 0; i < plane; i++, p += 3) {
        t.put(i, (px[p + 2] & 0xff) * kr - or);
        t.put(plane + i, (px[p + 1] & 0xff) * kg - og);
        t.put(2 * plane + i, (px[p] & 0xff) * kb - ob);
      }
    } else {
      float k = 2f / 255f;
      for (int p = 0; p < 3 * plane; p += 3) {
        t.put(p, (px[p + 2] & 0xff) * k - 1f);
        t.put(p + 1, (px[p + 1] & 0xff) * k - 1f);
        t.put(p + 2, (px[p] & 0xff) * k - 1f);
      }
    }
    t.rewind();
  }

  /** Maps an x in model input pixels back to the original frame. */
  double x(double modelX) {
    return (modelX - padX) / scaleX;
  }

  double y(double modelY) {
    return (modelY - padY) / scaleY;
  }

  void release() {
    resized.release();
    padded.release();
  }
}
