package io.fieldcap.metrics;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * {@code GET /metrics} on its own port, for Prometheus to scrape: the agent's ({@code
 * agent.metrics-listen}, off unless set). No token: bind it to 127.0.0.1 (a node exporter's
 * textfile or a local Prometheus agent scrapes it) or to a management network.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private final HttpServer http;

  public MetricsEndpoint(String host, int port, Callable<String> render) throws IOException {
    http = HttpServer.create(new InetSocketAddress(host, port), 8);
    http.createContext("/", x -> {
      try (x) {
        if (!x.getRequestMethod().equals("GET") || !x.getRequestURI().getPath().equals("/metrics")) {
          x.sendResponseHeaders(404, -1);
          return;
        }
        byte[] body;
        try {
          body = render.call().getBytes(StandardCharsets.UTF_8);
        } catch (Exception e) {
          x.sendResponseHeaders(500, -1);
          return;
        }
        x.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        x.sendResponseHeaders(200, body.length);
        try (OutputStream o = x.getResponseBody()) {
          o.write(body);
        }
      }
    });
    http.start();
  }

  public int port() {
    return http.getAddress().getPort();
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
