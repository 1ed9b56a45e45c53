package io.fieldcap.config;

import io.fieldcap.config.SpoolConfig.WhenFull;
import io.fieldcap.keys.SigningKeys;
import io.fieldcap.model.DeviceId;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads a device's YAML file and {@code --set} overrides into a validated {@link FieldcapConfig}. */
public final class ConfigLoader {
  private static final Set<String> SECTIONS =
      new LinkedHashSet<>(List.of("device", "source", "spool", "mqtt", "agent", "model", "quality", "capture", "privacy", "geo", "tags", "update", "tracking", "clips"));

  private ConfigLoader() {}

  /**
   * Loads {@code file} (may be {@code null}: overrides only) and applies {@code sets}.
   *
   * @throws ConfigException listing every problem, each naming the key, value and what is allowed
   */
  public static FieldcapConfig load(Path file, List<String> sets) throws ConfigException {
    ConfigTree tree = file == null ? ConfigTree.empty() : ConfigTree.read(file);
    tree.applySets(sets);
    List<String> errors = new ArrayList<>(Section.unknownSections(tree, SECTIONS));

    Section device = new Section(tree, "device", errors);
    String id = device.checked("id", null, "a device id of 1 to 64 characters from [A-Za-z0-9._-]", DeviceId::problem);
    List<String> groups = device.strings("groups").stream().flatMap(g -> Arrays.stream(g.split(",")))
        .map(String::strip).filter(g -> !g.isEmpty()).distinct().toList();
    for (String g : groups) {
      if (!g.matches("[A-Za-z0-9._-]{1,64}")) {
        device.reject("groups", "group '" + g + "' must be 1 to 64 characters from [A-Za-z0-9._-]");
      }
    }
    device.finish();

    SourceConfig source = SourceSection.source(new Section(tree, "source", errors));
    SpoolConfig spool = spool(new Section(tree, "spool", errors));
    Section m = new Section(tree, "mqtt", errors);
    MqttConfig mqtt = m.present() ? mqtt(m) : null;
    m.finish();
    AgentConfig agent = agent(new Section(tree, "agent", errors));
    Section ms = new Section(tree, "model", errors);
    ModelConfig model = ms.present() ? model(ms) : null;
    ms.finish();
    QualityConfig quality = quality(new Section(tree, "quality", errors));
    CaptureConfig capture = CaptureSection.capture(new Section(tree, "capture", errors));
    PrivacyConfig privacy = privacy(new Section(tree, "privacy", errors), model != null);
    GeoConfig geo = geo(new Section(tree, "geo", errors));
    Map<String, String> tags = new Section(tree, "tags", errors).scalars();
    UpdateConfig update = update(new Section(tree, "update", errors));
    TrackingConfig tracking = tracking(new Section(tree, "tracking", errors), model != null, capture);
    ClipsConfig clips = clips(new Section(tree, "clips", errors));

    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    return new FieldcapConfig(new DeviceId(id), source, spool, mqtt, agent, model, quality, capture, privacy, geo, tags, groups, update,
        tracking, clips);
  }

  private static ClipsConfig clips(Section s) {
    ClipsConfig d = ClipsConfig.defaults();
    Duration pre = s.duration("pre", d.pre(), Duration.ZERO, Duration.ofMinutes(10));
    Duration post = s.duration("post", d.post(), Duration.ZERO, Duration.ofMinutes(10));
    Duration max = s.duration("max", d.max(), Duration.ofSeconds(1), Duration.ofHours(1));
    long maxBytes = s.bytes("max-bytes", d.maxBytes(), 1L << 20);
    double fps = s.decimal("fps", d.fps(), 0.1, 120, "frames a second in a clip");
    if (max.compareTo(pre) <= 0) {
      s.reject("max", "'" + max + "' must be longer than clips.pre (" + pre + ")");
    }
    s.finish();
    return new ClipsConfig(pre, post, max, maxBytes, fps);
  }

