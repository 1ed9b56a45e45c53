package io.fieldcap.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.dataset.ExportOptions;
import io.fieldcap.dataset.Selection;
import io.fieldcap.dataset.format.DatasetFormat;
import io.fieldcap.dataset.format.Exporter;
import io.fieldcap.json.Json;
import io.fieldcap.store.Browse;
import io.fieldcap.store.Frames;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.StoredFrame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sending a selection to a labeling tool: exported in Label Studio's or CVAT's format into {@code
 * DATA/labeling/BATCH/}, served to whoever holds the batch's links. A link's capability is the batch
 * name and an HMAC of it with a key kept in the data folder, so links cannot be guessed.
 */
final class Labeling {
  static final Pattern FILE = Pattern.compile("/labeling/(batch-[0-9]{8}-[0-9]{6}-[0-9a-f]{4})\\.([0-9a-f]{32})/"
      + "(tasks\\.json|labeling-config\\.xml|annotations\\.xml|images/[A-Za-z0-9._-]{1,200}\\.(?:jpg|png))");

  /** Batches kept in {@code DATA/labeling} at most; past it, sending another is refused until some are deleted. */
  static final int MAX_BATCHES = 100;

  private final LocalFrameStore store;
  private final byte[] secret;

  Labeling(LocalFrameStore store) throws IOException {
    this.store = store;
    this.secret = secret(store.dir().resolve("web-secret"));
  }

  /** Serves one file of a batch to a labeling tool: the link itself is the key (see docs/api.md). */
  void serve(Exchange x) throws IOException {
    Matcher lab = x.match();
    if (!MessageDigest.isEqual(capability(lab.group(1)).getBytes(StandardCharsets.UTF_8),
        (lab.group(1) + "." + lab.group(2)).getBytes(StandardCharsets.UTF_8))) {
      throw new HttpError(404, "no such labeling batch");
    }
    Path file = store.dir().resolve("labeling").resolve(lab.group(1)).resolve(lab.group(3));
    if (!Files.isRegularFile(file)) {
      throw new HttpError(404, "no such file in the batch");
    }
    String name = lab.group(3);
    x.send(200, name.endsWith(".json") ? "application/json" : name.endsWith(".xml") ? "application/xml"
        : name.endsWith(".png") ? "image/png" : "image/jpeg", Files.readAllBytes(file));
  }

  /** The key of the labeling links: random, made once, kept in the data folder with mode 600. */
  static byte[] secret(Path file) throws IOException {
    if (!Files.exists(file)) {
      byte[] b = new byte[32];
      new SecureRandom().nextBytes(b);
      Path tmp = file.resolveSibling(file.getFileName() + ".part");
      Files.writeString(tmp, HexFormat.of().formatHex(b));
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not POSIX
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }
    return HexFormat.of().parseHex(Files.readString(file).strip());
  }
  /** The capability part of a labeling batch's links: its name and an HMAC of it, so the links cannot be guessed. */
  String capability(String batch) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return batch + "." + HexFormat.of().formatHex(mac.doFinal(batch.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
  /**
   * Exports a selection (the gallery's filters, up to {@code limit} frames, newest first) in Label
   * Studio's or CVAT's format into {@code DATA/labeling/BATCH/}, with image links under {@code base}
   * (the app's public URL: never the request's Host header, which the client chooses) that this server
   * serves to anyone holding them. At most {@link #MAX_BATCHES} batches are kept.
   */
  Map<String, Object> sendToLabeling(String base, String body) throws IOException {
    JsonNode q;
    try {
      q = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new HttpError(400, "the body is not JSON");
    }
    if (q == null || !q.isObject()) {
      throw new HttpError(400, "the body must be a JSON object of filters, e.g. {\"format\": \"labelstudio\", \"limit\": 100}");
    }
    Path batches = store.dir().resolve("labeling");
    try (var kept = Files.isDirectory(batches) ? Files.list(batches) : Stream.<Path>empty()) {
      if (kept.filter(Files::isDirectory).count() >= MAX_BATCHES) {
        throw new HttpError(409, MAX_BATCHES + " labeling batches are kept in " + batches
            + ": delete the folders of finished ones to send more");
      }
    }
    String format = q.path("format").asText("labelstudio");
    if (!format.equals("labelstudio") && !format.equals("cvat")) {
      throw new HttpError(400, "format: '" + format + "' is not labelstudio or cvat");
    }
    int limit = q.path("limit").asInt(1000);
    if (limit < 1 || limit > 10_000) {
      throw new HttpError(400, "limit: must be 1 to 10000");
    }
    String device = Api.text(q, "device");
    List<StoredFrame> frames;
    try {
      frames = store.browse().page(new Browse.Query(device, Api.text(q, "class"), q.has("minScore") ? q.get("minScore").asDouble() : null,
          Api.text(q, "keptBy"), null, null, Api.text(q, "review"), Api.text(q, "mark"), Api.time("since", Api.text(q, "since")),
          Api.time("until", Api.text(q, "until")), null, limit));
    } catch (IllegalArgumentException e) {
      throw new HttpError(400, e.getMessage());
    }
    if (frames.isEmpty()) {
      throw new HttpError(400, "no frame matches the selection");
    }
    String batch = "batch-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC)
        .format(Instant.now()) + "-" + String.format("%04x", new SecureRandom().nextInt(0x10000));
    String cap = capability(batch);
    Path out = store.dir().resolve("labeling").resolve(batch);
    String prefix = base + "/labeling/" + cap + "/images/";
    Frames selected = action -> frames.forEach(action);
    Exporter exporter = DatasetFormat.writer(format);
    Exporter.Result r = exporter.export(selected, out,
        new ExportOptions(null, "detect", false, prefix, Selection.ALL));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("batch", batch);
    m.put("format", format);
    m.put("images", r.images());
    m.put("annotations", r.annotations());
    m.put("folder", out.toString());
    String link = base + "/labeling/" + cap + "/";
    if (format.equals("labelstudio")) {
      m.put("tasks", link + "tasks.json");
      m.put("labelingConfig", link + "labeling-config.xml");
    } else {
      m.put("annotationsUrl", link + "annotations.xml");
      m.put("imagesBase", prefix);
    }
    return m;
  }
}
