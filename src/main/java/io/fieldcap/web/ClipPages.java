package io.fieldcap.web;

import io.fieldcap.json.Json;
import io.fieldcap.markup.Markup;
import io.fieldcap.store.Clips;
import io.fieldcap.store.LocalFrameStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Event clips in the web app: the list ({@code /clips}, {@code GET /api/clips}), one clip's player page with its
 * boxes drawn over the video frame by frame ({@code /clips/DEVICE/CLIP}, {@code GET /api/clips/DEVICE/CLIP}: the
 * clip and its frame-by-frame labels), and the video itself ({@code /clips/DEVICE/CLIP.mp4}, with byte ranges so
 * that a browser can seek).
 */
final class ClipPages {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
  private static final int MAX_LIST = 500;

  private final LocalFrameStore store;

  ClipPages(LocalFrameStore store) {
    this.store = store;
  }

  static Map<String, Object> json(Clips.Clip c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("device", c.device());
    m.put("clipId", c.clipId());
    m.put("startedAt", c.startedAt().toString());
    m.put("endedAt", c.endedAt().toString());
    m.put("fps", c.fps());
    m.put("frames", c.frames());
    m.put("trigger", c.trigger());
    m.put("width", c.width());
    m.put("height", c.height());
    m.put("bytes", c.bytes());
    m.put("sha256", c.sha256());
    m.put("rule", c.rule());
    m.put("receivedAt", c.receivedAt().toString());
    m.put("video", "/clips/" + c.device() + "/" + c.clipId() + ".mp4");
    return m;
  }

  void list(Exchange x) throws IOException {
    var q = Request.extractQueryParameters(x.request());
    String device = q.getValue("device");
    List<Object> out = new ArrayList<>();
    for (Clips.Clip c : store.clips().list(device == null || device.isEmpty() ? null : device, MAX_LIST)) {
      out.add(json(c));
    }
    x.json(out);
  }

  private Clips.Clip clip(Exchange x) throws IOException {
    Clips.Clip c = store.clips().get(x.path(1), x.path(2));
    if (c == null) {
      throw new HttpError(404, "no clip " + x.path(1) + "/" + x.path(2));
    }
    return c;
  }

  void one(Exchange x) throws IOException {
    Clips.Clip c = clip(x);
    Map<String, Object> m = json(c);
    m.put("labels", Json.MAPPER.readTree(store.clips().labels(c.device(), c.clipId())));
    x.json(m);
  }

  void page(Exchange x) throws IOException {
    Clips.Clip c = clip(x);
    x.html(Pages.head("Clip " + c.device() + " " + c.startedAt(), x.who(), x.csrf(), "clip", " data-device=\""
        + Markup.escape(c.device()) + "\" data-clip=\"" + Markup.escape(c.clipId()) + "\"")
        + "<main><h1>Clip " + Markup.escape(c.device()) + " " + Markup.escape(c.startedAt().toString()) + "</h1>"
        + "<p class=\"note\">" + c.frames() + " frames at " + c.fps() + " fps, kept by " + Markup.escape(String.valueOf(c.rule()))
        + "; the trigger is frame " + c.trigger() + ". Boxes follow the video frame by frame, each track in its colour.</p>"
        + "<div id=\"clip-view\" class=\"clip\"><video id=\"clip-video\" controls muted playsinline preload=\"auto\" src=\"/clips/"
        + Markup.escape(c.device()) + "/" + Markup.escape(c.clipId()) + ".mp4\"></video><div id=\"clip-boxes\"></div></div>"
        + "<p id=\"clip-frame\" class=\"note\"></p></main></body></html>\n");
  }

  static String listPage(Tokens.Identity who, String csrf) {
    return Pages.head("Clips", who, csrf, "clips", "") + "<main><h1>Clips</h1>"
        + "<p class=\"note\">Event clips the devices recorded: the seconds before a capture rule with <code>clip: true</code> "
        + "fired, and after.</p><table id=\"clips\"><thead><tr><th>device</th><th>start</th><th>frames</th><th>rule</th>"
        + "<th>bytes</th></tr></thead><tbody></tbody></table></main></body></html>\n";
  }

  /** The MP4, whole or the byte range asked for (206), as a browser's video element fetches it. */
  void video(Exchange x) throws IOException {
    Path file = store.clips().video(x.path(1), x.path(2));
    if (file == null) {
      throw new HttpError(404, "no clip " + x.path(1) + "/" + x.path(2));
    }
    long size = Files.size(file);
    String range = x.request().getHeaders().get(HttpHeader.RANGE);
    long from = 0;
    long to = size - 1;
    int status = 200;
    if (range != null) {
      Matcher m = RANGE.matcher(range.strip());
      if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
        if (m.group(1).isEmpty()) {
          from = Math.max(0, size - Long.parseLong(m.group(2)));
        } else {
          from = Long.parseLong(m.group(1));
          to = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
        }
        if (from > to || from >= size) {
          x.response().getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes */" + size);
          throw new HttpError(416, "range " + range + " is outside the clip's " + size + " bytes");
        }
        status = 206;
        x.response().getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes " + from + "-" + to + "/" + size);
      }
    }
    x.response().getHeaders().put(HttpHeader.ACCEPT_RANGES, "bytes");
    byte[] body = new byte[(int) Math.min(Integer.MAX_VALUE - 8, to - from + 1)];
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        InputStream in = Channels.newInputStream(ch.position(from))) {
      in.readNBytes(body, 0, body.length);
    }
    x.send(status, "video/mp4", body);
  }
}