  private static TrackingConfig tracking(Section s, boolean model, CaptureConfig capture) {
    TrackingConfig d = TrackingConfig.defaults();
    String byRule = capture.rules().stream().filter(CaptureConfig.Rule::overTracks).map(CaptureConfig.Rule::name)
        .findFirst().orElse(null);
    boolean enabled = s.bool("enabled", byRule != null);
    if (byRule != null && !enabled) {
      s.reject("enabled", "is false, but capture rule '" + byRule + "' follows tracks: leave tracking on");
    }
    double high = s.decimal("high", d.high(), 0, 1, "the score from which a detection is confident");
    double low = s.decimal("low", d.low(), 0, 1, "the least score of a detection that keeps a track alive");
    double matchIou = s.decimal("match-iou", d.matchIou(), 0.01, 1, "the least IoU of a track and a confident detection");
    double weakIou = s.decimal("weak-match-iou", d.weakMatchIou(), 0.01, 1, "the least IoU of a track and a weak detection");
    int minHits = s.integer("min-hits", d.minHits(), 1, 100, "frames in a row before a track is one");
    int maxAge = s.integer("max-age", d.maxAge(), 1, 100_000, "frames a track may go unseen");
    if (low > high) {
      s.reject("low", "'" + low + "' is above tracking.high (" + high + ")");
    }
    if (enabled && !model) {
      s.reject("enabled", (byRule == null ? "" : "on for capture rule '" + byRule + "'; ")
          + "tracking follows the model's detections: give model.path too");
    }
    s.finish();
    return new TrackingConfig(enabled, high, low, matchIou, weakIou, minHits, maxAge);
  }

  private static UpdateConfig update(Section s) {
    Path key = s.readableFile("key");
    String inline = s.optionalString("public-key", "the base64 body of an Ed25519 public key's PEM file");
    if (inline != null && SigningKeys.publicFromBase64(inline) == null) {
      s.reject("public-key", "is not the base64 body of an Ed25519 public key (the line between the PEM file's BEGIN and END)");
    }
    Duration probation = s.duration("probation", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofDays(7));
    double ratio = s.decimal("collapse-ratio", 0.1, 0.0, 1.0, "the fraction of the previous model's detection rate below which a new model is rolled back");
    int frames = s.integer("min-frames", 20, 1, 100_000, "live frames before detection rates are compared");
    Duration max = s.duration("probation-max", Duration.ofDays(7), Duration.ofSeconds(1), Duration.ofDays(365));
    if (max.compareTo(probation) < 0) {
      s.reject("probation-max", "'" + max + "' is shorter than update.probation (" + probation + ")");
    }
    s.finish();
    return new UpdateConfig(key, inline, probation, ratio, frames, max);
  }

  /**
   * Reads a device config file without validating its values (which may name files only its device
   * has): it must be YAML with only known sections. For {@code fieldcap push config --file}.
   */
  public static void parseOnly(Path file) throws ConfigException {
    List<String> errors = Section.unknownSections(ConfigTree.read(file), SECTIONS);
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
  }

  /**
   * Loads only the {@code mqtt} section of a config file (a server's or an agent's: other sections are
   * ignored), for commands that talk to the broker as the operator ({@code fieldcap fleet}).
   */
  public static MqttConfig loadMqtt(Path file, List<String> sets) throws ConfigException {
    ConfigTree tree = file == null ? ConfigTree.empty() : ConfigTree.read(file);
    tree.applySets(sets);
    List<String> errors = new ArrayList<>();
    Section m = new Section(tree, "mqtt", errors);
    MqttConfig mqtt = mqtt(m);
    m.finish();
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    return mqtt;
  }

  /** Loads a server config: sections {@code server} and {@code mqtt}. */
  public static ServerConfig loadServer(Path file, List<String> sets) throws ConfigException {
    return ServerSections.load(file, sets);
  }

  private static SpoolConfig spool(Section s) {
    String dir = s.string("dir", "/var/lib/fieldcap/spool", "a folder path");
    long maxBytes = s.bytes("max-bytes", Sizes.parse("2GiB"), Sizes.parse("1MiB"));
    long minFree = s.bytes("min-free-bytes", Sizes.parse("64MiB"), 0);
    WhenFull whenFull = s.choice("when-full", WhenFull.EVICT_OLDEST, WhenFull.class);
    int quality = s.integer("jpeg-quality", 90, 1, 100, "the JPEG quality of stored frames");
    JpegEncoderKind encoder = s.choice("jpeg-encoder", JpegEncoderKind.AUTO, JpegEncoderKind.class);
    int queue = s.integer("queue-frames", 8, 1, 1000, "how many frames may wait for the spool writer");
    boolean keepAcked = s.bool("keep-acked", false);
    Duration keepFailed = s.duration("keep-failed", Duration.ofDays(7), Duration.ofMinutes(1), Duration.ofDays(3650));
    s.finish();
    return new SpoolConfig(dir == null ? null : Path.of(dir), maxBytes, minFree, whenFull, quality, encoder, queue, keepAcked,
        keepFailed);
  }

