package io.fieldcap.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

/** The server's configuration: sections {@code server} (with its object store and web app) and {@code mqtt}. */
final class ServerSections {
  private ServerSections() {}

  /** Loads a server config: sections {@code server} and {@code mqtt}. */
  static ServerConfig load(Path file, List<String> sets) throws ConfigException {
    ConfigTree tree = file == null ? ConfigTree.empty() : ConfigTree.read(file);
    tree.applySets(sets);
    List<String> errors = new ArrayList<>(Section.unknownSections(tree, new LinkedHashSet<>(List.of("server", "mqtt"))));
    Section s = new Section(tree, "server", errors);
    String dir = s.string("data-dir", null, "a folder for images and fieldcap.db");
    long max = s.bytes("max-frame-bytes", Sizes.parse("64MiB"), 1024);
    long maxChunk = s.bytes("max-chunk-bytes", Sizes.parse("8MiB"), 16 * 1024);
    long maxPixels = s.integer("max-pixels", (int) ServerConfig.MAX_PIXELS, 1, Integer.MAX_VALUE,
        "width × height of the largest image accepted");
    if (maxChunk > 256L * 1024 * 1024) {
      s.reject("max-chunk-bytes", "'" + Sizes.format(maxChunk) + "' is too large; expected at most 256 MiB (the MQTT packet limit)");
    }
    long perDevice = s.bytes("max-staged-bytes-per-device", Sizes.parse("256MiB"), 1024);
    if (perDevice < max) {
      s.reject("max-staged-bytes-per-device", "'" + Sizes.format(perDevice) + "' is below server.max-frame-bytes ("
          + Sizes.format(max) + "); a frame of the largest size could never be received");
    }
    long staged = s.bytes("max-staged-bytes", Sizes.parse("4GiB"), 1024);
    if (staged < perDevice) {
      s.reject("max-staged-bytes", "'" + Sizes.format(staged) + "' is below server.max-staged-bytes-per-device ("
          + Sizes.format(perDevice) + ")");
    }
    long minFree = s.bytes("min-free-bytes", Sizes.parse("256MiB"), 0);
    long deviceMessages = s.integer("max-device-messages-per-second", 2000, 0, 1_000_000, "messages per second, 0 for no cap");
    long deviceBytes = s.bytes("max-device-bytes-per-second", Sizes.parse("64MiB"), 0);
    Duration staging = s.duration("staging-timeout", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofDays(7));
    String group = s.checked("share-group", "fieldcap-ingest", "a shared-subscription group name",
        v -> v.matches("[A-Za-z0-9._-]{1,64}") ? null : "'" + v + "' is not allowed; expected 1 to 64 characters from [A-Za-z0-9._-]");
    Path signingKey = s.readableFile("signing-key");
    ServerConfig.Http http = http(s.sub("http"));
    List<URI> brokers = new ArrayList<>();
    for (String b : s.strings("brokers").stream().flatMap(v -> Arrays.stream(v.split(","))).map(String::strip)
        .filter(v -> !v.isEmpty()).toList()) {
      String problem = ConfigLoader.checkBroker(b);
      if (problem != null) {
        s.reject("brokers", problem);
      } else if (brokers.contains(URI.create(b))) {
        s.reject("brokers", "'" + b + "' is listed twice");
      } else {
        brokers.add(URI.create(b));
      }
    }
    ObjectStoreConfig objects = objectStore(s);
    String database = s.checked("database", "sqlite:", "sqlite:, or postgresql://[user@]host[:port]/database", v -> {
      try {
        DatabaseUrl.check(v);
        return null;
      } catch (IOException e) {
        return e.getMessage();
      }
    });
    String measure = s.checked("measure", "on-ingest", "on-ingest or deferred",
        v -> v.equals("on-ingest") || v.equals("deferred") ? null : "'" + v + "' is not allowed; expected on-ingest or deferred");
    s.finish();
    Section m = new Section(tree, "mqtt", errors);
    MqttConfig mqtt = ConfigLoader.mqtt(m, brokers.isEmpty() ? null : brokers.get(0).toString());
    m.finish();
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    if (brokers.isEmpty()) {
      brokers.add(mqtt.broker());
    } else if (!brokers.contains(mqtt.broker())) {
      throw new ConfigException("mqtt.broker: '" + mqtt.broker() + "' is not one of server.brokers " + brokers
          + "; leave it out, or list it there too");
    }
    return new ServerConfig(Path.of(dir), max, maxChunk, perDevice, staged, minFree, deviceMessages, deviceBytes, staging, group,
        signingKey, mqtt, http, List.copyOf(brokers), "on-ingest".equals(measure), objects,
        DatabaseUrl.isPostgres(database) ? database : null, maxPixels);
  }

