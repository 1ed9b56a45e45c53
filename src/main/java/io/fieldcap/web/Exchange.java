package io.fieldcap.web;

import io.fieldcap.json.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One request being answered: Jetty's request, response and callback, who is asking (null on a
 * public route), the page's CSRF token for a cookie session, the route's path match, and the body
 * (read whole before the request was dispatched, see {@link WebApp}; empty for GET; null for a
 * streamed route, which reads the request itself).
 */
record Exchange(Request request, Response response, Callback callback, Tokens.Identity who, String csrf, Matcher match,
    byte[] received) {
  /** A path parameter: group {@code i} of the route's pattern. */
  String path(int i) {
    return match.group(i);
  }

  void json(Object o) {
    send(200, "application/json", Json.encode(o));
  }

  void html(String page) {
    send(200, "text/html", page.getBytes(StandardCharsets.UTF_8));
  }

  void send(int status, String type, byte[] body) {
    send(response, callback, status, type, body);
  }

  /** The request body as text, refused with 413 past {@code max} bytes. */
  String body(int max) {
    if (received == null) {
      throw new IllegalStateException("a streamed route reads its own body");
    }
    if (received.length > max) {
      throw new HttpError(413, "the request body is over " + max + " bytes");
    }
    return new String(received, StandardCharsets.UTF_8);
  }

  /** Writes a whole answer with the headers every answer carries (no sniffing, a strict CSP, no caching but of images). */
  static void send(Response response, Callback callback, int status, String type, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type + (type.startsWith("image/") || type.startsWith("video/") ? "" : "; charset=utf-8"));
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.getHeaders().put("Referrer-Policy", "same-origin");
    response.getHeaders().put("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, type.startsWith("image/") || type.startsWith("video/") ? "private, max-age=86400" : "no-store");
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
