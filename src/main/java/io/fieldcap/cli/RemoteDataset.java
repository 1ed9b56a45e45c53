package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * {@code fieldcap train --server URL}: a frozen dataset downloaded from a fieldcap server (the
 * trainer role's {@code GET /api/datasets/NAME/export}), resuming a partial download by byte range
 * when the server still has the same zip (its ETag), then unpacked for the trainer.
 */
final class RemoteDataset {
  private RemoteDataset() {}

  /** Downloads dataset {@code name} as {@code format} into {@code dir/dataset.zip} (resuming), unpacks it into {@code into}. */
  static void fetch(URI server, String token, String name, String format, Path dir, Path into, PrintWriter log)
      throws IOException, InterruptedException, ConfigException {
    URI url = server.resolve("/api/datasets/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/export?format=" + format);
    Path zip = dir.resolve("dataset.zip");
    Path part = dir.resolve("dataset.zip.part");
    Path etagFile = dir.resolve("dataset.zip.etag");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15)).build();
    if (!Files.isRegularFile(zip)) {
      HttpRequest.Builder b = HttpRequest.newBuilder(url).header("Authorization", "Bearer " + token);
      long have = Files.isRegularFile(part) ? Files.size(part) : 0;
      if (have > 0 && Files.isRegularFile(etagFile)) {
        b.header("Range", "bytes=" + have + "-").header("If-Range", Files.readString(etagFile).strip());
      }
      HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        if (r.statusCode() == 401 || r.statusCode() == 403) {
          throw new ConfigException("--token: the server refused it (" + r.statusCode() + "): " + new String(in.readAllBytes(),
              StandardCharsets.UTF_8) + " (a token with the trainer role: fieldcap tokens add --role trainer)");
        }
        if (r.statusCode() == 404) {
          throw new ConfigException("--dataset: the server has no dataset named '" + name + "'");
        }
        if (r.statusCode() != 200 && r.statusCode() != 206) {
          throw new IOException("the server answered " + r.statusCode() + " for " + url + ": "
              + new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        boolean resumed = r.statusCode() == 206;
        r.headers().firstValue("ETag").ifPresent(e -> {
          try {
            Files.writeString(etagFile, e);
          } catch (IOException ignored) {
            // without it the next try starts from the beginning
          }
        });
        log.printf("train: %s dataset %s from %s%n", resumed ? "resuming (from byte " + have + ")" : "downloading", name, server);
        log.flush();
        try (OutputStream out = Files.newOutputStream(part, resumed
            ? new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.APPEND}
            : new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE})) {
          in.transferTo(out);
        }
      }
      Files.move(part, zip, StandardCopyOption.ATOMIC_MOVE);
    }
    unzip(zip, into);
  }

  /** The zip's files under {@code into}, their first path component (the dataset's name) left off; nothing outside it. */
  static void unzip(Path zip, Path into) throws IOException {
    Path root = into.toAbsolutePath().normalize();
    try (ZipInputStream z = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
        String n = e.getName();
        int slash = n.indexOf('/');
        if (e.isDirectory() || slash < 0) {
          continue;
        }
        Path target = root.resolve(n.substring(slash + 1)).normalize();
        if (!target.startsWith(root)) {
          throw new IOException("the dataset zip names a file outside its folder: " + n);
        }
        Files.createDirectories(target.getParent());
        Files.copy(z, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
