package io.fieldcap.web;

import io.fieldcap.model.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access tokens for the web app and its API, from a file ({@code server.http.tokens-file}) holding one
 * line per token: {@code NAME ROLE SHA256-OF-TOKEN}. Tokens are stored hashed: the file alone lets
 * nobody in. {@code fieldcap tokens add} prints a new token once. The file is read again when it
 * changes, so tokens are added and revoked without a restart; a file that is gone or broken refuses
 * everyone until it is fixed.
 */
public final class Tokens {
  private static final Logger log = LoggerFactory.getLogger(Tokens.class);

  /**
   * What a token may do: viewer, reviewer and admin each can do what the ones before it can; a trainer
   * can do what a viewer can, and download datasets (which a reviewer cannot; an admin can).
   */
  public enum Role {
    VIEWER, REVIEWER, TRAINER, ADMIN;

    public static Role parse(String s) {
      try {
        return valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("role '" + s + "' is not viewer, reviewer, trainer or admin");
      }
    }

    public boolean allows(Role needed) {
      return switch (needed) {
        case VIEWER -> true;
        case REVIEWER -> this == REVIEWER || this == ADMIN;
        case TRAINER -> this == TRAINER || this == ADMIN;
        case ADMIN -> this == ADMIN;
      };
    }
  }

  /** Who a token belongs to. */
  public record Identity(String name, Role role) {}

  private record Entry(String name, Role role, byte[] hash) {}

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  private final Path file;
  private volatile List<Entry> entries = List.of();
  private volatile long loadedModified = -1;
  private volatile String problem;

  /** Reads the tokens file; a file that cannot be read or has a malformed line stops the server from starting. */
  public Tokens(Path file) throws IOException {
    this.file = file;
    entries = read(file);
    loadedModified = stamp(file);
  }

  private static long stamp(Path file) throws IOException {
    return Files.getLastModifiedTime(file).toMillis() ^ Files.size(file);
  }

  /**
   * Reads the file again when it changed. Fails closed: a file that is gone, unreadable or has a
   * malformed line refuses every token (and says why in the log, once) until it is fixed, so that a
   * broken revocation never leaves old tokens working.
   */
  private synchronized void reload() {
    try {
      long modified = stamp(file);
      if (modified == loadedModified && problem == null) {
        return;
      }
      List<Entry> read = read(file);
      entries = read;
      loadedModified = modified;
      if (problem != null) {
        log.warn("web: tokens file {} is readable again: {} tokens", file, read.size());
      }
      problem = null;
    } catch (IOException e) {
      entries = List.of();
      loadedModified = -1;
      String why = e instanceof NoSuchFileException ? file + " is gone" : e.getMessage();
      if (!why.equals(problem)) {
        log.error("web: refusing every token until the tokens file is fixed: {}", why);
      }
      problem = why;
    }
  }

  private static List<Entry> read(Path file) throws IOException {
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
    return out;
  }

  /** The SHA-256 of a token, as the file holds it. */
  static String hash(String token) {
    return Sha256.hex(token.getBytes(StandardCharsets.UTF_8));
  }

  /** Who the token is, or null: compared by hash, in constant time. */
  public Identity verify(String token) {
    if (token == null || token.isEmpty() || token.length() > 256) {
      return null;
    }
    return verifyHash(hash(token));
  }

  /** Who the token with this SHA-256 is, or null (revoked, or the file is broken). */
  Identity verifyHash(String sha256) {
    reload();
    byte[] h = HexFormat.of().parseHex(sha256);
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
