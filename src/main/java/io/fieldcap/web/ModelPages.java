package io.fieldcap.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.dataset.report.Svg;
import io.fieldcap.json.Json;
import io.fieldcap.markup.Markup;
import io.fieldcap.store.Devices;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.Models;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Models page: every registered model with where it came from, which devices run it now and its
 * newest evaluation; and one model's page with all its evaluations, the precision-recall curves and
 * confusion matrix of the newest as pictures, and the frames it got most wrong, each a link to the
 * frame's page. Rendered by the server: nothing to script.
 */
final class ModelPages {
  private final LocalFrameStore store;

  ModelPages(LocalFrameStore store) {
    this.store = store;
  }

  private Map<String, List<String>> running() throws IOException {
    Map<String, List<String>> out = new LinkedHashMap<>();
    store.devices().runningModels().forEach((sha, ds) -> out.put(sha, ds.stream().map(Devices.Device::device).toList()));
    return out;
  }

  private static String fmt(JsonNode v) {
    return v == null || v.isMissingNode() || v.asDouble(-1) < 0 ? "-" : String.format(Locale.ROOT, "%.3f", v.asDouble());
  }

  private static String origin(Models.Model m) throws IOException {
    JsonNode o = Json.MAPPER.readTree(m.origin());
    return switch (o.path("kind").asText()) {
      case "trained" -> "trained on dataset " + o.path("dataset").asText();
      case "added" -> "added from " + o.path("file").asText();
      case "uploaded" -> "uploaded by " + o.path("by").asText() + (o.path("lineage").has("dataset")
          ? ", trained on dataset " + o.path("lineage").path("dataset").asText() : "");
      default -> o.path("kind").asText();
    };
  }

  void list(Exchange x) throws IOException {
    Map<String, List<String>> running = running();
    StringBuilder h = new StringBuilder(Pages.head("Models", x.who(), x.csrf(), "models", ""));
    h.append("<main><h1>Models</h1>\n");
    List<Models.Model> all = store.models().list();
    if (all.isEmpty()) {
      h.append("<p class=\"note\">No model is registered: <code>fieldcap models add FILE</code>, or <code>fieldcap train</code>.</p>");
    } else {
      h.append("<table id=\"models\"><thead><tr><th>model</th><th>SHA-256</th><th>family</th><th>classes</th><th>origin</th>"
          + "<th>running on</th><th>newest evaluation</th><th>AP</th><th>AP50</th></tr></thead><tbody>\n");
      for (Models.Model m : all) {
        List<Models.Evaluation> evs = store.models().evaluations(m.sha256());
        JsonNode f = evs.isEmpty() ? null : Json.MAPPER.readTree(evs.get(0).figures());
        h.append("<tr><td><a href=\"/models/").append(m.sha256()).append("\">").append(Markup.escape(m.name())).append("</a></td><td>")
            .append(m.sha256(), 0, 12).append("</td><td>").append(Markup.escape(m.family())).append("</td><td>")
            .append(Json.MAPPER.readTree(m.classes()).size()).append("</td><td>").append(Markup.escape(origin(m))).append("</td><td>")
            .append(Markup.escape(String.join(", ", running.getOrDefault(m.sha256(), List.of())))).append("</td><td>")
            .append(evs.isEmpty() ? "none" : Markup.escape(where(evs.get(0)))).append("</td><td>").append(fmt(f == null ? null : f.get("AP")))
            .append("</td><td>").append(fmt(f == null ? null : f.get("AP50"))).append("</td></tr>\n");
      }
      h.append("</tbody></table>\n");
    }
    x.html(h.append("</main></body></html>\n").toString());
  }

  private static String where(Models.Evaluation e) {
    return (e.dataset() == null ? "selection" : "dataset " + e.dataset() + (e.split() == null ? "" : " " + e.split())) + ", "
        + e.labels() + " labels, " + e.frames() + " frames, " + e.createdAt().toString().substring(0, 16).replace('T', ' ');
  }

  /**
   * {@code GET /api/evaluations/ID/frames/DEVICE/FRAME}: what the evaluated model found on one of the
   * frames it got most wrong (the frame page draws it beside the reviewed labels); 404 for a frame the
   * evaluation kept nothing for (it keeps its worst frames only).
   */
  void evaluatedFrame(Exchange x) throws IOException {
    Models.Evaluation e = store.models().evaluation(x.path(1));
    if (e == null) {
      throw new HttpError(404, "no evaluation " + x.path(1));
    }
    JsonNode figures = Json.MAPPER.readTree(e.figures());
    for (JsonNode w : figures.path("worstFrames")) {
      if (w.path("device").asText().equals(x.path(2)) && w.path("frameId").asText().equals(x.path(3))) {
        Models.Model m = store.models().find(e.modelSha256());
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("evaluation", e.id());
        o.put("model", m == null ? e.modelSha256().substring(0, 12) : m.name());
        o.put("modelSha256", e.modelSha256());
        o.put("dataset", e.dataset());
        o.put("split", e.split());
        o.put("labels", e.labels());
        o.put("minScore", figures.path("confusion").path("minScore").asDouble());
        o.put("falsePositives", w.path("falsePositives").asInt());
        o.put("falseNegatives", w.path("falseNegatives").asInt());
        o.put("detections", w.path("detections"));
        x.json(o);
        return;
      }
    }
    throw new HttpError(404, "evaluation " + e.id() + " kept no detections for " + x.path(2) + "/" + x.path(3)
        + " (it keeps the frames with the most mistakes only)");
  }