  private static GeoConfig geo(Section s) {
    String gpsd = s.checked("gpsd", "", "HOST:PORT or HOST, e.g. 127.0.0.1:2947", v -> v.isEmpty() || v.matches("[A-Za-z0-9.:\\[\\]-]+(:\\d{1,5})?")
        ? null : "'" + v + "' is not HOST:PORT, e.g. 127.0.0.1:2947");
    Duration maxAge = s.duration("max-age", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofHours(1));
    int mavlink = s.integer("mavlink-port", 0, 0, 65535, "a UDP port to receive MAVLink on (0: none)");
    boolean override = s.bool("override", false);
    if (mavlink > 0 && gpsd != null && !gpsd.isEmpty()) {
      s.reject("mavlink-port", "and geo.gpsd are both set; choose one source of positions");
    }
    s.finish();
    if (gpsd == null || gpsd.isEmpty()) {
      return new GeoConfig(null, 2947, maxAge, mavlink, override);
    }
    int colon = gpsd.lastIndexOf(':');
    if (colon > 0 && gpsd.substring(colon + 1).matches("\\d{1,5}")) {
      return new GeoConfig(gpsd.substring(0, colon), Integer.parseInt(gpsd.substring(colon + 1)), maxAge, 0, override);
    }
    return new GeoConfig(gpsd, 2947, maxAge, 0, override);
  }

  private static PrivacyConfig privacy(Section s, boolean hasModel) {
    PrivacyConfig.Mode faces = s.choice("faces", PrivacyConfig.Mode.OFF, PrivacyConfig.Mode.class);
    Path model = PrivacyConfig.DEFAULT_FACE_MODEL;
    if (s.has("face-model")) {
      model = s.readableFile("face-model");
    } else if (faces != PrivacyConfig.Mode.OFF && !Files.isRegularFile(model)) {
      s.reject("faces", "needs the BlazeFace model, not found at " + model.toAbsolutePath()
          + " (run scripts/fetch-models.sh, or set privacy.face-model)");
    }
    double score = s.decimalFrom("face-score", 0.5, 0, 1, "a score");
    boolean label = s.bool("label-faces", false);
    Set<String> classes = new LinkedHashSet<>(s.strings("classes"));
    if (!classes.isEmpty() && !hasModel) {
      s.reject("classes", "needs a model (model.path) to find " + classes + " in each frame; without pre-labels those"
          + " classes could not be redacted, and fieldcap never stores a frame it could not redact");
    }
    List<List<double[]>> masks = new ArrayList<>();
    for (String m : s.strings("masks")) {
      List<double[]> poly = new ArrayList<>();
      String problem = null;
      for (String pt : m.trim().split("\\s+")) {
        String[] xy = pt.split(",");
        try {
          double x = Double.parseDouble(xy[0]);
          double y = Double.parseDouble(xy[1]);
          if (xy.length != 2 || x < 0 || x > 1 || y < 0 || y > 1) {
            problem = "'" + pt + "' is not a point x,y with both from 0 to 1";
          }
          poly.add(new double[] {x, y});
        } catch (RuntimeException e) {
          problem = "'" + pt + "' is not a point x,y with both from 0 to 1";
        }
      }
      if (problem == null && poly.size() < 3) {
        problem = "'" + m + "' has fewer than 3 points";
      }
      if (problem != null) {
        s.reject("masks", problem + "; a mask is a polygon such as \"0.6,0 1,0 1,0.4 0.6,0.4\" (fractions of width and height)");
      } else {
        masks.add(poly);
      }
    }
    s.finish();
    return new PrivacyConfig(faces, model, score, label, classes, masks);
  }

