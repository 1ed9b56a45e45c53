package io.fieldcap.store;

import io.fieldcap.config.ObjectStoreConfig;
import io.fieldcap.fs.Trees;
import io.fieldcap.image.Look;
import io.fieldcap.json.Json;
import io.fieldcap.model.LabelSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The server's store around a data folder: metadata in SQLite ({@code DATA/fieldcap.db}) or
 * PostgreSQL ({@link Db}), images as files in the folder or in an object store ({@link ImageStore}).
 * Schema (Flyway migrations in {@code db/migration/sqlite} and {@code db/migration/postgresql}):
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
 * frame_classes(device, frame_id, source, class)                                          see {@link FrameClasses}
 * sessions(id, token_sha256, name, created_at, last_seen)                                  see {@link LoginSessions}
 * models(sha256, name, family, classes, ...), evaluations(...)                              see {@link Models}
 * (the web app reads frames a page at a time and counts them for its plots through {@link Browse})
 * </pre>
 *
 * <p>Frames of an imported dataset ({@code fieldcap import --source NAME}) are frames whose device
 * is the source's name, with no pre-labels and the dataset's labels as their first revision.
 *
 * <p>Transfers in progress are staged in the data folder ({@link FileStaging}) with SQLite, in the
 * database ({@link DbStaging}) with PostgreSQL: see {@link Staging}.
 */
public final class LocalFrameStore implements FrameStore {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private final Path dir;
  private final Path tmp;
  private final Db db;
  private final ImageStore images;
  private final Clips clips;
  private final Staging staging;
  private final Revisions revisions;
  private final Datasets datasets;
  private final Marks marks;
  private final CrawlLog crawlLog;
  private final Devices devices;
  private final LoginSessions sessions;
  private final Models models;
  private final Browse browse;
  private final Commits commits;
  private final FrameRows rows;
  private final Sql sql;
  private final Classes classes;
  private final ReviewQueue reviewQueue;

  LocalFrameStore(Path dir, Db db, ImageStore images) {
    this.dir = dir;
    this.tmp = dir.resolve("tmp").resolve(UUID.randomUUID().toString());
    this.db = db;
    this.images = images;
    this.staging = db.postgres() ? new DbStaging(this, db) : new FileStaging(dir.resolve("staging"));
    this.sql = new Sql(this, db);
    this.revisions = new Revisions(sql, db);
    this.datasets = new Datasets(this, sql, db);
    this.marks = new Marks(sql);
    this.crawlLog = new CrawlLog(sql);
    this.devices = new Devices(sql);
    this.sessions = new LoginSessions(sql);
    this.models = new Models(sql);
    this.classes = new Classes(sql);
    this.reviewQueue = new ReviewQueue(sql);
    this.clips = new Clips(sql, images, this);
    this.browse = new Browse(this, sql, db);
    this.commits = new Commits(this, db, images, staging);
    this.rows = new FrameRows(db, images);
  }

  /** The metadata database (SQLite in the data folder, or PostgreSQL). */
  public Db db() {
    return db;
  }

  /** The fleet as the server last heard it. */
  public Devices devices() {
    return devices;
  }

  /** The model registry and its evaluations. */
  public Models models() {
    return models;
  }

  /** The project's classes, as the editor offers them. */
  public Classes classes() {
    return classes;
  }

  /** The event clips devices sent. */
  @Override
  public Clips clips() {
    return clips;
  }

  /** The frames nobody has reviewed yet, for the editor's "next frame". */
  public ReviewQueue reviewQueue() {
    return reviewQueue;
  }

