package io.fieldcap.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import io.fieldcap.config.ModelConfig;
import io.fieldcap.image.OpenCv;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import io.fieldcap.model.Sha256;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A model run by ONNX Runtime: the family is detected from its input/output shapes (or given), the
 * class names come from its metadata or a labels file, frames are letterboxed as the trainer did,
 * and outputs are decoded and mapped back to the frame. The input tensor is a reused direct buffer.
 */
public final class OnnxDetector implements Detector {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final ModelInfo info;
  /** The first 12 hex digits of the model file's SHA-256: which weights made a label. */
  private final String sha256;
  private final String version;
  private final String inputName;
  private final long[] inputShape;
  private final BlockingQueue<Letterbox> buffers = new ArrayBlockingQueue<>(2);
  private Letterbox letterbox; // the buffer of the frame being decoded (owned by the inferring thread)
  private volatile Letterbox lastPrepared;
  private final float confidence;
  private final float iou;

  /**
   * How to open a model. {@code family} null means detect it; {@code labels} null and {@code classes}
   * empty mean names from its metadata; {@code resize} ({@code letterbox} or {@code stretch}) and
   * {@code normalize} ({@code unit} or {@code imagenet}) null mean the family's default (semantic and
   * binary: stretch and imagenet, as torchvision's, Hugging Face's and PaddleOCR's segmentation models
   * are trained; the others: letterbox and unit, as Ultralytics'); {@code minArea}: segmented regions
   * of fewer pixels are dropped (0 keeps all); {@code threshold}: binary maps, the probability at or
   * above which a pixel is the class, and {@code unclip}, how far to grow each region (see {@link
   * Unclip}; 0: not); {@code inputWidth} and {@code inputHeight} (0: the model's own)
   * size a model whose input is dynamic.
   */
  public record Options(Path path, Path labels, List<String> classes, ModelFamily family, float confidence, float iou,
      String provider, int threads, String resize, String normalize, int minArea, float threshold, float unclip, int inputWidth,
      int inputHeight) {
    public Options {
      classes = classes == null ? List.of() : List.copyOf(classes);
    }

    public Options(Path path, Path labels, ModelFamily family, float confidence, float iou, String provider, int threads) {
      this(path, labels, List.of(), family, confidence, iou, provider, threads, null, null, 0, 0.5f, 0, 0, 0);
    }

    /** The options for {@code file} (the configured model or a staged one) in the {@code model} section's settings. */
    public static Options of(ModelConfig m, Path file, Path labels, ModelFamily family) {
      return new Options(file, labels, m.classes(), family, (float) m.confidence(), (float) m.iou(), m.provider(),
          m.threads(), m.resize(), m.normalize(), m.minArea(), (float) m.threshold(), (float) m.unclip(), m.inputWidth(), m.inputHeight());
    }
  }

  private final Semantic semantic;
  private final float threshold;
  private final float unclip;

  private OnnxDetector(OrtEnvironment env, OrtSession session, ModelInfo info, Options o) {
    this.env = env;
    this.session = session;
    this.info = info;
    this.sha256 = fileSha256(o.path());
    this.version = sha256 == null ? null : sha256.substring(0, 12);
    this.inputName = info.inputs().get(0).name();
    this.confidence = o.confidence();
    this.iou = o.iou();
    boolean nhwc = info.family() == ModelFamily.BLAZEFACE;
    this.inputShape = nhwc ? new long[] {1, info.inputHeight(), info.inputWidth(), 3}
        : new long[] {1, 3, info.inputHeight(), info.inputWidth()};
    boolean seg = info.family() == ModelFamily.SEMANTIC || info.family() == ModelFamily.BINARY;
    boolean stretch = o.resize() == null ? seg : o.resize().equals("stretch");
    Letterbox.Layout layout = (o.normalize() == null ? seg : o.normalize().equals("imagenet"))
        ? Letterbox.Layout.NCHW_RGB_IMAGENET : Letterbox.Layout.NCHW_RGB_UNIT;
    for (int i = 0; i < 2; i++) {
      buffers.add(nhwc
          ? new Letterbox(info.inputWidth(), info.inputHeight(), Letterbox.Layout.NHWC_RGB_SIGNED, 0)
          : new Letterbox(info.inputWidth(), info.inputHeight(), layout, seg ? 0 : 114, stretch));
    }
    this.semantic = seg ? new Semantic(o.minArea()) : null;
    this.threshold = o.threshold();
    this.unclip = o.unclip();
  }

  /** For semantic and binary models: the mean margin between the two likeliest classes over the last frame (0..1). */
  public double meanMargin() {
    return semantic == null ? Double.NaN : semantic.meanMargin();
  }