  private static QualityConfig quality(Section s) {
    QualityConfig d = QualityConfig.defaults();
    double blur = s.decimalFrom("blur-min", d.blurMin(), 0, 100, "the least sharpness (0 turns the blur filter off)");
    double dark = s.decimalFrom("dark-below", d.darkBelow(), 0, 255, "a mean grey level (0 turns it off)");
    double bright = s.decimalFrom("bright-above", d.brightAbove(), 0, 255, "a mean grey level (255 turns it off)");
    boolean dups = s.bool("duplicates", d.duplicates());
    int distance = s.integer("duplicate-distance", d.duplicateDistance(), 0, 128, "bits of a 256-bit hash");
    Duration window = s.duration("duplicate-window", d.duplicateWindow(), Duration.ofSeconds(1), Duration.ofDays(1));
    if (dark > 0 && bright < 255 && dark >= bright) {
      s.reject("dark-below", "'" + dark + "' must be below quality.bright-above (" + bright + ")");
    }
    s.finish();
    return new QualityConfig(blur, dark, bright, dups, distance, window);
  }

  private static MqttConfig mqtt(Section s) {
    return mqtt(s, null);
  }

  /** With {@code defaultBroker} (the first of server.brokers), {@code broker} may be left out. */
  static MqttConfig mqtt(Section s, String defaultBroker) {
    String broker = s.checked("broker", defaultBroker, "tcp://host:1883 or ssl://host:8883", ConfigLoader::checkBroker);
    String user = s.optionalString("username", "a user name");
    Path passwordFile = s.readableFile("password-file");
    Path ca = s.readableFile("ca-file");
    Path cert = s.readableFile("cert-file");
    Path key = s.readableFile("key-file");
    Path serverKey = s.readableFile("server-key");
    String root = s.checked("topic-root", "fieldcap/v1", "topic levels without wildcards, e.g. fieldcap/v1",
        v -> v.matches("[^#+$/][^#+]*[^#+/]|[^#+$/]") ? null
            : "'" + v + "' is not allowed; expected topic levels without wildcards, not starting with '$' or '/', e.g. fieldcap/v1");
    String clientId = s.optionalString("client-id", "1 to 64 characters from [A-Za-z0-9._-]");
    if (clientId != null && !clientId.matches("[A-Za-z0-9._-]{1,64}")) {
      s.reject("client-id", "'" + clientId + "' is not allowed; expected 1 to 64 characters from [A-Za-z0-9._-]");
    }
    long chunk = s.bytes("chunk-bytes", 128 * 1024, 16 * 1024);
    if (chunk > 8L * 1024 * 1024) {
      s.reject("chunk-bytes", "'" + Sizes.format(chunk) + "' is too large; expected at most 8 MiB (the server's default"
          + " server.max-chunk-bytes)");
    }
    int window = s.integer("window", 16, 1, 1000, "the most frames in flight");
    Duration ackTimeout = s.duration("ack-timeout", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(1));
    Duration status = s.duration("status-interval", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(1));
    MqttConfig.Drain drain = s.choice("drain", MqttConfig.Drain.FAIR, MqttConfig.Drain.class);
    long maxRate = s.bytes("max-bytes-per-second", 0, 0);
    if (maxRate > 0 && maxRate < chunk) {
      s.reject("max-bytes-per-second", "'" + Sizes.format(maxRate) + "' is below mqtt.chunk-bytes ("
          + Sizes.format(chunk) + "); expected 0 (no cap) or at least one chunk per second");
    }
    if ((cert == null) != (key == null)) {
      s.reject(cert == null ? "cert-file" : "key-file", "cert-file and key-file must be given together");
    }
    return broker == null ? null : new MqttConfig(URI.create(broker), user, passwordFile, ca, cert, key, root,
        clientId, (int) Math.min(chunk, Integer.MAX_VALUE), window, ackTimeout, status, drain, maxRate, serverKey);
  }

  static String checkBroker(String v) {
    try {
      URI u = new URI(v);
      String scheme = u.getScheme() == null ? "" : u.getScheme();
      if (!scheme.equals("tcp") && !scheme.equals("ssl")) {
        return "'" + v + "' is not allowed; expected tcp://host:1883 or ssl://host:8883";
      }
      if (u.getHost() == null) {
        return "'" + v + "' has no host; expected tcp://host:1883 or ssl://host:8883";
      }
      return null;
    } catch (URISyntaxException e) {
      return "'" + v + "' is not a valid URI: " + e.getReason();
    }
  }

