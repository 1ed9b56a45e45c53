package io.fieldcap.web;

import io.fieldcap.model.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Access tokens for the web app and its API, from a file ({@code server.http.tokens-file}) holding one
 * line per token: {@code NAME ROLE SHA256-OF-TOKEN}. Tokens are stored hashed: the file alone lets
 * nobody in. {@code fieldcap tokens add} prints a new token once. The file is read again when it
 * changes, so tokens are added and revoked without a restart.
 */
public final class Tokens {
  /** What a token may do: each role can do what the ones before it can. */
  public enum Role {
    VIEWER, REVIEWER, ADMIN;

    public static Role parse(String s) {
      try {
        return valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("role '" + s + "' is not viewer, reviewer or admin");
      }
    }

    public boolean allows(Role needed) {
      return ordinal() >= needed.ordinal();
    }
  }

  /** Who a token belongs to. */
  public record Identity(String name, Role role) {}

  private record Entry(String name, Role role, byte[] hash) {}

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  private final Path file;
  private volatile List<Entry> entries = List.of();
  private volatile long loadedModified = -1;

  public Tokens(Path file) throws IOException {
    this.file = file;
    reload();
  }

  private synchronized void reload() throws IOException {
    long modified = Files.getLastModifiedTime(file).toMillis() ^ Files.size(file);
    if (modified == loadedModified) {
      return;
    }
    List<Entry> out = new ArrayList<>();
    int n = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      n++;
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] p = l.split("\\s+");
      if (p.length != 3 || !p[2].matches("[0-9a-f]{64}")) {
        throw new IOException(file + " line " + n + ": expected NAME ROLE SHA256 (fieldcap tokens add writes them)");
      }
      try {
        out.add(new Entry(p[0], Role.parse(p[1]), HexFormat.of().parseHex(p[2])));
      } catch (IllegalArgumentException e) {
        throw new IOException(file + " line " + n + ": " + e.getMessage());
      }
    }
    entries = out;
    loadedModified = modified;
  }

  /** Who the token is, or null: compared by hash, in constant time. */
  public Identity verify(String token) {
    if (token == null || token.isEmpty() || token.length() > 256) {
      return null;
    }
    try {
      reload();
    } catch (IOException e) {
      // keep the tokens loaded before: a half-written file must not lock everyone out
    }
    byte[] h = HexFormat.of().parseHex(Sha256.hex(token.getBytes(StandardCharsets.UTF_8)));
    Identity found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.hash(), h)) {
        found = new Identity(e.name(), e.role());
      }
    }
    return found;
  }

  /** Adds a token for {@code name} with {@code role} to the file (created with mode 600) and returns it; it is not stored. */
  public static String add(Path file, String name, Role role) throws IOException {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("--name '" + name + "' must be 1 to 64 characters from [A-Za-z0-9._@-]");
    }
    byte[] raw = new byte[32];
    new SecureRandom().nextBytes(raw);
    String token = "fc_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    if (!Files.exists(file)) {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.createFile(file);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX filesystem
      }
    }
    Files.writeString(file, name + " " + role.name().toLowerCase(Locale.ROOT) + " "
        + Sha256.hex(token.getBytes(StandardCharsets.UTF_8)) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    return token;
  }
}
