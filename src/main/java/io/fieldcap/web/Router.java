package io.fieldcap.web;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web app's routes as one table: method, path pattern, who may call it, and the handler. A path
 * no route matches is 404; a path some route matches with another method is 405. Pure: it knows
 * nothing of Jetty, so routing is tested without a server ({@code RouterTest}).
 */
final class Router {
  /** Who may call a route. */
  enum Access {
    /** Anyone: static files, the login form, a labeling batch's capability links. */
    PUBLIC,
    /** Any valid token. */
    VIEWER,
    /** A reviewer's or an admin's token; {@code need} says for what in the 403's message. */
    REVIEWER,
    /** A trainer's or an admin's token (datasets to download). */
    TRAINER,
    /** An admin's token (the project's classes). */
    ADMIN
  }

  /** The largest body a route gets unless it says otherwise (every form and action is smaller). */
  static final int BODY = 64 * 1024;

  /** Handles one matched request. */
  @FunctionalInterface
  interface Handler {
    void handle(Exchange x) throws Exception;
  }

  /**
   * One route; {@code need} names the action in a refusal ("reviewing needs the reviewer role"). A
   * {@code streamed} route reads its own body, after the caller is known (an upload larger than any
   * body the app buffers); every other route gets its body read, and bounded, before it runs.
   */
  record Route(String method, Pattern path, Access access, String need, Handler handler, boolean streamed, int maxBody) {}

  /** A route and the match of its pattern on the path (its groups are the path's parameters). */
  record Resolved(Route route, Matcher match) {}

  private final List<Route> routes = new ArrayList<>();

  Router get(String path, Access access, Handler h) {
    return add("GET", path, access, null, h);
  }

  Router post(String path, Access access, String need, Handler h) {
    return add("POST", path, access, need, h);
  }

  Router add(String method, String path, Access access, String need, Handler h) {
    return add(method, path, access, need, BODY, h);
  }

  /** A route whose bodies may be up to {@code maxBody} bytes (a frame's labels with masks). */
  Router add(String method, String path, Access access, String need, int maxBody, Handler h) {
    routes.add(new Route(method, Pattern.compile(path), access, need, h, false, maxBody));
    return this;
  }

  /** A POST route whose handler reads the body itself, as a stream. */
  Router upload(String path, Access access, String need, Handler h) {
    routes.add(new Route("POST", Pattern.compile(path), access, need, h, true, 0));
    return this;
  }

  /** The largest body {@code method} on {@code path} takes ({@link #BODY} for a path no route has: it is refused after). */
  int maxBody(String method, String path) {
    try {
      return resolve(method, path).route().maxBody();
    } catch (HttpError e) {
      return BODY;
    }
  }

  /** Whether {@code method} on {@code path} is a streamed route (false for any path no route has). */
  boolean streamed(String method, String path) {
    try {
      return resolve(method, path).route().streamed();
    } catch (HttpError e) {
      return false;
    }
  }

  /**
   * The route for {@code method} and {@code path}; a HEAD is answered as a GET.
   *
   * @throws HttpError 404 when no route has this path, 405 when none has it with this method
   */
  Resolved resolve(String method, String path) {
    String m = method.equals("HEAD") ? "GET" : method;
    boolean pathKnown = false;
    for (Route r : routes) {
      Matcher match = r.path().matcher(path);
      if (match.matches()) {
        if (r.method().equals(m)) {
          return new Resolved(r, match);
        }
        pathKnown = true;
      }
    }
    throw pathKnown ? new HttpError(405, method + " is not allowed on " + path) : new HttpError(404, "nothing at " + path);
  }
}
