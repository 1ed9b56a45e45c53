package io.fieldcap.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.json.Json;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelRules;
import io.fieldcap.model.LabelSet;
import io.fieldcap.store.Classes;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.ReviewQueue;
import io.fieldcap.store.Revisions;
import io.fieldcap.store.StoredFrame;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * The editor's side of the API (docs/api.md, "Editing labels"): saving a frame's labels as a new
 * revision based on the one the page loaded (409 with the newest when another reviewer saved in
 * between), the review queue's next frame and counters, and the project's classes.
 */
final class Review {
  /** A save's largest body: every label of a large frame, masks included, as run-length JSON. */
  static final int MAX_SAVE = 16 * 1024 * 1024;
  private static final String COLOUR = "#[0-9a-fA-F]{6}";

  private final LocalFrameStore store;

  Review(LocalFrameStore store) {
    this.store = store;
  }

  /** {@code PUT /api/frames/DEVICE/FRAME/labels}: {@code {"baseRevision": N, "labels": [...]}}. */
  void save(Exchange x, StoredFrame f) throws IOException {
    JsonNode req;
    try {
      req = Json.MAPPER.readTree(x.body(MAX_SAVE));
    } catch (IOException e) {
      throw new HttpError(400, "the body is not JSON: {\"baseRevision\": N, \"labels\": [...]}");
    }
    if (req == null || !req.path("baseRevision").canConvertToInt() || !req.path("baseRevision").isIntegralNumber()
        || !req.path("labels").isArray()) {
      throw new HttpError(400, "the body must be {\"baseRevision\": N, \"labels\": [...]}: baseRevision the revision the"
          + " labels were edited from (0: the pre-labels), labels as GET /api/frames/DEVICE/FRAME gives them");
    }
    List<Detection> labels = new ArrayList<>();
    JsonNode list = req.get("labels");
    for (int i = 0; i < list.size(); i++) {
      try {
        labels.add(Json.MAPPER.treeToValue(list.get(i), Detection.class));
      } catch (IOException | IllegalArgumentException e) {
        String why = e.getCause() instanceof IllegalArgumentException c ? c.getMessage() : e.getMessage().lines().findFirst()
            .orElse("");
        throw new HttpError(400, "labels[" + i + "] is not a label (label, score, box {x, y, w, h}, polygon, mask): " + why);
      }
    }
    LabelSet set = new LabelSet(null, labels);
    String problem = LabelRules.problem(set, f.width(), f.height());
    if (problem != null) {
      throw new HttpError(400, problem);
    }
    List<String> known = store.classes().names();
    if (!known.isEmpty()) {
      Set<String> ok = new HashSet<>(known);
      for (Detection d : labels) {
        if (!ok.contains(d.label())) {
          throw new HttpError(400, "class '" + d.label() + "' is not one of the project's classes (" + String.join(", ", known)
              + "): an admin adds it (PUT /api/classes)");
        }
      }
    }
    int base = req.get("baseRevision").asInt();
    Revisions.Saved s = store.revisions().save(f.device(), f.frameId(), base, set, x.who().name(), "web: editor", "web",
        Instant.now());
    Map<String, Object> out = new LinkedHashMap<>();
    StoredFrame now = store.frame(f.device(), f.frameId());
    if (s.conflict()) {
      out.put("error", "frame " + f.device() + "/" + f.frameId() + " has revision " + s.revision() + " now, saved after revision "
          + base + " that your labels were edited from: nothing was saved; compare, then save again based on " + s.revision());
      out.put("status", 409);
      out.put("revision", s.revision());
      out.put("author", newestAuthor(f));
      out.put("frame", Api.frameJson(now));
      x.send(409, "application/json", Json.encode(out));
      return;
    }
    out.put("revision", s.revision());
    out.put("frame", Api.frameJson(now));
    x.json(out);
  }

