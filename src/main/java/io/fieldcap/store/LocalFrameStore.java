package io.fieldcap.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.fieldcap.faults.CrashPoint;
import io.fieldcap.model.LabelSet;
import io.fieldcap.protocol.Codec;
import io.fieldcap.protocol.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.sqlite.SQLiteConfig;

/**
 * The store on a local (or shared) filesystem with SQLite metadata. Schema (version 2) of {@code
 * fieldcap.db}:
 *
 * <pre>
 * frames(device, frame_id, seq, captured_at ISO-8601, sha256, bytes, width, height, content_type,
 *        model, labels JSON (the device's pre-labels, never changed), meta JSON,
 *        path (relative to the data folder), received_at ISO-8601, PRIMARY KEY (device, frame_id))
 * revisions(device, frame_id, rev, labels JSON, digest, author, origin, tool, created_at)   see {@link Revisions}
 * datasets(name, created_at, spec JSON, frames, manifest)                                   see {@link Datasets}
 * dataset_frames(dataset, ord, device, frame_id, split, revision, labels JSON, sha256)
 * looks, marks, clean_runs                                                                 see {@link Marks}
 * crawl_log(source, url, outcome, reason, frame_id, at)                                    see {@link CrawlLog}
 * devices(device, state, status JSON, updated_at, last_seen)                               see {@link Devices}
 * (the web app reads frames a page at a time and counts them for its plots through {@link Browse})
 * </pre>
 *
 * <p>Frames of an imported dataset ({@code fieldcap import --source NAME}) are frames whose device
 * is the source's name, with no pre-labels and the dataset's labels as their first revision.
 *
 * <p>Transfers in progress live in {@code staging/DEVICE/FRAME/}: {@code manifest.json} and one file
 * per chunk received, each written whole by rename. They need no fsync: a staged transfer lost in a
 * crash is only asked for again, and the SHA-256 check guards what is assembled.
 */
public final class LocalFrameStore implements FrameStore {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private final Path dir;
  private final Connection c;
  private final ImageStore images;
  private final Revisions revisions;
  private final Datasets datasets;
  private final Marks marks;
  private final CrawlLog crawlLog;
  private final Devices devices;
  private final Browse browse;

  private LocalFrameStore(Path dir, Connection c, ImageStore images) {
    this.dir = dir;
    this.c = c;
    this.images = images;
    this.revisions = new Revisions(this, c);
    this.datasets = new Datasets(this, c);
    this.marks = new Marks(this, c);
    this.crawlLog = new CrawlLog(this, c);
    this.devices = new Devices(this, c);
    this.browse = new Browse(this, c);
  }

  /** The fleet as the server last heard it. */
  public Devices devices() {
    return devices;
  }

  /** What {@code import --format urls} did with each URL. */
  public CrawlLog crawlLog() {
    return crawlLog;
  }

  /** The server's measurements of the images, and the marks of {@code fieldcap clean}. */
  public Marks marks() {
    return marks;
  }

  /** The label revisions of the frames (corrections). */
  public Revisions revisions() {
    return revisions;
  }

  /** The web app's reads: pages of frames, counts for the plots. */
  public Browse browse() {
    return browse;
  }

  /** The frozen datasets. */
  public Datasets datasets() {
    return datasets;
  }

  /** Where images go: {@code file:DATA/images}, or the object store of {@code DATA/store.json}. */
  public ImageStore images() {
    return images;
  }

  /** Opens a data folder with the image store it was set up with ({@code DATA/store.json}; files when there is none). */
  public static LocalFrameStore open(Path dir) throws IOException {
    return open(dir, null);
  }