  private static final List<String> FORMATS = List.of("auto", "yolov8", "yolo-seg", "yolov5", "yolo-e2e", "classify", "blazeface",
      "semantic", "binary");

  private static ModelConfig model(Section s) {
    String path = s.string("path", null, "the ONNX model file");
    Path file = null;
    if (path != null) {
      file = Path.of(path);
      if (!Files.isRegularFile(file)) {
        s.reject("path", "model file '" + path + "' does not exist");
      }
    }
    Path labels = s.readableFile("labels");
    String format = s.checked("format", "auto", "one of " + FORMATS,
        v -> FORMATS.contains(v) ? null : "'" + v + "' is not allowed; expected one of " + FORMATS);
    double conf = s.decimal("confidence", 0.25, 0.0, 1.0, "the lowest score kept");
    double iou = s.decimal("iou", 0.45, 0.0, 1.0, "the NMS overlap threshold");
    String provider = s.checked("provider", "cpu", "cpu or cuda",
        v -> v.equals("cpu") || v.equals("cuda") ? null : "'" + v + "' is not allowed; expected cpu or cuda");
    int threads = s.integer("threads", Math.max(1, Runtime.getRuntime().availableProcessors() - 1), 1, 256,
        "ONNX Runtime intra-op threads");
    boolean required = s.bool("required", true);
    Duration maxLatency = s.duration("max-latency", Duration.ofSeconds(2), Duration.ofMillis(1), Duration.ofMinutes(10));
    String resize = s.checkedOptional("resize", "letterbox or stretch",
        v -> v.equals("letterbox") || v.equals("stretch") ? null : "'" + v + "' is not allowed; expected letterbox or stretch");
    String normalize = s.checkedOptional("normalize", "unit or imagenet",
        v -> v.equals("unit") || v.equals("imagenet") ? null : "'" + v + "' is not allowed; expected unit or imagenet");
    int minArea = s.integer("min-area", 0, 0, Integer.MAX_VALUE, "segmented regions smaller than this many pixels are dropped");
    List<String> classes = s.strings("classes");
    if (!classes.isEmpty() && labels != null) {
      s.reject("classes", "and model.labels both name the classes; give one of them");
    }
    if (format.equals("binary") && classes.size() > 1) {
      s.reject("classes", "names " + classes.size() + " classes; a binary segmentation model (model.format: binary) has one");
    }
    double threshold = s.decimalFrom("threshold", 0.5, 0.0, 1.0, "binary segmentation: the probability at or above which a pixel "
        + "belongs to the class");
    double unclip = s.decimalFrom("unclip", 0, 0, 10, "binary segmentation: grow each region by area × unclip / perimeter "
        + "pixels (DBNet text detectors: 1.5)");
    String size = s.checkedOptional("input-size", "WIDTHxHEIGHT, such as 640x480",
        v -> InputSize.parse(v) != null ? null : "'" + v + "' is not allowed; expected WIDTHxHEIGHT with 8 to 8192 pixels a side, "
            + "such as 640x480");
    int[] wh = size == null ? new int[] {0, 0} : InputSize.parse(size);
    return new ModelConfig(file, labels, format, conf, iou, provider, threads, required, maxLatency, resize, normalize,
        minArea, classes, threshold, unclip, wh[0], wh[1]);
  }

  private static AgentConfig agent(Section s) {
    Duration summary = s.duration("summary-interval", Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofDays(1));
    Duration stop = s.duration("stop-timeout", Duration.ofSeconds(4), Duration.ofMillis(100), Duration.ofMinutes(5));
    String metrics = s.optionalString("metrics-listen", "HOST:PORT, e.g. 127.0.0.1:9464");
    if (metrics != null && !(metrics.matches(".+:\\d{1,5}") && Integer.parseInt(metrics.substring(metrics.lastIndexOf(':') + 1)) <= 65535)) {
      s.reject("metrics-listen", "'" + metrics + "' is not HOST:PORT (e.g. 127.0.0.1:9464)");
      metrics = null;
    }
    int nice = s.integer("nice", AgentConfig.NICE, 0, 19, "the nice value of the agent's work beside inference");
    s.finish();
    return new AgentConfig(summary, stop, metrics, nice);
  }
}
