package io.fieldcap.web;

import io.fieldcap.dataset.report.Svg;
import io.fieldcap.markup.Markup;
import io.fieldcap.store.StoredFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pages: server-rendered shells that the vendored {@code /static/app.js} fills from the API (no
 * inline script: the Content-Security-Policy allows this origin's files only, and nothing comes from a
 * CDN, so the app works on an air-gapped network).
 */
final class Pages {
  private Pages() {}

  static String head(String title, Tokens.Identity who, String csrf, String page, String extra) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Markup.escape(title) + " - fieldcap</title>"
        + "<link rel=\"stylesheet\" href=\"/static/app.css\"><script src=\"/static/app.js\" defer></script></head>\n"
        + "<body data-page=\"" + page + "\" data-csrf=\"" + Markup.escape(csrf) + "\" data-role=\"" + (who == null ? ""
            : who.role().name().toLowerCase(Locale.ROOT)) + "\"" + extra + ">\n"
        + (who == null ? "" : "<nav><b>fieldcap</b> <a href=\"/\" id=\"nav-fleet\">Fleet</a> <a href=\"/frames\" id=\"nav-frames\">"
            + "Frames</a> <a href=\"/plots\" id=\"nav-plots\">Plots</a> <a href=\"/models\" id=\"nav-models\">Models</a>"
            + " <a href=\"/clips\" id=\"nav-clips\">Clips</a>"
            + (who.role().allows(Tokens.Role.REVIEWER) ? " <a href=\"/review\" id=\"nav-review\">Review</a>" : "")
            + " <a href=\"/classes\" id=\"nav-classes\">Classes</a> <span class=\"who\">" + Markup.escape(who.name()) + " (" + who.role().name().toLowerCase(Locale.ROOT)
            + ") <button id=\"logout\">Log out</button></span></nav>\n");
  }

  static String login(String problem) {
    return head("Log in", null, "", "login", "") + "<main class=\"login\"><h1>fieldcap</h1>"
        + (problem == null ? "" : "<p class=\"problem\">" + Markup.escape(problem) + "</p>")
        + "<form method=\"post\" action=\"/login\"><label>Token <input type=\"password\" name=\"token\" id=\"token\" "
        + "autocomplete=\"current-password\" required></label> <button type=\"submit\" id=\"login\">Log in</button></form>"
        + "<p class=\"note\">A token comes from <code>fieldcap tokens add</code>.</p></main></body></html>\n";
  }

  static String fleet(Tokens.Identity who, String csrf) {
    return head("Fleet", who, csrf, "fleet", "") + "<main><h1>Fleet</h1><p class=\"note\" id=\"fleet-updated\"></p>"
        + "<table id=\"fleet\"><thead><tr><th>device</th><th>state</th><th>last seen</th><th>model</th><th>capture fps</th>"
        + "<th>backlog</th><th>in flight</th><th>spool</th><th>disk free</th><th>rejected</th><th>position</th><th>config</th><th>updates</th></tr></thead>"
        + "<tbody></tbody></table></main></body></html>\n";
  }

  static String gallery(Tokens.Identity who, String csrf) {
    return head("Frames", who, csrf, "gallery", "") + "<main><h1>Frames</h1>\n<form id=\"filters\">"
        + "<input name=\"device\" placeholder=\"device\"> <input name=\"class\" placeholder=\"class\"> "
        + "<input name=\"minScore\" placeholder=\"min score\" size=\"6\"> <input name=\"keptBy\" placeholder=\"kept by\" size=\"8\"> "
        + "<input name=\"tag\" placeholder=\"tag k=v\" size=\"10\"> <input name=\"since\" placeholder=\"since\" size=\"11\"> "
        + "<input name=\"until\" placeholder=\"until\" size=\"11\"> <select name=\"review\"><option value=\"\">any review</option>"
        + "<option>reviewed</option><option>unreviewed</option></select> <select name=\"mark\"><option value=\"\">any mark</option>"
        + "<option>none</option><option>duplicate</option><option>broken</option><option>rejected</option><option>flagged</option>"
        + "</select> <button type=\"submit\" id=\"apply\">Filter</button></form>\n"
        + "<p id=\"send-box\"><select id=\"send-format\"><option value=\"labelstudio\">Label Studio</option>"
        + "<option value=\"cvat\">CVAT</option></select> <button id=\"send\">Send these to labeling</button> "
        + "<span id=\"send-result\"></span></p>\n"
        + "<p class=\"note\">Keys: arrows move, Enter opens, n next page.</p><div id=\"gallery\"></div>"
        + "<button id=\"more\">Next page</button></main></body></html>\n";
  }

  /** The plots, drawn by the server as inline SVG (the same charts as fieldcap report). */
  static String plots(Tokens.Identity who, String csrf, Map<String, Map<String, Integer>> perDeviceDay,
      Map<String, int[]> classes) {
    StringBuilder h = new StringBuilder(head("Plots", who, csrf, "plots", ""));
    h.append("<main><h1>Plots</h1>\n<h2 id=\"captures\">Frames per device per day</h2>\n");
    Map<String, Integer> flat = new LinkedHashMap<>();
    perDeviceDay.forEach((d, days) -> days.forEach((day, n) -> flat.put(d + " " + day, n)));
    h.append(Svg.bars("Frames per device per day", flat));
    h.append("<h2 id=\"classes\">Labels per class</h2>\n");
    Map<String, Integer> counts = new LinkedHashMap<>();
    classes.forEach((c, v) -> counts.put(c, v[0]));
    h.append(Svg.bars("Labels per class (newest labels)", counts));
    h.append("<h2 id=\"scores\">Pre-label scores per class</h2>\n");
    List<String> bins = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      bins.add(String.format(Locale.ROOT, "%.1f", i / 10.0));
    }
    classes.forEach((c, v) -> {
      int[] hist = Arrays.copyOfRange(v, 1, 11);
      if (Arrays.stream(hist).sum() > 0) {
        h.append(Svg.histogram("Pre-label scores: " + c, bins, hist));
      }
    });
    return h.append("</main></body></html>\n").toString();
  }

  static String frame(Tokens.Identity who, String csrf, StoredFrame f) {
    return head(f.device() + "/" + f.frameId(), who, csrf, "frame", " data-device=\"" + Markup.escape(f.device()) + "\" data-frame=\""
        + Markup.escape(f.frameId()) + "\"") + "<main><h1>" + Markup.escape(f.device()) + " / " + Markup.escape(f.frameId()) + "</h1>\n"
        + "<p><label><input type=\"radio\" name=\"show\" value=\"prelabels\"> pre-labels</label> "
        + "<label><input type=\"radio\" name=\"show\" value=\"reviewed\"> reviewed</label> "
        + "<label><input type=\"radio\" name=\"show\" value=\"both\" checked> both</label></p>\n"
        + "<p id=\"evaluated\" class=\"note\" hidden></p>\n"
        + "<div id=\"frame\" class=\"frame\"></div>\n<div id=\"review\" class=\"review\">"
        + "<button id=\"accept\">Accept pre-labels</button> <button id=\"reject\">Reject frame</button> "
        + "<button id=\"flag\">Flag for labeling</button> <input id=\"from\" placeholder=\"class\" size=\"10\"> &rarr; "
        + "<input id=\"to\" placeholder=\"new class\" size=\"10\"> <button id=\"relabel\">Change class</button> "
        + "<span id=\"review-result\"></span></div>\n<table id=\"meta\"></table></main>"
        + (who != null && who.role().allows(Tokens.Role.REVIEWER) ? "<script src=\"/static/editor.js\" defer></script>" : "")
        + "</body></html>\n";
  }

  /** The project's classes: their order and colours; an admin edits them (one per line, a colour after the name). */
  static String classes(Tokens.Identity who, String csrf) {
    boolean admin = who.role().allows(Tokens.Role.ADMIN);
    return head("Classes", who, csrf, "classes", "") + "<main><h1>Classes</h1>"
        + "<p class=\"note\" id=\"classes-note\"></p><table id=\"classes\"><thead><tr><th>key</th><th>class</th><th>colour</th></tr></thead>"
        + "<tbody></tbody></table>"
        + (admin ? "<h2>Edit</h2><p>One class a line, in the editor's order (digit keys 1-9 pick the first nine), a colour "
            + "<code>#rrggbb</code> after the name if wanted. A save naming a class not listed here is refused.</p>"
            + "<textarea id=\"classes-text\" rows=\"12\" cols=\"40\"></textarea><br><button id=\"classes-save\">Save classes</button> "
            + "<span id=\"classes-result\"></span>" : "")
        + "</main></body></html>\n";
  }

  /** The review queue's start: pick an order (and a device or capture rule), then frame after frame in the editor. */
  static String review(Tokens.Identity who, String csrf) {
    return head("Review", who, csrf, "review", "") + "<main><h1>Review</h1>"
        + "<p>Frames nobody has reviewed yet, one after the other in the editor; each reviewer gets different ones.</p>"
        + "<form id=\"review-start\"><label>Order <select name=\"queue\" id=\"order\">"
        + "<option value=\"uncertain\">least certain pre-labels first</option><option value=\"rule\">by capture rule</option>"
        + "<option value=\"oldest\">oldest first</option></select></label> <label>Device <input name=\"device\" size=\"12\"></label>"
        + " <label>Capture rule <input name=\"rule\" size=\"12\"></label> <button type=\"submit\" id=\"start\">Start</button></form>"
        + "<p id=\"review-status\" class=\"note\"></p></main></body></html>\n";
  }
}
