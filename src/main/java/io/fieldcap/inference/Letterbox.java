package io.fieldcap.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfInt;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Resizes a frame into the model's square-or-not input keeping its aspect ratio, padding the rest
 * with a constant (114 for Ultralytics, as its predictor does) and centring the image, then writes
 * the pixels into a reusable float tensor. Every step runs in OpenCV on native buffers: the frame is
 * copied in once, and the last step (channel order, layout and value range) writes straight into the
 * direct buffer ONNX Runtime reads, through matrices laid over its planes, so a frame costs no Java
 * loop over its pixels and no heap array of the tensor's size.
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

  private static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
  private static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};

  private final int inW;
  private final int inH;
  private final Layout layout;
  private final double padValue;
  private final boolean stretch;
  /** From BGR's channels 2, 1, 0 to the planes R, G, B. */
  private final MatOfInt bgrToRgbPlanes = new MatOfInt(2, 0, 1, 1, 0, 2);
  private final Mat frame = new Mat();
  private final Mat resized = new Mat();
  private final Mat padded = new Mat();
  /** NCHW: the three 8-bit planes, R, G, B; NHWC: the padded image in RGB. */
  private final Mat bytes;
  private final List<Mat> bytePlanes;
  /** The tensor's planes (NCHW) or the whole tensor as one 3-channel matrix (NHWC), over {@link #tensor}'s memory. */
  private final List<Mat> floatPlanes;
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
    ByteBuffer memory = ByteBuffer.allocateDirect(inW * inH * 3 * 4).order(ByteOrder.nativeOrder());
    this.tensor = memory.asFloatBuffer();
    if (layout == Layout.NHWC_RGB_SIGNED) {
      bytes = new Mat(inH, inW, CvType.CV_8UC3);
      bytePlanes = List.of(bytes);
      floatPlanes = List.of(new Mat(inH, inW, CvType.CV_32FC3, memory));
    } else {
      bytes = new Mat(3 * inH, inW, CvType.CV_8UC1);
      Mat all = new Mat(3 * inH, inW, CvType.CV_32FC1, memory);
      bytePlanes = List.of(plane(bytes, 0), plane(bytes, 1), plane(bytes, 2));
      floatPlanes = List.of(plane(all, 0), plane(all, 1), plane(all, 2));
    }
  }

  private Mat plane(Mat stacked, int i) {
    return stacked.submat(i * inH, (i + 1) * inH, 0, inW);
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
    frame.create(height, width, CvType.CV_8UC3);
    frame.put(0, 0, bgr);
    Imgproc.resize(frame, resized, new Size(w, h), 0, 0, Imgproc.INTER_LINEAR);
    Core.copyMakeBorder(resized, padded, top, inH - h - top, left, inW - w - left, Core.BORDER_CONSTANT,
        new Scalar(padValue, padValue, padValue));
    padX = left;
    padY = top;
    fill();
  }

  /** Converts the padded BGR image into the tensor's layout and range, writing the direct buffer. */
  private void fill() {
    if (layout == Layout.NHWC_RGB_SIGNED) {
      Imgproc.cvtColor(padded, bytes, Imgproc.COLOR_BGR2RGB);
      bytes.convertTo(floatPlanes.get(0), CvType.CV_32FC3, 2.0 / 255.0, -1.0);
    } else {
      Core.mixChannels(List.of(padded), bytePlanes, bgrToRgbPlanes);
      for (int c = 0; c < 3; c++) {
        if (layout == Layout.NCHW_RGB_IMAGENET) {
          double k = 1.0 / 255.0 / IMAGENET_STD[c];
          bytePlanes.get(c).convertTo(floatPlanes.get(c), CvType.CV_32F, k, -IMAGENET_MEAN[c] / IMAGENET_STD[c]);
        } else {
          bytePlanes.get(c).convertTo(floatPlanes.get(c), CvType.CV_32F, 1.0 / 255.0);
        }
      }
    }
    tensor.rewind();
  }

  /** Maps an x in model input pixels back to the original frame. */
  double x(double modelX) {
    return (modelX - padX) / scaleX;
  }

  double y(double modelY) {
    return (modelY - padY) / scaleY;
  }

  void release() {
    bgrToRgbPlanes.release();
    frame.release();
    resized.release();
    padded.release();
    bytes.release();
    floatPlanes.forEach(Mat::release);
  }
}