  /** {@code server.store} ({@code file}, or {@code s3://bucket/prefix}) and {@code server.s3.*}; null for files. */
  private static ObjectStoreConfig objectStore(Section s) {
    String store = s.checked("store", "file", "file, or s3://bucket/prefix", v -> v.equals("file") ? null
        : ObjectStoreConfig.problem(v) == null ? null
        : "'" + v + "' is not allowed; expected file, or s3://BUCKET[/PREFIX] (a bucket name of 3 to 63 characters from [a-z0-9.-])");
    Section s3 = s.sub("s3");
    String endpoint = s3.optionalString("endpoint", "http(s)://host[:port] of an S3 API");
    if (endpoint != null && !endpoint.matches("https?://[^/\\s]+/?")) {
      s3.reject("endpoint", "'" + endpoint + "' is not allowed; expected http(s)://host[:port] of an S3 API");
    }
    String region = s3.string("region", "us-east-1", "the signing region");
    boolean pathStyle = s3.bool("path-style", endpoint != null);
    long cache = s3.bytes("cache-bytes", Sizes.parse("2GiB"), 0);
    s3.finish();
    if (store == null || store.equals("file")) {
      return null;
    }
    return ObjectStoreConfig.of(store, endpoint, region, pathStyle, cache);
  }

  /** {@code server.http}: off unless {@code listen} is set; then a tokens file is required. */
  private static ServerConfig.Http http(Section h) {
    String listen = h.optionalString("listen", "HOST:PORT, e.g. 127.0.0.1:8080");
    Path tokens = h.readableFile("tokens-file");
    Path cert = h.readableFile("tls-cert");
    Path key = h.readableFile("tls-key");
    String publicUrl = h.checkedOptional("public-url", "the app's address as users reach it, e.g. https://fieldcap.example:8443",
        ServerSections::checkPublicUrl);
    h.finish();
    if (listen == null) {
      return null;
    }
    int colon = listen.lastIndexOf(':');
    int port = -1;
    try {
      port = colon < 1 ? -1 : Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      // reported below
    }
    if (port < 0 || port > 65535) {
      h.reject("listen", "'" + listen + "' is not HOST:PORT (e.g. 127.0.0.1:8080, or 0.0.0.0:8443 for every interface)");
      return null;
    }
    if (tokens == null) {
      h.reject("tokens-file", "is required with server.http.listen: every page and API call needs a token"
          + " (fieldcap tokens add --file FILE --name NAME --role viewer)");
      return null;
    }
    if ((cert == null) != (key == null)) {
      h.reject(cert == null ? "tls-cert" : "tls-key", "is required with server.http." + (cert == null ? "tls-key" : "tls-cert"));
      return null;
    }
    return new ServerConfig.Http(listen.substring(0, colon).replaceAll("^\\[|\\]$", ""), port, tokens, cert, key,
        publicUrl == null ? null : URI.create(publicUrl.replaceAll("/+$", "")));
  }

  /** Null when {@code v} is an http(s) URL with a host and nothing after the path; else what is wrong. */
  private static String checkPublicUrl(String v) {
    try {
      URI u = new URI(v);
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
        return "is not an http:// or https:// URL with a host";
      }
      if (u.getQuery() != null || u.getFragment() != null || u.getUserInfo() != null) {
        return "must not have a user, a query or a fragment";
      }
      return null;
    } catch (URISyntaxException e) {
      return "is not a URL (" + e.getReason() + ")";
    }
  }
}