  /**
   * Opens a data folder; with {@code s3} (the server's {@code server.store: s3://...}) images go to that
   * object store, which is recorded in {@code DATA/store.json} so that every command reading this
   * folder finds them. A folder whose images are files, or in another bucket, is not switched over.
   */
  public static LocalFrameStore open(Path dir, io.fieldcap.config.ObjectStoreConfig s3) throws IOException {
    Files.createDirectories(dir);
    io.fieldcap.config.ObjectStoreConfig recorded = StoreFile.read(dir);
    if (s3 != null && recorded == null && Files.exists(dir.resolve("fieldcap.db")) && hasFrames(dir)) {
      throw new IOException(dir + " keeps its images as files; it cannot be switched to " + s3.describe()
          + " in place (start a new data folder for the object store)");
    }
    if (s3 != null && recorded != null && !(recorded.bucket().equals(s3.bucket()) && recorded.prefix().equals(s3.prefix()))) {
      throw new IOException(dir + " keeps its images in " + recorded.describe() + ", not " + s3.describe());
    }
    if (s3 != null) {
      recorded = s3;
    }
    ImageStore images;
    try {
      images = recorded == null ? new FileImages(dir) : new S3Images(recorded, dir.resolve("cache"));
      if (s3 != null) {
        StoreFile.write(dir, s3); // once the bucket answered: a folder never points at a store it cannot reach
      }
    } catch (NoClassDefFoundError e) {
      throw new IOException(dir + " keeps its images in " + recorded.describe() + ", and this jar has no S3 client;"
          + " run fieldcap-server.jar (the device jar leaves it out)", e);
    }
    try {
      return openWith(dir, images);
    } catch (IOException | RuntimeException e) {
      images.close();
      throw e;
    }
  }