  void one(Exchange x) throws IOException {
    Models.Model m = store.models().find(x.path(1));
    if (m == null) {
      throw new HttpError(404, "no registered model " + x.path(1));
    }
    StringBuilder h = new StringBuilder(Pages.head(m.name(), x.who(), x.csrf(), "model", ""));
    h.append("<main><h1>").append(Markup.escape(m.name())).append("</h1>\n<table class=\"meta\">");
    h.append("<tr><th>SHA-256</th><td>").append(m.sha256()).append("</td></tr>");
    h.append("<tr><th>family</th><td>").append(Markup.escape(m.family())).append(", input ").append(m.inputWidth()).append("x")
        .append(m.inputHeight()).append("</td></tr>");
    h.append("<tr><th>classes</th><td>").append(Markup.escape(String.join(", ", names(m)))).append("</td></tr>");
    h.append("<tr><th>origin</th><td>").append(Markup.escape(origin(m))).append("</td></tr>");
    h.append("<tr><th>running on</th><td>").append(Markup.escape(String.join(", ", running().getOrDefault(m.sha256(), List.of()))))
        .append("</td></tr></table>\n");
    List<Models.Evaluation> evs = store.models().evaluations(m.sha256());
    h.append("<h2>Evaluations</h2>\n");
    if (evs.isEmpty()) {
      h.append("<p class=\"note\">None yet: <code>fieldcap eval --model ...</code> on a registered model keeps its figures here.</p>");
    } else {
      h.append("<table id=\"evaluations\"><thead><tr><th>when and on what</th>");
      for (String k : List.of("AP", "AP50", "AP75", "APs", "APm", "APl", "AR100")) {
        h.append("<th>").append(k).append("</th>");
      }
      h.append("</tr></thead><tbody>\n");
      for (Models.Evaluation e : evs) {
        JsonNode f = Json.MAPPER.readTree(e.figures());
        h.append("<tr><td>").append(Markup.escape(where(e))).append("</td>");
        for (String k : List.of("AP", "AP50", "AP75", "APs", "APm", "APl", "AR100")) {
          h.append("<td>").append(fmt(f.get(k))).append("</td>");
        }
        h.append("</tr>\n");
      }
      h.append("</tbody></table>\n");
      JsonNode newest = Json.MAPPER.readTree(evs.get(0).figures());
      JsonNode pr = newest.path("precisionRecallIoU50");
      if (!pr.isMissingNode()) {
        Map<String, double[]> series = new LinkedHashMap<>();
        pr.path("precision").fields().forEachRemaining(e -> {
          double[] v = new double[e.getValue().size()];
          for (int i = 0; i < v.length; i++) {
            v[i] = e.getValue().get(i).asDouble();
          }
          series.put(e.getKey(), v);
        });
        double[] recall = new double[pr.path("recall").size()];
        for (int i = 0; i < recall.length; i++) {
          recall[i] = pr.path("recall").get(i).asDouble();
        }
        h.append("<h2>Newest evaluation</h2>\n<div class=\"charts\">")
            .append(Svg.curves("Precision and recall at IoU 0.5", "recall", "precision", recall, series));
        JsonNode c = newest.path("confusion");
        List<String> names = new ArrayList<>();
        c.path("names").forEach(n -> names.add(n.asText()));
        long[][] mx = new long[names.size()][names.size()];
        for (int i = 0; i < names.size(); i++) {
          for (int j = 0; j < names.size(); j++) {
            mx[i][j] = c.path("matrix").path(i).path(j).asLong();
          }
        }
        h.append(Svg.matrix("Confusion at IoU 0.5", "labels", "detections", names, mx)).append("</div>\n");
        h.append("<h3>Frames with the most mistakes</h3>\n<ul id=\"worst\">");
        for (JsonNode w : newest.path("worstFrames")) {
          String dev = w.path("device").asText();
          String id = w.path("frameId").asText();
          h.append("<li><a href=\"/frames/").append(Markup.escape(dev)).append("/").append(Markup.escape(id)).append("?eval=")
              .append(Markup.escape(evs.get(0).id())).append("\">")
              .append(Markup.escape(dev)).append(" / ").append(Markup.escape(id)).append("</a>: ")
              .append(w.path("falsePositives").asInt()).append(" false positives, ").append(w.path("falseNegatives").asInt())
              .append(" false negatives</li>");
        }
        h.append("</ul>\n");
      }
    }
    x.html(h.append("</main></body></html>\n").toString());
  }

  private static List<String> names(Models.Model m) throws IOException {
    List<String> out = new ArrayList<>();
    Json.MAPPER.readTree(m.classes()).forEach(n -> out.add(n.asText()));
    return out;
  }
}