  /** The web app's login sessions. */
  public LoginSessions sessions() {
    return sessions;
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

  /** Opens a data folder with the image store and database it was set up with ({@code DATA/store.json}, {@code DATA/database.json}). */
  public static LocalFrameStore open(Path dir) throws IOException {
    return open(dir, null, null);
  }

  /** {@link #open(Path, ObjectStoreConfig, String)} with the database the folder records. */
  public static LocalFrameStore open(Path dir, ObjectStoreConfig s3) throws IOException {
    return open(dir, s3, null);
  }

  /**
   * Opens a data folder; with {@code s3} (the server's {@code server.store: s3://...}) images go to that
   * object store, which is recorded in {@code DATA/store.json} so that every command reading this
   * folder finds them; with {@code database} ({@code server.database: postgresql://...}) the metadata
   * is in that database, recorded in {@code DATA/database.json} (without a password) likewise. A folder
   * whose images are files, or in another bucket, is not switched over; nor one whose metadata is in
   * SQLite ({@code fieldcap server migrate} moves it) or in another database.
   */
  public static LocalFrameStore open(Path dir, ObjectStoreConfig s3, String database) throws IOException {
    return DataFolder.open(dir, s3, database);
  }

  public Path dir() {
    return dir;
  }

  /**
   * This process's folder for files being written ({@code DATA/tmp/UUID}): servers sharing a data
   * folder each have their own, so that one starting never deletes what another is assembling.
   */
  public Path tmp() throws IOException {
    return Files.createDirectories(tmp);
  }

  @Override
  public boolean contains(String device, String frameId) throws IOException {
    return storedSha256(device, frameId) != null;
  }

  @Override
  public String storedSha256(String device, String frameId) throws IOException {
    return sql.first("cannot look up frame " + device + "/" + frameId,
        "SELECT sha256 FROM frames WHERE device = ? AND frame_id = ?", r -> r.getString(1), device, frameId);
  }

  @Override
  public void stage(Transfer t, byte[] manifest) throws IOException {
    staging.stage(t, manifest);
  }

  @Override
  public byte[] staged(String device, String frameId) throws IOException {
    return staging.staged(device, frameId);
  }

  @Override
  public void putChunk(String device, String frameId, int index, byte[] data) throws IOException {
    staging.putChunk(device, frameId, index, data);
  }

  @Override
  public List<Integer> missingChunks(Transfer t) throws IOException {
    return staging.missingChunks(t);
  }

  @Override
  public boolean hasChunk(String device, String frameId, int index) {
    return staging.hasChunk(device, frameId, index);
  }

  /**
   * Records {@code n} synthetic frames of device {@code device}, all pointing at the one image {@code
   * rel} (relative to the data folder), in one transaction: for benchmarks of what reads the store,
   * where storing a hundred thousand frames one by one would take longer than what is measured.
   */
  public synchronized void insertSynthetic(String device, int n, Instant start, String rel, String sha256, long bytes,
      int width, int height, LabelSet labels) throws IOException {
    SyntheticRows.insert(db, device, n, start, rel, sha256, bytes, width, height, labels);
  }

  @Override
  public Assembled assemble(Transfer t) throws IOException {
    return commits.assemble(t);
  }

  @Override
  public Assembled assemble(String device, String frameId, byte[] whole) throws IOException {
    return commits.assemble(device, frameId, whole);
  }

  @Override
  public Outcome commit(NewFrame f, byte[] image, Instant receivedAt) throws IOException {
    return commits.commit(f, image, receivedAt);
  }

  @Override
  public Outcome commit(NewFrame f, Assembled image, Instant receivedAt) throws IOException {
    return commits.commit(f, image, receivedAt);
  }

  @Override
  public List<Outcome> commitAll(List<NewFrame> frames, List<Assembled> images, Instant receivedAt) throws IOException {
    return commits.commitAll(frames, images, receivedAt);
  }

  /**
   * Stores an image of an imported dataset as a frame of source {@code source} (copied in, made
   * durable, then its row); false when that frame is there already.
   */
  public synchronized boolean storeImported(String source, String frameId, long seq, Instant capturedAt, Path file,
      String sha256, long bytes, int width, int height, String contentType, Map<String, Object> meta, Instant now)
      throws IOException {
    return commits.storeImported(source, frameId, seq, capturedAt, file, sha256, bytes, width, height, contentType, meta, now);
  }

  @Override
  public void dropStaged(String device, String frameId) throws IOException {
    staging.drop(device, frameId);
  }

  @Override
  public int expireStaged(Instant cutoff) throws IOException {
    return staging.expire(cutoff);
  }

  /** The newest revision of each frame joined to it: what {@link #forEach} and {@link #frame} read. */
  String select() {
    return rows.select();
  }

  StoredFrame row(ResultSet r) throws SQLException, IOException {
    return rows.row(r);
  }

  @Override
  public void forEach(Consumer<StoredFrame> action) throws IOException {
    where(FrameQuery.ALL).forEach(action);
  }

  /** The frames that match {@code query}, chosen by the database (keys, the capture-time and class indexes). */
  @Override
  public Frames where(FrameQuery query) {
    List<Object> args = new ArrayList<>();
    String sql = select() + " WHERE " + query.where(args) + " ORDER BY f.device, f.captured_at, f.frame_id";
    return action -> this.sql.each("cannot read the frames", sql, r -> {
      StoredFrame f = row(r);
      if (query.inTime(f.capturedAt())) { // the database's answer, trimmed to the exact time bounds
        action.accept(f);
      }
    }, args.toArray());
  }

  @Override
  public void measure(String device, String frameId) throws IOException {
    String rel = sql.first("cannot look up frame " + device + "/" + frameId,
        "SELECT path FROM frames WHERE device = ? AND frame_id = ?", r -> r.getString(1), device, frameId);
    if (rel != null) {
      marks.record(device, frameId, Look.of(images.fetched(rel))); // decoded outside the lock
    }
  }

  /**
   * Records pre-labels for a frame that has none (an imported or crawled image, a frame of a device
   * without a model): pre-labels are never overwritten.
   *
   * @return false when the frame has pre-labels already (or is not here)
   */
  public boolean setPrelabels(String device, String frameId, LabelSet labels) throws IOException {
    String json = Json.MAPPER.writeValueAsString(labels);
    return sql.transaction("cannot record pre-labels of frame " + device + "/" + frameId, () -> {
      if (sql.update(null, "UPDATE frames SET labels = ?, model = ? WHERE device = ? AND frame_id = ? AND labels IS NULL",
          json, labels.model(), device, frameId) != 1) {
        return false;
      }
      FrameClasses.replace(db.c(), device, frameId, FrameClasses.PRELABELS, labels);
      ReviewQueue.prelabelled(db.c(), device, frameId, labels);
      return true;
    });
  }

  /** One frame with its newest revision, or null. */
  public StoredFrame frame(String device, String frameId) throws IOException {
    return sql.first("cannot read frame " + device + "/" + frameId, select() + " WHERE f.device = ? AND f.frame_id = ?",
        this::row, device, frameId);
  }

  /** The devices (and sources) that have a frame with this id: ids carry the capture time, so almost always one. */
  public List<String> devicesWith(String frameId) throws IOException {
    return sql.list("cannot look up frame " + frameId, "SELECT device FROM frames WHERE frame_id = ? ORDER BY device",
        r -> r.getString(1), frameId);
  }

  /** The id of a frame of {@code device} with these bytes, or null: how a re-imported image is recognised. */
  public String frameWithSha(String device, String sha256) throws IOException {
    return sql.first("cannot look up an image of " + device, "SELECT frame_id FROM frames WHERE sha256 = ? AND device = ?",
        r -> r.getString(1), sha256, device);
  }

  @Override
  public synchronized void close() {
    db.close();
    images.close();
    try {
      Trees.delete(tmp);
    } catch (IOException e) {
      // cleared at the next start
    }
  }
}
