package io.fieldcap.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import io.fieldcap.model.Detection;
import io.fieldcap.model.DeviceId;
import io.fieldcap.model.LabelRules;
import io.fieldcap.model.LabelSet;
import io.fieldcap.store.Browse;
import io.fieldcap.store.Devices;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.StoredFrame;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.util.Fields;

/**
 * The JSON API's answers (docs/api.md): the fleet's devices, a page of frames, one frame, and a
 * reviewer's action on a frame. Bad parameters are answered with 400 and what is wrong.
 */
final class Api {
  private final LocalFrameStore store;

  Api(LocalFrameStore store) {
    this.store = store;
  }

  StoredFrame frame(String device, String frameId) throws IOException {
    StoredFrame f = DeviceId.problem(device) == null ? store.frame(device, frameId) : null;
    if (f == null) {
      throw new HttpError(404, "no frame " + device + "/" + frameId);
    }
    return f;
  }
  /** Every device, most troubled first: offline, then with rejected frames, then by backlog. */
  List<Map<String, Object>> devices() throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Devices.Device d : store.devices().all()) {
      JsonNode s = StatusFields.parse(d.status());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("device", d.device());
      m.put("online", d.state().equals("online"));
      m.put("state", d.state());
      m.put("lastSeen", d.lastSeen() == null ? null : d.lastSeen().toString());
      m.put("updatedAt", d.updatedAt().toString());
      List<String> invalid = new ArrayList<>();
      for (String k : List.of("backlog", "inFlight", "spoolBytes", "diskFree", "fps", "captured", "acked", "rejected",
          "rejectedBy", "forgedAcks", "model", "version", "modelSha256", "position", "stages", "groups", "config", "updates",
          "tracks", "clips")) {
        JsonNode v = s.get(k);
        if (v == null || v.isNull()) {
          continue;
        }
        if (StatusFields.valid(k, v)) {
          m.put(k, v);
        } else {
          invalid.add(k); // one device's bad status must not break the fleet page for everyone
        }
      }
      if (!invalid.isEmpty()) {
        m.put("invalid", invalid);
      }
      out.add(m);
    }
    out.sort((a, b) -> {
      int c = Boolean.compare((Boolean) a.get("online"), (Boolean) b.get("online"));
      if (c != 0) {
        return c;
      }
      c = Long.compare(num(b.get("rejected")), num(a.get("rejected")));
      return c != 0 ? c : Long.compare(num(b.get("backlog")), num(a.get("backlog")));
    });
    return out;
  }
  private static long num(Object o) {
    return o instanceof JsonNode n ? n.asLong() : 0;
  }
  private static String param(Fields p, String name) {
    String v = p.getValue(name);
    return v == null || v.isBlank() ? null : v.strip();
  }
  static Instant time(String name, String v) {
    if (v == null) {
      return null;
    }
    try {
      return v.length() == 10 ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new HttpError(400, name + ": '" + v + "' is not a date (2026-11-29) or a UTC time (2026-11-29T08:00:00Z)");
    }
  }
  Map<String, Object> frames(Fields p) throws IOException {
    int limit;
    try {
      limit = param(p, "limit") == null ? 48 : Integer.parseInt(param(p, "limit"));
    } catch (NumberFormatException e) {
      throw new HttpError(400, "limit: not a number");
    }
    if (limit < 1 || limit > 500) {
      throw new HttpError(400, "limit: must be 1 to 500");
    }
    Double minScore = null;
    if (param(p, "minScore") != null) {
      try {
        minScore = Double.parseDouble(param(p, "minScore"));
      } catch (NumberFormatException e) {
        throw new HttpError(400, "minScore: not a number");
      }
    }
    String tag = param(p, "tag");
    String tagKey = null;
    String tagValue = null;
    if (tag != null) {
      int eq = tag.indexOf('=');
      if (eq <= 0) {
        throw new HttpError(400, "tag: expected KEY=VALUE");
      }
      tagKey = tag.substring(0, eq);
      tagValue = tag.substring(eq + 1);
      if (!tagKey.matches("[A-Za-z0-9._-]{1,64}")) {
        throw new HttpError(400, "tag: key '" + tagKey + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
      }
    }
    List<StoredFrame> page;
    try {
      page = store.browse().page(new Browse.Query(param(p, "device"), param(p, "class"), minScore, param(p, "keptBy"), tagKey,
          tagValue, param(p, "review"), param(p, "mark"), time("since", param(p, "since")), time("until", param(p, "until")),
          param(p, "after"), limit));
    } catch (IllegalArgumentException e) {
      throw new HttpError(400, e.getMessage());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("frames", page.stream().map(Api::frameJson).toList());
    out.put("next", page.size() == limit ? Browse.cursor(page.get(page.size() - 1)) : null);
    return out;
  }
  static Map<String, Object> frameJson(StoredFrame f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("device", f.device());
    m.put("frameId", f.frameId());
    m.put("capturedAt", f.capturedAt().toString());
    m.put("width", f.width());
    m.put("height", f.height());
    m.put("sha256", f.sha256());
    m.put("model", f.labels() == null ? null : f.labels().model());
    m.put("modelVersion", f.labels() == null ? null : f.labels().version());
    m.put("prelabels", f.labels() == null ? List.of() : f.labels().detections());
    m.put("reviewed", f.reviewed() == null ? null : f.reviewed().detections());
    m.put("revision", f.revision());
    m.put("marks", f.mark() == null ? List.of() : List.of(f.mark().split(",")));
    m.put("meta", f.meta());
    m.put("image", "/images/" + f.device() + "/" + f.frameId() + ".jpg");
    m.put("thumb", "/thumbs/" + f.device() + "/" + f.frameId() + ".jpg");
    m.put("cursor", Browse.cursor(f));
    return m;
  }
  static String text(JsonNode q, String key) {
    String v = q.path(key).asText("");
    return v.isBlank() ? null : v.strip();
  }
  /** A reviewer's action: each a label revision (accept, relabel) or a mark (reject, flag), with the reviewer's name. */
  Map<String, Object> review(StoredFrame f, Tokens.Identity who, String body) throws IOException {
    JsonNode req;
    try {
      req = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new HttpError(400, "the body is not JSON: {\"action\": \"accept\" | \"reject\" | \"flag\" | \"relabel\"}");
    }
    String action = req == null ? "" : req.path("action").asText("");
    Instant now = Instant.now();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("action", action);
    switch (action) {
      case "accept" -> {
        List<Detection> pre = f.labels() == null ? List.of() : f.labels().detections();
        List<Detection> accepted = pre.stream().map(d -> new Detection(d.label(), 1.0, d.box(), d.polygon(), d.mask())).toList();
        out.put("revision", store.revisions().add(f.device(), f.frameId(), new LabelSet(null, accepted), who.name(), "web: accept",
            "web", now));
      }
      case "relabel" -> {
        String from = req.path("from").asText("");
        String to = req.path("to").asText("").strip();
        if (from.isEmpty() || to.isEmpty()) {
          throw new HttpError(400, "relabel needs \"from\" and \"to\" class names");
        }
        String problem = LabelRules.text("to", to, false);
        if (problem != null) {
          throw new HttpError(400, "relabel: " + problem);
        }
        LabelSet base = f.reviewed() != null ? f.reviewed() : f.labels();
        if (base == null || base.detections().stream().noneMatch(d -> d.label().equals(from))) {
          throw new HttpError(400, "frame " + f.device() + "/" + f.frameId() + " has no '" + from + "' label");
        }
        List<Detection> changed = base.detections().stream().map(d -> new Detection(d.label().equals(from) ? to : d.label(),
            f.reviewed() != null ? d.score() : 1.0, d.box(), d.polygon(), d.mask())).toList();
        out.put("revision", store.revisions().add(f.device(), f.frameId(), new LabelSet(null, changed), who.name(),
            "web: relabel " + from + " -> " + to, "web", now));
      }
      case "reject", "flag" -> {
        String kind = action.equals("reject") ? "rejected" : "flagged";
        boolean undo = req.path("undo").asBoolean(false);
        out.put("changed", undo ? store.marks().unmark(f.device(), f.frameId(), kind)
            : store.marks().mark(f.device(), f.frameId(), kind, (action.equals("reject") ? "rejected" : "flagged for labeling")
                + " by " + who.name(), null, 0, now));
      }
      default -> throw new HttpError(400, "action: '" + action + "' is not accept, reject, flag or relabel");
    }
    out.put("frame", frameJson(store.frame(f.device(), f.frameId())));
    return out;
  }
}
