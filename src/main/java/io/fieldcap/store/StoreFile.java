package io.fieldcap.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldcap.config.DatabaseUrl;
import io.fieldcap.config.ObjectStoreConfig;
import io.fieldcap.fs.Durable;
import io.fieldcap.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code DATA/store.json}: where a data folder's images live when not in {@code DATA/images}; and
 * {@code DATA/database.json}: where its metadata lives when not in {@code DATA/fieldcap.db}. So every
 * command given {@code --data-dir} (export, import, clean, the web app) finds both. Never holds
 * credentials: those come from the AWS and PostgreSQL environment ({@code PGPASSWORD}, {@code
 * ~/.pgpass}) of whoever runs the command.
 */
final class StoreFile {
  private StoreFile() {}

  static ObjectStoreConfig read(Path dir) throws IOException {
    Path f = dir.resolve("store.json");
    if (!Files.exists(f)) {
      return null;
    }
    JsonNode n = Json.MAPPER.readTree(f.toFile());
    if (!"s3".equals(n.path("type").asText())) {
      throw new IOException(f + ": unknown store type '" + n.path("type").asText() + "'");
    }
    return new ObjectStoreConfig(n.path("bucket").asText(), n.path("prefix").asText(""),
        n.hasNonNull("endpoint") ? n.get("endpoint").asText() : null, n.path("region").asText("us-east-1"),
        n.path("pathStyle").asBoolean(false), n.path("cacheBytes").asLong(2L << 30));
  }

  static void write(Path dir, ObjectStoreConfig s) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "s3");
    m.put("bucket", s.bucket());
    m.put("prefix", s.prefix());
    m.put("endpoint", s.endpoint());
    m.put("region", s.region());
    m.put("pathStyle", s.pathStyle());
    m.put("cacheBytes", s.cacheBytes());
    // through a temporary file of its own (servers starting at once each write theirs), fsynced, folder fsynced
    Durable.write(dir.resolve("store.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
  }

  /** The PostgreSQL database the folder's metadata is in, or null (SQLite in the folder). */
  static String readDatabase(Path dir) throws IOException {
    Path f = dir.resolve("database.json");
    if (!Files.exists(f)) {
      return null;
    }
    JsonNode n = Json.MAPPER.readTree(f.toFile());
    String url = n.path("url").asText("");
    if (!"postgresql".equals(n.path("type").asText()) || !DatabaseUrl.isPostgres(url)) {
      throw new IOException(f + ": expected {\"type\": \"postgresql\", \"url\": \"postgresql://...\"}");
    }
    return url;
  }

  static void writeDatabase(Path dir, String url) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "postgresql");
    m.put("url", url);
    Durable.write(dir.resolve("database.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
  }
}