  public static OnnxDetector open(Options o) throws ModelException {
    OpenCv.load();
    if (!Files.isRegularFile(o.path())) {
      throw new ModelException("model file " + o.path() + " not found");
    }
    OnnxNatives.prepare();
    OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
    OrtSession session;
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      so.setIntraOpNumThreads(Math.max(1, o.threads()));
      so.setInterOpNumThreads(1);
      // Idle intra-op threads sleep instead of spinning: in the agent they share the cores with
      // decoding, encoding and the spool writer, which spinning threads would starve.
      so.addConfigEntry("session.intra_op.allow_spinning", System.getProperty("fieldcap.ort.spinning", "0"));
      // ONNX Runtime's memory switches (no arena, no memory pattern, no prepacking, initializers outside
      // the arena, lower graph optimisation) were each measured against these defaults and none lowered
      // the agent's peak memory (docs/benchmarks.md, "Agent memory").
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      provider(so, o.provider());
      session = createNamed(env, o.path().toString(), so);
    } catch (OrtException e) {
      throw new ModelException("model file " + o.path() + " is not a usable ONNX model: " + e.getMessage(), e);
    }
    try {
      ModelInfo info = ModelInspector.inspect(o.path(), session, o.family(), o.labels(), o.classes(), o.inputWidth(),
          o.inputHeight());
      OnnxDetector d = new OnnxDetector(env, session, info, o);
      d.warmUp();
      NativeHeap.trim(); // what loading the graph freed, back to the system
      return d;
    } catch (ModelException | RuntimeException e) {
      closeQuietly(session);
      throw e;
    }
  }

  /** The name ONNX Runtime's intra-op threads carry (in {@code top -H}, {@code /proc/PID/task/*&#47;comm} and the benchmarks). */
  public static final String THREAD_NAME = "onnxruntime";

  /**
   * Creates the session on a thread named {@value #THREAD_NAME}: the intra-op pool threads it starts
   * inherit the creating thread's name, so their CPU shows as ONNX Runtime's, not as "java".
   */
  private static OrtSession createNamed(OrtEnvironment env, String path, OrtSession.SessionOptions so)
      throws OrtException, ModelException {
    java.util.concurrent.FutureTask<OrtSession> task = new java.util.concurrent.FutureTask<>(() -> env.createSession(path, so));
    Thread t = new Thread(task, THREAD_NAME);
    t.start();
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException("interrupted while loading model " + path, e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof OrtException oe) {
        throw oe;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new ModelException("cannot load model " + path + ": " + e.getCause(), e.getCause());
    }
  }

  private static void provider(OrtSession.SessionOptions so, String provider) throws ModelException, OrtException {
    switch (provider == null ? "cpu" : provider) {
      case "cpu" -> { }
      case "cuda" -> {
        try {
          so.addCUDA(0);
        } catch (OrtException | UnsatisfiedLinkError e) {
          throw new ModelException("model.provider 'cuda' is not available in this ONNX Runtime build ("
              + e.getMessage() + "); use the onnxruntime_gpu build on a CUDA device, or model.provider: cpu");
        }
      }
      default -> throw new ModelException("model.provider '" + provider + "' is not supported; expected cpu or cuda");
    }
  }

  private static void closeQuietly(OrtSession s) {
    try {
      s.close();
    } catch (OrtException e) {
      // already failing
    }
  }

  private void warmUp() throws ModelException {
    try {
      detect(info.inputWidth(), info.inputHeight(), new byte[info.inputWidth() * info.inputHeight() * 3]);
    } catch (ModelException e) {
      if (info.dynamicInput()) { // a dynamic input at a size it does not take (DBNet: multiples of 32)
        throw new ModelException("model " + info.file() + " does not run at input size " + info.inputWidth() + "x"
            + info.inputHeight() + "; set model.input-size (or --input-size) to a size it takes (feature pyramids such as "
            + "DBNet's take multiples of 32): " + e.getMessage(), e);
      }
      throw e;
    }
  }

  @Override
  public ModelInfo info() {
    return info;
  }

  /** A frame in one of the two input buffers. */
  private record Slot(Letterbox letterbox, int width, int height) implements Prepared {}

  @Override
  public Prepared prepare(int width, int height, byte[] bgr) throws InterruptedException {
    Letterbox lb = buffers.take();
    try {
      lb.apply(width, height, bgr);
    } catch (RuntimeException e) {
      buffers.add(lb);
      throw e;
    }
    return new Slot(lb, width, height);
  }

  @Override
  public LabelSet infer(Prepared prepared) throws ModelException {
    Slot f = (Slot) prepared;
    letterbox = f.letterbox();
    lastPrepared = letterbox;
    try {
      return decode(f.width(), f.height());
    } finally {
      buffers.add(f.letterbox());
    }
  }

  private LabelSet decode(int width, int height) throws ModelException {
    letterbox.tensor.rewind();
    try (OnnxTensor input = OnnxTensor.createTensor(env, letterbox.tensor, inputShape);
        OrtSession.Result result = session.run(Map.of(inputName, input))) {
      long ran = System.nanoTime();
      try {
        return decode(result, width, height);
      } finally {
        decodeNanos += System.nanoTime() - ran;
        decodes++;
      }
    } catch (OrtException e) {
      throw new ModelException("inference with " + info.file() + " failed: " + e.getMessage(), e);
    }
  }

  private long decodeNanos;
  private long decodes;

  /** Mean milliseconds spent turning the outputs into labels (after ONNX Runtime's run), for benchmarks. */
  public double decodeMillisPerFrame() {
    return decodes == 0 ? 0 : decodeNanos / 1e6 / decodes;
  }

  private LabelSet decode(OrtSession.Result result, int width, int height) throws OrtException, ModelException {
    List<Candidate> cands;
    List<Detection> out = new ArrayList<>();
    switch (info.family()) {
      case YOLOV8 -> {
        long[] s = info.outputs().get(0).shape();
        float[] o = first(result);
        cands = Decoders.nms(Decoders.yoloV8(o, (int) s[1] - 4, o.length / (int) s[1], confidence), iou);
      }
      case YOLO_SEG -> {
        return new LabelSet(modelName(), segment(result, width, height), version);
      }
      case YOLOV5 -> {
        long[] s = info.outputs().get(0).shape();
        float[] o = first(result);
        cands = Decoders.nms(Decoders.yoloV5(o, (int) s[2] - 5, o.length / (int) s[2], confidence), iou);
      }
      case YOLO_E2E -> {
        float[] o = first(result);
        cands = Decoders.endToEnd(o, o.length / 6, confidence);
      }
      case CLASSIFY -> {
        float[] p = Decoders.probabilities(first(result));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
          order.add(i);
        }
        order.sort((a, b) -> Float.compare(p[b], p[a]));
        for (int k = 0; k < Math.min(5, order.size()); k++) {
          int c = order.get(k);
          if (k == 0 || p[c] >= confidence) {
            out.add(new Detection(name(c), clamp01(p[c]), null));
          }
        }
        return new LabelSet(modelName(), out, version);
      }
      case SEMANTIC -> {
        OnnxTensor t = (OnnxTensor) result.get(0);
        long[] shape = t.getInfo().getShape(); // the run's own: exports with dynamic sizes say -1 in the model
        if (shape.length != 4 || shape[1] < 2) {
          throw new ModelException("model " + info.file() + " gave an output of shape " + Arrays.toString(shape)
              + "; a semantic segmentation model gives [1, classes, height, width]");
        }
        List<Detection> masks = semantic.decode(floats(info.outputs().get(0).name(), t), (int) shape[1],
            (int) shape[2], (int) shape[3], info.inputWidth(), info.inputHeight(), letterbox, width, height, info.names());
        return new LabelSet(modelName(), masks, version, Math.round(semantic.meanMargin() * 1000) / 1000.0);
      }
      case BINARY -> {
        OnnxTensor t = (OnnxTensor) result.get(0);
        long[] shape = t.getInfo().getShape();
        if (shape.length != 4 || shape[1] != 1) {
          throw new ModelException("model " + info.file() + " gave an output of shape " + Arrays.toString(shape)
              + "; a binary segmentation model gives [1, 1, height, width]");
        }
        List<Detection> masks = semantic.decodeBinary(floats(info.outputs().get(0).name(), t), (int) shape[2],
            (int) shape[3], info.inputWidth(), info.inputHeight(), letterbox, width, height, threshold, unclip,
            info.names().get(0));
        return new LabelSet(modelName(), masks, version, Math.round(semantic.meanMargin() * 1000) / 1000.0);
      }
      case BLAZEFACE -> {
        cands = Decoders.nms(BlazeFace.decode(output(result, 512, 1), output(result, 512, 16), output(result, 384, 1),
            output(result, 384, 16), info.inputWidth(), confidence), iou);
      }
      default -> throw new IllegalStateException();
    }
    for (Candidate c : cands) {
      Detection d = toDetection(c, width, height, null);
      if (d != null) {
        out.add(d);
      }
    }
    return new LabelSet(modelName(), out, version);
  }

  /**
   * Runs the session on the tensor of the last frame inferred, without decoding,
   * for {@code nanos}; returns how many runs finished. For benchmarks: raw ONNX Runtime throughput.
   */
  public long runPrepared(long nanos) throws ModelException {
    long runs = 0;
    long end = System.nanoTime() + nanos;
    try {
      FloatBuffer tensor = lastPrepared.tensor;
      while (System.nanoTime() < end) {
        tensor.rewind();
        try (OnnxTensor input = OnnxTensor.createTensor(env, tensor, inputShape);
            OrtSession.Result r = session.run(Map.of(inputName, input))) {
          runs++;
        }
      }
    } catch (OrtException e) {
      throw new ModelException("inference with " + info.file() + " failed: " + e.getMessage(), e);
    }
    return runs;
  }

  /** Boxes as YOLOv8, then each kept instance's outline from its mask. */
  private List<Detection> segment(OrtSession.Result result, int width, int height) throws OrtException {
    ModelInfo.Tensor detTensor = ModelInspector.rank(info.outputs(), 3);
    ModelInfo.Tensor protoTensor = ModelInspector.rank(info.outputs(), 4);
    long[] det = detTensor.shape();
    long[] proto = protoTensor.shape();
    float[] o = floats(detTensor.name(), result.get(detTensor.name()).orElseThrow());
    float[] p = floats(protoTensor.name(), result.get(protoTensor.name()).orElseThrow());
    int nm = (int) proto[1];
    int nc = (int) det[1] - 4 - nm;
    int n = o.length / (int) det[1];
    List<Detection> out = new ArrayList<>();
    for (Candidate c : Decoders.nms(Decoders.yoloV8(o, nc, n, confidence), iou)) {
      float[] coeffs = new float[nm];
      for (int k = 0; k < nm; k++) {
        coeffs[k] = o[(4 + nc + k) * n + c.index()];
      }
      List<Double> polygon = new ArrayList<>();
      for (double[] pt : Masks.outline(p, coeffs, (int) proto[2], (int) proto[3], c, (double) info.inputWidth() / proto[3])) {
        polygon.add(round(clamp(letterbox.x(pt[0]), width)));
        polygon.add(round(clamp(letterbox.y(pt[1]), height)));
      }
      Detection d = toDetection(c, width, height, polygon.size() >= 6 ? polygon : null);
      if (d != null) {
        out.add(d);
      }
    }
    return out;
  }

  private Detection toDetection(Candidate c, int width, int height, List<Double> polygon) {
    double x1 = clamp(letterbox.x(c.x1()), width);
    double y1 = clamp(letterbox.y(c.y1()), height);
    double x2 = clamp(letterbox.x(c.x2()), width);
    double y2 = clamp(letterbox.y(c.y2()), height);
    if (x2 <= x1 || y2 <= y1) {
      return null;
    }
    return new Detection(name(c.cls()), clamp01(c.score()), new Box(round(x1), round(y1), round(x2 - x1), round(y2 - y1)),
        polygon);
  }

  private float[] output(OrtSession.Result r, int rows, int cols) throws OrtException, ModelException {
    for (Map.Entry<String, OnnxValue> e : r) {
      if (e.getValue() instanceof OnnxTensor t) {
        long[] s = t.getInfo().getShape();
        if (s.length == 3 && s[1] == rows && s[2] == cols) {
          return floats(e.getKey(), t);
        }
      }
    }
    throw new ModelException("model " + info.file() + " has no output of shape [1, " + rows + ", " + cols + "]");
  }

  private final Map<String, float[]> scratch = new HashMap<>();

  /**
   * The tensor's values in a reused array: read through a view of ORT's own memory ({@code
   * getByteBuffer} does not copy, {@code getFloatBuffer} would) in one bulk copy, so steady state
   * allocates no per-frame output arrays. The array is valid until the next call for the same output.
   */
  private float[] floats(String output, OnnxValue v) {
    FloatBuffer b = ((OnnxTensor) v).getByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
    float[] a = scratch.get(output);
    if (a == null || a.length != b.remaining()) {
      a = new float[b.remaining()];
      scratch.put(output, a);
    }
    b.get(a);
    return a;
  }

  private float[] first(OrtSession.Result r) {
    return floats(info.outputs().get(0).name(), r.get(0));
  }

  private String name(int cls) {
    return cls >= 0 && cls < info.names().size() ? info.names().get(cls) : "class" + cls;
  }

  private static String fileSha256(Path p) {
    try {
      return Sha256.file(p);
    } catch (IOException e) {
      return null; // the session is open already: the labels are good, only their version is unknown
    }
  }

  /** Which weights: the first 12 hex digits of the model file's SHA-256 (null if it could not be read). */
  public String version() {
    return version;
  }

  /** The model file's whole SHA-256 (null if it could not be read). */
  public String sha256() {
    return sha256;
  }

  private String modelName() {
    return Path.of(info.file()).getFileName().toString();
  }

  private static double clamp(double v, int max) {
    return Math.max(0, Math.min(max, v));
  }

  private static double clamp01(float v) {
    return Math.max(0, Math.min(1, v));
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  @Override
  public void close() {
    buffers.forEach(Letterbox::release);
    closeQuietly(session);
  }
}