  private static boolean hasFrames(Path dir) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("fieldcap.db"));
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT EXISTS (SELECT 1 FROM frames)")) {
      return r.next() && r.getInt(1) == 1;
    } catch (SQLException e) {
      return false; // no frames table yet
    }
  }

  private static LocalFrameStore openWith(Path dir, ImageStore images) throws IOException {
    Files.createDirectories(dir.resolve("images"));
    Files.createDirectories(dir.resolve("staging"));
    deleteTree(dir.resolve("tmp")); // frames being assembled when the last server stopped: never acked
    Files.createDirectories(dir.resolve("tmp"));
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
    cfg.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    cfg.setBusyTimeout(30_000);
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("fieldcap.db"), cfg.toProperties());
      try (Statement s = c.createStatement()) {
        s.executeUpdate("""
            CREATE TABLE IF NOT EXISTS frames(
              device TEXT NOT NULL, frame_id TEXT NOT NULL, seq INTEGER NOT NULL, captured_at TEXT NOT NULL,
              sha256 TEXT NOT NULL, bytes INTEGER NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
              content_type TEXT NOT NULL, model TEXT, labels TEXT, meta TEXT, path TEXT NOT NULL,
              received_at TEXT NOT NULL, PRIMARY KEY (device, frame_id))""");
        s.executeUpdate("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        s.executeUpdate("CREATE INDEX IF NOT EXISTS frames_by_id ON frames(frame_id)");
        Revisions.create(s);
        Datasets.create(s);
        Marks.create(s);
        CrawlLog.create(s);
        Devices.create(s);
        // the web app's pages, newest first: read backwards, this index gives (captured_at, device, frame_id) all descending
        s.executeUpdate("DROP INDEX IF EXISTS frames_by_time");
        s.executeUpdate("CREATE INDEX IF NOT EXISTS frames_by_capture ON frames(captured_at, device, frame_id)");
        s.executeUpdate("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', '2')");
      }
      return new LocalFrameStore(dir, c, images);
    } catch (SQLException e) {
      throw new IOException("cannot open " + dir.resolve("fieldcap.db") + ": " + e.getMessage(), e);
    }
  }

  public Path dir() {
    return dir;
  }

  private Path stagingDir(String device, String frameId) {
    return dir.resolve("staging").resolve(device).resolve(frameId);
  }

  @Override
  public boolean contains(String device, String frameId) throws IOException {
    return storedSha256(device, frameId) != null;
  }

  @Override
  public synchronized String storedSha256(String device, String frameId) throws IOException {
    try (PreparedStatement p = c.prepareStatement("SELECT sha256 FROM frames WHERE device = ? AND frame_id = ?")) {
      p.setString(1, device);
      p.setString(2, frameId);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private Outcome existing(Manifest m) throws IOException {
    String sha = storedSha256(m.deviceId(), m.frameId());
    return sha == null ? null : sha.equals(m.sha256()) ? Outcome.DUPLICATE : Outcome.CONFLICT;
  }

  @Override
  public synchronized void stage(Manifest m) throws IOException {
    Manifest old = staged(m.deviceId(), m.frameId());
    if (old != null && old.equals(m)) {
      return;
    }
    Path d = stagingDir(m.deviceId(), m.frameId());
    if (old != null) {
      deleteTree(d); // a different manifest under the same id: its chunks are not ours
    }
    Files.createDirectories(d);
    Path tmp = d.resolve("manifest.json." + UUID.randomUUID() + ".part");
    Files.write(tmp, Codec.encode(m));
    Files.move(tmp, d.resolve("manifest.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public Manifest staged(String device, String frameId) throws IOException {
    Path f = stagingDir(device, frameId).resolve("manifest.json");
    try {
      return Codec.JSON.readValue(Files.readAllBytes(f), Manifest.class);
    } catch (java.nio.file.NoSuchFileException e) {
      return null;
    }
  }

  @Override
  public void putChunk(String device, String frameId, int index, byte[] data) throws IOException {
    Path d = Files.createDirectories(stagingDir(device, frameId));
    Path tmp = d.resolve(index + "." + UUID.randomUUID() + ".part");
    Files.write(tmp, data);
    Files.move(tmp, d.resolve(Integer.toString(index)), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public List<Integer> missingChunks(Manifest m) {
    Path d = stagingDir(m.deviceId(), m.frameId());
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < m.chunks(); i++) {
      if (!Files.isRegularFile(d.resolve(Integer.toString(i)))) {
        missing.add(i);
      }
    }
    return missing;
  }

  @Override
  public boolean hasChunk(String device, String frameId, int index) {
    return Files.isRegularFile(stagingDir(device, frameId).resolve(Integer.toString(index)));
  }

  @Override
  public Assembled assemble(Manifest m) throws IOException {
    Path d = stagingDir(m.deviceId(), m.frameId());
    Path tmp = dir.resolve("tmp").resolve(m.deviceId() + "." + m.frameId() + "." + UUID.randomUUID() + ".part");
    MessageDigest sha = sha256();
    long n = 0;
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      for (int i = 0; i < m.chunks(); i++) {
        try (FileChannel in = FileChannel.open(d.resolve(Integer.toString(i)), StandardOpenOption.READ)) {
          while (in.read(buf.clear()) > 0) {
            buf.flip();
            sha.update(buf.duplicate());
            n += buf.remaining();
            while (buf.hasRemaining()) {
              out.write(buf);
            }
          }
        }
      }
      out.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return new Assembled(tmp, n, HexFormat.of().formatHex(sha.digest()));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  @Override
  public Outcome commit(Manifest m, byte[] image, Instant receivedAt) throws IOException {
    Path tmp = dir.resolve("tmp").resolve(m.deviceId() + "." + m.frameId() + "." + UUID.randomUUID() + ".part");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(image);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    try (Assembled a = new Assembled(tmp, image.length, io.fieldcap.model.Sha256.hex(image))) {
      return commit(m, a, receivedAt);
    }
  }

  @Override
  public Outcome commit(Manifest m, Assembled image, Instant receivedAt) throws IOException {
    synchronized (this) {
      Outcome before = existing(m);
      if (before != null) {
        return before;
      }
    }
    if (!image.sha256().equals(m.sha256()) || image.bytes() != m.bytes()) {
      throw new IllegalArgumentException("the assembled image does not match frame " + m.frameId() + "'s manifest");
    }
    String rel = "images/" + m.deviceId() + "/" + DAY.format(m.capturedAt()) + "/" + m.frameId() + ".jpg";
    images.put(rel, image.file(), m.sha256()); // outside the lock: several uploads to an object store at once
    CrashPoint.reach("store.durable");
    return record(m, rel, receivedAt);
  }

  private synchronized Outcome record(Manifest m, String rel, Instant receivedAt) throws IOException {
    try (PreparedStatement p = c.prepareStatement("""
        INSERT OR IGNORE INTO frames(device, frame_id, seq, captured_at, sha256, bytes, width, height, content_type,
                                     model, labels, meta, path, received_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
      p.setString(1, m.deviceId());
      p.setString(2, m.frameId());
      p.setLong(3, m.seq());
      p.setString(4, m.capturedAt().toString());
      p.setString(5, m.sha256());
      p.setLong(6, m.bytes());
      p.setInt(7, m.width());
      p.setInt(8, m.height());
      p.setString(9, m.contentType());
      p.setString(10, m.labels() == null ? null : m.labels().model());
      p.setString(11, m.labels() == null ? null : Codec.JSON.writeValueAsString(m.labels()));
      p.setString(12, m.meta() == null ? null : Codec.JSON.writeValueAsString(m.meta()));
      p.setString(13, rel);
      p.setString(14, receivedAt.toString());
      if (p.executeUpdate() != 1) {
        // another server committed this id first (servers sharing the data folder): same bytes or not
        return existing(m);
      }
      Outcome o = Outcome.STORED;
      CrashPoint.reach("store.committed");
      return o;
    } catch (SQLException e) {
      throw new IOException("cannot record frame " + m.frameId() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Records {@code n} synthetic frames of device {@code device}, all pointing at the one image {@code
   * rel} (relative to the data folder), in one transaction: for benchmarks of what reads the store,
   * where storing a hundred thousand frames one by one would take longer than what is measured.
   */
  public synchronized void insertSynthetic(String device, int n, Instant start, String rel, String sha256, long bytes,
      int width, int height, LabelSet labels) throws IOException {
    try {
      c.setAutoCommit(false);
      try (PreparedStatement p = c.prepareStatement("""
          INSERT INTO frames(device, frame_id, seq, captured_at, sha256, bytes, width, height, content_type,
                             model, labels, meta, path, received_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'image/jpeg', ?, ?, ?, ?, ?)""")) {
        String json = labels == null ? null : Codec.JSON.writeValueAsString(labels);
        for (int i = 0; i < n; i++) {
          Instant at = start.plusMillis(1000L * i);
          p.setString(1, device);
          p.setString(2, io.fieldcap.model.FrameId.of(at, i).value());
          p.setLong(3, i);
          p.setString(4, at.toString());
          p.setString(5, sha256);
          p.setLong(6, bytes);
          p.setInt(7, width);
          p.setInt(8, height);
          p.setString(9, labels == null ? null : labels.model());
          p.setString(10, json);
          p.setString(11, "{\"keptBy\":\"all\"}");
          p.setString(12, rel);
          p.setString(13, at.toString());
          p.addBatch();
          if (i % 10_000 == 9_999) {
            p.executeBatch();
          }
        }
        p.executeBatch();
      }
      c.commit();
    } catch (SQLException e) {
      try {
        c.rollback();
      } catch (SQLException ignored) {
        // the insert failed already
      }
      throw new IOException("cannot insert synthetic frames: " + e.getMessage(), e);
    } finally {
      try {
        c.setAutoCommit(true);
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
  }

  @Override
  public void dropStaged(String device, String frameId) throws IOException {
    deleteTree(stagingDir(device, frameId));
  }

  @Override
  public int expireStaged(Instant cutoff) throws IOException {
    int n = 0;
    try (Stream<Path> devices = Files.list(dir.resolve("staging"))) {
      for (Path dev : (Iterable<Path>) devices::iterator) {
        try (Stream<Path> frames = Files.list(dev)) {
          for (Path f : (Iterable<Path>) frames::iterator) {
            if (Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
              deleteTree(f);
              n++;
            }
          }
        }
      }
    }
    return n;
  }

  /** The newest revision of each frame joined to it: what {@link #forEach} and {@link #frame} read. */
  static final String SELECT = """
      SELECT f.device, f.frame_id, f.seq, f.captured_at, f.sha256, f.bytes, f.width, f.height, f.labels, f.meta, f.path,
             f.received_at, r.labels, r.rev,
             (SELECT group_concat(kind) FROM (SELECT kind FROM marks m WHERE m.device = f.device AND m.frame_id = f.frame_id
                                              ORDER BY kind))
      FROM frames f LEFT JOIN revisions r ON r.device = f.device AND r.frame_id = f.frame_id
        AND r.rev = (SELECT MAX(rev) FROM revisions WHERE device = f.device AND frame_id = f.frame_id)""";

  StoredFrame row(ResultSet r) throws SQLException, IOException {
    String labels = r.getString(9);
    String meta = r.getString(10);
    String reviewed = r.getString(13);
    return new StoredFrame(r.getString(1), r.getString(2), r.getLong(3), Instant.parse(r.getString(4)),
        r.getString(5), r.getLong(6), r.getInt(7), r.getInt(8),
        labels == null ? null : Codec.JSON.readValue(labels, LabelSet.class),
        meta == null ? null : Codec.JSON.readValue(meta, new TypeReference<Map<String, Object>>() {}),
        images.path(r.getString(11)), Instant.parse(r.getString(12)),
        reviewed == null ? null : Codec.JSON.readValue(reviewed, LabelSet.class), r.getInt(14), null, r.getString(15));
  }

  @Override
  public synchronized void forEach(Consumer<StoredFrame> action) throws IOException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(SELECT + " ORDER BY f.device, f.captured_at, f.frame_id")) {
      while (r.next()) {
        action.accept(row(r));
      }
    } catch (SQLException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public void measure(String device, String frameId) throws IOException {
    List<String> rel;
    synchronized (this) {
      rel = strings("SELECT path FROM frames WHERE device = ? AND frame_id = ?", device, frameId);
    }
    if (!rel.isEmpty()) {
      marks.record(device, frameId, io.fieldcap.image.Look.of(images.fetched(rel.get(0)))); // decoded outside the lock
    }
  }

  /**
   * Records pre-labels for a frame that has none (an imported or crawled image, a frame of a device
   * without a model): pre-labels are never overwritten.
   *
   * @return false when the frame has pre-labels already (or is not here)
   */
  public synchronized boolean setPrelabels(String device, String frameId, LabelSet labels) throws IOException {
    try (PreparedStatement p = c.prepareStatement(
        "UPDATE frames SET labels = ?, model = ? WHERE device = ? AND frame_id = ? AND labels IS NULL")) {
      p.setString(1, Codec.JSON.writeValueAsString(labels));
      p.setString(2, labels.model());
      p.setString(3, device);
      p.setString(4, frameId);
      return p.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new IOException("cannot record pre-labels of frame " + device + "/" + frameId + ": " + e.getMessage(), e);
    }
  }

  /** One frame with its newest revision, or null. */
  public synchronized StoredFrame frame(String device, String frameId) throws IOException {
    try (PreparedStatement p = c.prepareStatement(SELECT + " WHERE f.device = ? AND f.frame_id = ?")) {
      p.setString(1, device);
      p.setString(2, frameId);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? row(r) : null;
      }
    } catch (SQLException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** The devices (and sources) that have a frame with this id: ids carry the capture time, so almost always one. */
  public synchronized List<String> devicesWith(String frameId) throws IOException {
    return strings("SELECT device FROM frames WHERE frame_id = ? ORDER BY device", frameId);
  }

  /** The id of a frame of {@code device} with these bytes, or null: how a re-imported image is recognised. */
  public synchronized String frameWithSha(String device, String sha256) throws IOException {
    List<String> ids = strings("SELECT frame_id FROM frames WHERE sha256 = ? AND device = ?", sha256, device);
    return ids.isEmpty() ? null : ids.get(0);
  }

  private List<String> strings(String sql, String... args) throws IOException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setString(i + 1, args[i]);
      }
      List<String> out = new ArrayList<>();
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(r.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * Stores an image of an imported dataset as a frame of {@code source}: copied into the store
   * (fsynced, then renamed into place), then recorded with no pre-labels. The caller records its labels
   * as a revision. Does nothing and returns false when the id is taken.
   */
  public synchronized boolean storeImported(String source, String frameId, long seq, Instant capturedAt, Path file,
      String sha256, long bytes, int width, int height, String contentType, Map<String, Object> meta, Instant now)
      throws IOException {
    if (contains(source, frameId)) {
      return false;
    }
    String ext = contentType.equals("image/png") ? ".png" : ".jpg";
    String rel = "images/" + source + "/" + DAY.format(capturedAt) + "/" + frameId + ext;
    Path tmp = dir.resolve("tmp").resolve(source + "." + frameId + "." + UUID.randomUUID() + ".part");
    Files.copy(file, tmp);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    images.put(rel, tmp, sha256);
    try (PreparedStatement p = c.prepareStatement("""
        INSERT OR IGNORE INTO frames(device, frame_id, seq, captured_at, sha256, bytes, width, height, content_type,
                                     model, labels, meta, path, received_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?)""")) {
      p.setString(1, source);
      p.setString(2, frameId);
      p.setLong(3, seq);
      p.setString(4, capturedAt.toString());
      p.setString(5, sha256);
      p.setLong(6, bytes);
      p.setInt(7, width);
      p.setInt(8, height);
      p.setString(9, contentType);
      p.setString(10, Codec.JSON.writeValueAsString(meta));
      p.setString(11, rel);
      p.setString(12, now.toString());
      return p.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new IOException("cannot record imported image " + file + ": " + e.getMessage(), e);
    }
  }

  private static void deleteTree(Path d) throws IOException {
    if (!Files.exists(d)) {
      return;
    }
    try (Stream<Path> s = Files.walk(d)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Override
  public synchronized void close() {
    try {
      c.close();
    } catch (SQLException e) {
      // closing anyway
    }
    images.close();
  }
}
