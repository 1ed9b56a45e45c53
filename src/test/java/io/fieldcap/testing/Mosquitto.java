package io.fieldcap.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Mosquitto broker on a free loopback port, with a generated config (persistence off).
 * Start, stop and restart it to simulate outages.
 */
public final class Mosquitto implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final String extra;
  private final String whole;
  private ChildProcess process;

  private Mosquitto(Path dir, int port, String extra) {
    this(dir, port, extra, null);
  }

  private Mosquitto(Path dir, int port, String extra, String whole) {
    this.dir = dir;
    this.port = port;
    this.extra = extra;
    this.whole = whole;
  }

  /** A plain listener, anonymous access. Not started. */
  public static Mosquitto plain(Path dir) throws IOException {
    return plain(dir, "");
  }

  /** A plain listener with extra mosquitto.conf lines. Not started. */
  public static Mosquitto plain(Path dir, String extraConf) throws IOException {
    return new Mosquitto(dir, TestMedia.freePort(), "allow_anonymous true\n" + extraConf);
  }

  /** A TLS listener requiring a client certificate from the CA and a user name and password. */
  public static Mosquitto tls(Path dir, Path certs, String user, String password) throws Exception {
    Path pw = dir.resolve("passwords");
    Files.createDirectories(dir);
    TestMedia.run(List.of("mosquitto_passwd", "-b", "-c", pw.toString(), user, password));
    return new Mosquitto(dir, TestMedia.freePort(), """
        allow_anonymous false
        password_file %s
        cafile %s
        certfile %s
        keyfile %s
        require_certificate true
        tls_version tlsv1.2
        """.formatted(pw, certs.resolve("ca.pem"), certs.resolve("broker.pem"), certs.resolve("broker.key")));
  }

  /**
   * A broker run from a complete mosquitto.conf (for example the one scripts/gen-certs.sh writes),
   * listening on {@code port} on the loopback address, which the file must name. Not started.
   */
  public static Mosquitto fromConfig(Path dir, Path conf, int port) throws IOException {
    return new Mosquitto(dir, port, null, Files.readString(conf));
  }

  public int port() {
    return port;
  }

  public String uri() {
    String conf = whole != null ? whole : extra;
    return (conf.contains("certfile") ? "ssl" : "tcp") + "://127.0.0.1:" + port;
  }

  public Mosquitto start() throws Exception {
    Files.createDirectories(dir);
    Path conf = dir.resolve("mosquitto.conf");
    // run as the current user: as root, mosquitto would switch to user "mosquitto", which cannot read a test's files
    String user = "user " + System.getProperty("user.name") + "\n";
    Files.writeString(conf, whole != null ? user + whole : "listener " + port + " 127.0.0.1\n" + user
        + "persistence false\nset_tcp_nodelay true\nlog_type error\nlog_type warning\n" + extra);
    process = ChildProcess.start(List.of("mosquitto", "-c", conf.toString()));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return this;
      } catch (IOException e) {
        if (!process.alive()) {
          throw new IllegalStateException("mosquitto exited: " + process.output());
        }
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("mosquitto did not listen on " + port + ": " + process.output());
  }

  /** Kills the broker (SIGKILL): with persistence off, whatever it held is gone. */
  public void kill() {
    if (process != null) {
      process.close();
      process = null;
    }
  }

  @Override
  public void close() {
    kill();
  }
}
