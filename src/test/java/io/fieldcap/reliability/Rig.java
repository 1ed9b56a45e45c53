package io.fieldcap.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldcap.model.Sha256;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.Mosquitto;
import io.fieldcap.testing.TestMedia;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A real deployment in miniature for fault tests: a Mosquitto, {@code fieldcap server} and
 * {@code fieldcap agent} as separate processes from the packaged jar, the agent reading a folder of
 * distinct real frames (so the frames it accepted are exactly the folder's files), and the checks:
 * every frame on the server once, each image matching its SHA-256.
 */
final class Rig implements AutoCloseable {
  static final String DEVICE = "torture-cam";
  private static final ObjectMapper JSON = new ObjectMapper();

  final Path dir;
  final Path input;
  final Path spool;
  final Path data;
  final Mosquitto broker;
  private final Map<String, String> agentSets = new LinkedHashMap<>();
  private ChildProcess agent;
  private ChildProcess server;
  /** With an object store: the servers keep images there (fieldcap-server.jar) and the tally reads them back from it. */
  private io.fieldcap.testing.S3Server s3;
  private io.fieldcap.testing.PgServer pg;
  private final StringBuilder log = new StringBuilder();

  Rig(Path dir, int frames) throws Exception {
    this(dir, frames, dir.resolve("spool"), dir.resolve("data"));
  }

  /** With the spool and the server's data folder where the caller says (on a lossy mount: {@code PowerLossIT}). */
  Rig(Path dir, int frames, Path spool, Path data) throws Exception {
    this.dir = dir;
    this.input = dir.resolve("input");
    this.spool = spool;
    this.data = data;
    Files.createDirectories(input);
    // distinct real frames: vtest at 10 fps, small so a run holds many, several chunks each
    TestMedia.run(List.of("ffmpeg", "-loglevel", "error", "-y", "-i", TestMedia.vtestAvi().toString(), "-vf",
        "fps=10,scale=384:288", "-frames:v", Integer.toString(frames), "-q:v", "3", input.resolve("%05d.jpg").toString()));
    broker = Mosquitto.plain(dir.resolve("mosquitto")).start();
    agentSet("device.id=" + DEVICE, "source.uri=dir://" + input, "source.fps=25", "spool.dir=" + spool,
        "mqtt.broker=" + broker.uri(), "mqtt.chunk-bytes=16KiB", "mqtt.ack-timeout=2s", "agent.summary-interval=5s",
        "quality.duplicates=false"); // delivery is under test here, not selection: every frame is kept
  }

  int inputFrames() throws IOException {
    try (Stream<Path> s = Files.list(input)) {
      return (int) s.count();
    }
  }

  /** Sets agent config keys ({@code key=value}, replacing earlier values) for the following starts. */
  Rig agentSet(String... sets) {
    for (String s : sets) {
      agentSets.put(s.substring(0, s.indexOf('=')), s);
    }
    return this;
  }

  private static String[] withSets(List<String> head, Iterable<String> sets) {
    List<String> args = new ArrayList<>(head);
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    return args.toArray(String[]::new);
  }

  ChildProcess startAgent(Map<String, String> env) throws IOException {
    keepLog(agent, "agent");
    agent = ChildProcess.fieldcapWithEnv(env, withSets(List.of("agent"), agentSets.values()));
    return agent;
  }

  ChildProcess startAgent() throws IOException {
    return startAgent(Map.of());
  }

  ChildProcess startServer(Map<String, String> env) throws IOException {
    keepLog(server, "server");
    String database = "server.database=" + (pg == null ? "sqlite:" : pg.url);
    if (s3 != null) {
      Map<String, String> all = new LinkedHashMap<>(env);
      all.put("AWS_ACCESS_KEY_ID", s3.accessKey);
      all.put("AWS_SECRET_ACCESS_KEY", s3.secretKey);
      server = ChildProcess.fieldcapServerJar(all, "server", "--broker", broker.uri(), "--data-dir", data.toString(),
          "--set", "server.staging-timeout=10m", "--set", "server.store=s3://" + s3.bucket + "/torture",
          "--set", "server.s3.endpoint=" + s3.endpoint, "--set", "server.s3.region=" + s3.region, "--set", database);
      return server;
    }
    server = ChildProcess.fieldcapWithEnv(env, "server", "--broker", broker.uri(), "--data-dir", data.toString(),
        "--set", "server.staging-timeout=10m", "--set", database);
    return server;
  }

  /** From now on the servers keep their metadata in PostgreSQL (a temporary cluster). */
  void usePostgres() throws Exception {
    pg = io.fieldcap.testing.PgServer.start();
  }

  /** The server's metadata: SQLite in the data folder, or PostgreSQL. */
  private Connection metadata() throws Exception {
    return pg != null ? pg.connect() : DriverManager.getConnection("jdbc:sqlite:" + data.resolve("fieldcap.db") + "?open_mode=1");
  }

  /** From now on the servers keep images in an S3 API (S3Proxy, or the endpoint the environment names). */
  void useObjectStore() throws Exception {
    s3 = io.fieldcap.testing.S3Server.start(dir.resolve("s3"));
  }

  private byte[] image(String path) throws IOException {
    if (s3 == null) {
      Path image = data.resolve(path);
      return Files.isRegularFile(image) ? Files.readAllBytes(image) : null;
    }
    try (var c = s3.client()) {
      return c.getObjectAsBytes(b -> b.bucket(s3.bucket).key("torture/" + path)).asByteArray();
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      return null;
    }
  }

  ChildProcess startServer() throws IOException {
    return startServer(Map.of());
  }

  /** SIGKILL: no shutdown hook, no drain, no flush. */
  void killAgent() throws InterruptedException {
    kill(agent);
  }

  void killPostgres() throws Exception {
    pg.crash();
  }

  void restartPostgres() throws Exception {
    pg.restart();
  }

  void killServer() throws InterruptedException {
    kill(server);
  }

  private static void kill(ChildProcess p) throws InterruptedException {
    if (p != null) {
      p.close(); // destroyForcibly: SIGKILL
    }
  }

  private void keepLog(ChildProcess p, String name) {
    if (p != null) {
      p.close();
      String out = p.output();
      log.append("---- ").append(name).append('\n').append(out, Math.max(0, out.length() - 4000), out.length()).append('\n');
    }
  }

  /** The last lines of every process this rig ran, for failure messages. */
  String logs() {
    return log + "---- agent (current)\n" + (agent == null ? "" : agent.output()) + "\n---- server (current)\n"
        + (server == null ? "" : server.output());
  }

  /** Waits until the server holds {@code n} frames of the device and the device's spool is empty. */
  void awaitDrained(int n, Duration timeout) throws Exception {
    awaitTrue(() -> serverFrames() >= n && spoolEmpty(), timeout, "the server to hold " + n + " frames and the spool to be empty");
  }

  /**
   * Waits until the agent has taken every file of the folder and has nothing pending or in flight:
   * whatever it could deliver is delivered, and what is missing on the server is lost, not late.
   */
  void awaitSettled(Duration timeout) throws Exception {
    int files = inputFrames();
    awaitTrue(() -> {
      Map<String, Long> s = spoolStats();
      return spoolEmpty() && s.getOrDefault("takenItems", 0L) >= files;
    }, timeout, "the agent to take all " + files + " files and send them");
  }

  /** Stops the agent with SIGTERM, as systemd does, and checks it exits 0. */
  void stopAgent() throws InterruptedException {
    // a SIGTERM before the JVM has installed fieldcap's handler ends it with the JVM's 143
    assertThat(agent.waitForLine(l -> l.contains("Agent: agent " + DEVICE + " started"), Duration.ofSeconds(30)))
        .as(this::logs).isTrue();
    agent.terminate();
    assertThat(agent.waitFor(Duration.ofSeconds(15))).as(this::logs).isZero();
  }

  void awaitTrue(BooleanSupplier cond, Duration timeout, String what) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; server has " + serverFrames()
            + " frames; spool: " + spoolStats() + "\n" + logs());
      }
      Thread.sleep(250);
    }
  }

  int serverFrames() {
    if (pg == null && !Files.exists(data.resolve("fieldcap.db"))) {
      return 0;
    }
    try (Connection c = metadata();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM frames WHERE device = '" + DEVICE + "'")) {
      return r.next() ? r.getInt(1) : 0;
    } catch (Exception e) {
      return 0; // being created, or busy
    }
  }

  /** The device spool's counters and frame states, read from its database (works while the agent runs). */
  Map<String, Long> spoolStats() {
    Map<String, Long> out = new LinkedHashMap<>();
    Path db = spool.resolve("spool.db");
    if (!Files.exists(db)) {
      return out;
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db + "?open_mode=1");
        Statement s = c.createStatement()) {
      c.setAutoCommit(false); // one snapshot: the agent commits acks between these queries
      try (ResultSet r = s.executeQuery("SELECT state, count(*) FROM frames GROUP BY state")) {
        while (r.next()) {
          out.put(r.getString(1), r.getLong(2));
        }
      }
      try (ResultSet r = s.executeQuery("SELECT name, value FROM counters")) {
        while (r.next()) {
          out.put(r.getString(1), r.getLong(2));
        }
      }
      try (ResultSet r = s.executeQuery("SELECT count(*) FROM taken_items")) {
        out.put("takenItems", r.next() ? r.getLong(1) : 0);
      }
    } catch (Exception e) {
      out.put("unreadable", 1L);
    }
    return out;
  }

  private boolean spoolEmpty() {
    Map<String, Long> s = spoolStats();
    return !s.containsKey("unreadable") && s.getOrDefault("pending", 0L) == 0 && s.getOrDefault("inflight", 0L) == 0
        && s.getOrDefault("captured", 0L) > 0;
  }

  /**
   * The spool's accounting, read from outside as {@code spool stats} does: {@code captured = pending +
   * inFlight + acked + evicted + dropped + rejected + failed}. Holds at any moment, also right after a
   * kill: a frame's capture is counted in the same step as its fate.
   */
  void assertAccounted(String when) {
    Map<String, Long> s = spoolStats();
    if (s.containsKey("unreadable") || !s.containsKey("captured")) {
      return; // no spool yet, or locked for an instant
    }
    long rejected = s.entrySet().stream().filter(e -> e.getKey().startsWith("rejected:")).mapToLong(Map.Entry::getValue).sum();
    long right = s.getOrDefault("pending", 0L) + s.getOrDefault("inflight", 0L) + s.getOrDefault("acked", 0L)
        + s.getOrDefault("evicted", 0L) + s.getOrDefault("dropped", 0L) + rejected + s.getOrDefault("failed", 0L);
    assertThat(s.get("captured")).as("captured = pending + inFlight + acked + evicted + dropped + rejected + failed %s: %s",
        when, s).isEqualTo(right);
  }

  /**
   * The device's frames on the server whose image is there and matches its SHA-256: frame id to
   * SHA-256; the others are counted in {@code corrupt[0]}. Opens the database read-write, as the
   * server's next start would (a WAL left by a power cut is recovered, never repaired by hand).
   */
  Map<String, String> intactFrames(int[] corrupt) throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    if (pg == null && !Files.exists(data.resolve("fieldcap.db"))) {
      return out;
    }
    try (Connection c = pg != null ? pg.connect() : DriverManager.getConnection("jdbc:sqlite:" + data.resolve("fieldcap.db"));
        Statement s = c.createStatement()) {
      if (pg == null) {
        try (ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
          assertThat(r.next() ? r.getString(1) : "").as("the server's database after a power cut").isEqualTo("ok");
        }
        try (ResultSet r = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'frames'")) {
          if (!r.next() || r.getInt(1) == 0) {
            return out; // cut before the server's first start had created its tables: nothing was acked yet
          }
        }
      }
      try (ResultSet r = s.executeQuery("SELECT frame_id, sha256, path FROM frames WHERE device = '" + DEVICE + "'")) {
        while (r.next()) {
          byte[] image = image(r.getString(3));
          if (image == null || !Sha256.hex(image).equals(r.getString(2))) {
            corrupt[0]++;
          } else {
            out.put(r.getString(1), r.getString(2));
          }
        }
      }
    }
    return out;
  }

  /** The spool's database opens (recovering its WAL, as the agent's next start does) and is intact. */
  void assertSpoolOpens(String when) throws Exception {
    Path db = spool.resolve("spool.db");
    if (!Files.exists(db)) {
      return;
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
      assertThat(r.next() ? r.getString(1) : "").as("the spool's database %s", when).isEqualTo("ok");
    }
  }

  /** What the server holds for the device, checked against the input folder. */
  record Tally(int accepted, int stored, int lost, int duplicated, int corrupt) {}

  /**
   * Counts: accepted = the folder's files (the agent takes each once, its identity committed with
   * the frame); stored = the server's rows for the device; duplicated = rows beyond one per distinct
   * image; corrupt = rows whose image is missing or does not match its SHA-256; lost = accepted
   * frames with no intact row.
   */
  Tally tally() throws Exception {
    return tally(inputFrames());
  }

  /** {@link #tally()} for a source other than the folder: {@code accepted} from the spool's counters. */
  Tally tally(int accepted) throws Exception {
    int stored = 0;
    int corrupt = 0;
    Set<String> distinct = new HashSet<>();
    try (Connection c = metadata();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT sha256, path FROM frames WHERE device = '" + DEVICE + "'")) {
      while (r.next()) {
        stored++;
        byte[] image = image(r.getString(2));
        if (image == null || !Sha256.hex(image).equals(r.getString(1))) {
          corrupt++;
          continue;
        }
        distinct.add(r.getString(1));
      }
    }
    int duplicated = stored - corrupt - distinct.size();
    return new Tally(accepted, stored, Math.max(0, accepted - distinct.size()), duplicated, corrupt);
  }

  /** Appends one row of the reliability table to target/reliability/results.jsonl. */
  static void record(String fault, int trials, Tally t, String command) throws IOException {
    Path out = Path.of("target/reliability/results.jsonl");
    Files.createDirectories(out.getParent());
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("fault", fault);
    row.put("trials", trials);
    row.put("accepted", t.accepted());
    row.put("stored", t.stored());
    row.put("lost", t.lost());
    row.put("duplicated", t.duplicated());
    row.put("corrupt", t.corrupt());
    row.put("command", command);
    Files.writeString(out, JSON.writeValueAsString(row) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  static void assertPerfect(Tally t, String logs) {
    assertThat(t.lost()).as("lost\n%s", logs).isZero();
    assertThat(t.duplicated()).as("duplicated\n%s", logs).isZero();
    assertThat(t.corrupt()).as("corrupt\n%s", logs).isZero();
    assertThat(t.stored()).as("stored").isEqualTo(t.accepted());
  }

  @Override
  public void close() {
    if (agent != null) {
      agent.close();
    }
    if (server != null) {
      server.close();
    }
    broker.close();
    if (s3 != null) {
      s3.close();
    }
    if (pg != null) {
      pg.close();
    }
  }
}