  private String newestAuthor(StoredFrame f) throws IOException {
    List<Revisions.Revision> all = store.revisions().of(f.device(), f.frameId());
    return all.isEmpty() ? null : all.get(all.size() - 1).author();
  }

  /** {@code GET /api/review/next?order=uncertain|rule|oldest&device=&rule=&skip=DEVICE/FRAME}: the next frame, or 204. */
  void next(Exchange x) throws IOException {
    Fields q = Request.extractQueryParameters(x.request());
    String o = q.getValue("order") == null ? "uncertain" : q.getValue("order");
    ReviewQueue.Order order = ReviewQueue.Order.of(o);
    if (order == null) {
      throw new HttpError(400, "order: '" + o + "' is not uncertain, rule or oldest");
    }
    List<ReviewQueue.Entry> skip = new ArrayList<>();
    for (String s : q.getValuesOrEmpty("skip")) {
      int slash = s.indexOf('/');
      if (slash < 1 || skip.size() >= 1000) {
        throw new HttpError(400, "skip: '" + s + "' is not DEVICE/FRAME (at most 1000)");
      }
      skip.add(new ReviewQueue.Entry(s.substring(0, slash), s.substring(slash + 1)));
    }
    ReviewQueue.Entry e = store.reviewQueue().next(x.who().name(), order, blank(q.getValue("device")), blank(q.getValue("rule")),
        skip, Instant.now());
    StoredFrame f = e == null ? null : store.frame(e.device(), e.frameId());
    if (f == null) {
      x.send(204, "application/json", new byte[0]);
      return;
    }
    x.json(Map.of("frame", Api.frameJson(f), "order", o));
  }

  /** {@code GET /api/review/stats?device=}: frames left to review, and how many the caller reviewed today (UTC). */
  void stats(Exchange x) throws IOException {
    String device = blank(Request.extractQueryParameters(x.request()).getValue("device"));
    x.json(Map.of("remaining", store.reviewQueue().remaining(device), "reviewedToday",
        store.reviewQueue().reviewedBy(x.who().name(), Instant.now().truncatedTo(ChronoUnit.DAYS))));
  }

  /** {@code GET /api/classes}. */
  void classes(Exchange x) throws IOException {
    x.json(classesJson());
  }

  private Map<String, Object> classesJson() throws IOException {
    List<Map<String, Object>> list = new ArrayList<>();
    for (Classes.Clazz c : store.classes().list()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", c.name());
      m.put("colour", c.colour());
      list.add(m);
    }
    return Map.of("defined", store.classes().defined(), "classes", list);
  }

  /** {@code PUT /api/classes} (admin): {@code {"classes": [{"name": "car", "colour": "#ff0000"}, ...]}}, in order. */
  void setClasses(Exchange x) throws IOException {
    JsonNode req;
    try {
      req = Json.MAPPER.readTree(x.body(Router.BODY));
    } catch (IOException e) {
      throw new HttpError(400, "the body is not JSON: {\"classes\": [{\"name\": \"car\", \"colour\": \"#ff0000\"}, ...]}");
    }
    if (req == null || !req.path("classes").isArray()) {
      throw new HttpError(400, "the body must be {\"classes\": [{\"name\": \"car\", \"colour\": \"#ff0000\"}, ...]}");
    }
    List<Classes.Clazz> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (JsonNode c : req.get("classes")) {
      String name = c.path("name").asText("");
      String problem = LabelRules.text("class", name, false);
      if (problem != null) {
        throw new HttpError(400, "classes[" + out.size() + "]: " + problem);
      }
      if (!seen.add(name)) {
        throw new HttpError(400, "classes: '" + name + "' is there twice");
      }
      String colour = c.hasNonNull("colour") ? c.get("colour").asText() : null;
      if (colour != null && !colour.matches(COLOUR)) {
        throw new HttpError(400, "classes[" + out.size() + "]: colour '" + colour + "' is not #rrggbb");
      }
      out.add(new Classes.Clazz(name, colour));
    }
    store.classes().replace(out);
    x.json(classesJson());
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
