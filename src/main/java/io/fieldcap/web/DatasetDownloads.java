package io.fieldcap.web;

import io.fieldcap.dataset.Recorded;
import io.fieldcap.dataset.format.DatasetFormat;
import io.fieldcap.fs.Durable;
import io.fieldcap.fs.Trees;
import io.fieldcap.store.Datasets;
import io.fieldcap.store.LocalFrameStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * {@code GET /api/datasets/NAME/export?format=F}: a frozen dataset as a zip of its export, for a
 * trainer on another machine. A dataset never changes, so the zip is made once per format (kept in
 * {@code DATA/exports/}, entries in name order with a fixed time: the same bytes every time, its
 * SHA-256 the ETag) and served with its length and byte ranges, so an interrupted download resumes.
 */
final class DatasetDownloads {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
  private static final Set<String> FORMATS = Set.of("yolo", "coco", "voc", "labelme", "labelstudio", "cvat");

  private final LocalFrameStore store;
  private final Object making = new Object();

  DatasetDownloads(LocalFrameStore store) {
    this.store = store;
  }

  void serve(Exchange x) throws Exception {
    String name = x.path(1);
    String format = Request.extractQueryParameters(x.request()).getValue("format");
    if (format == null) {
      format = "yolo";
    }
    if (!FORMATS.contains(format)) {
      throw new HttpError(400, "format: '" + format + "' is not one of " + new TreeSet<>(FORMATS));
    }
    Datasets.Dataset d = store.datasets().get(name);
    if (d == null) {
      throw new HttpError(404, "no dataset named '" + name + "'");
    }
    Path zip = zip(d, format);
    long size = Files.size(zip);
    String etag = "\"" + d.manifest().substring(0, 16) + "-" + format + "\"";
    var headers = x.response().getHeaders();
    headers.put(HttpHeader.CONTENT_TYPE, "application/zip");
    headers.put(HttpHeader.ACCEPT_RANGES, "bytes");
    headers.put(HttpHeader.ETAG, etag);
    headers.put("Content-Disposition", "attachment; filename=\"" + name + "-" + format + ".zip\"");
    headers.put(HttpHeader.CACHE_CONTROL, "private, no-transform");
    long from = 0;
    long to = size - 1;
    String range = x.request().getHeaders().get(HttpHeader.RANGE);
    String ifRange = x.request().getHeaders().get(HttpHeader.IF_RANGE);
    int status = 200;
    if (range != null && (ifRange == null || ifRange.equals(etag))) {
      Matcher m = RANGE.matcher(range.strip());
      if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
        throw new HttpError(416, "Range: '" + range + "' is not one range of bytes (bytes=FROM-[TO])");
      }
      if (m.group(1).isEmpty()) { // the last N bytes
        from = Math.max(0, size - Long.parseLong(m.group(2)));
      } else {
        from = Long.parseLong(m.group(1));
        to = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
      }
      if (from >= size || from > to) {
        headers.put(HttpHeader.CONTENT_RANGE, "bytes */" + size);
        throw new HttpError(416, "Range: bytes " + from + "- are beyond the " + size + " bytes of the zip");
      }
      status = 206;
      headers.put(HttpHeader.CONTENT_RANGE, "bytes " + from + "-" + to + "/" + size);
    }
    x.response().setStatus(status);
    headers.put(HttpHeader.CONTENT_LENGTH, to - from + 1);
    if (x.request().getMethod().equals("HEAD")) {
      x.response().write(true, null, x.callback());
      return;
    }
    Content.copy(Content.Source.from(zip, from, to - from + 1), x.response(), x.callback());
  }

  /** The dataset's export as a zip, made now if it was not made before. */
  private Path zip(Datasets.Dataset d, String format) throws IOException {
    Path dir = store.dir().resolve("exports");
    Path zip = dir.resolve(d.name() + "-" + d.manifest().substring(0, 16) + "-" + format + ".zip");
    synchronized (making) {
      if (Files.isRegularFile(zip)) {
        return zip;
      }
      Path work = store.tmp().resolve("export-" + UUID.randomUUID());
      try {
        DatasetFormat.writer(format).export(store.datasets().frames(d.name()), work, Recorded.of(d).exportOptions(d));
        Durable.createDirectories(dir);
        Path part = dir.resolve(zip.getFileName() + "." + UUID.randomUUID() + ".part");
        try (OutputStream os = Files.newOutputStream(part); ZipOutputStream z = new ZipOutputStream(os)) {
          List<Path> files;
          try (Stream<Path> s = Files.walk(work)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
          }
          for (Path f : files) {
            ZipEntry e = new ZipEntry(d.name() + "/" + work.relativize(f).toString().replace('\\', '/'));
            e.setLastModifiedTime(FileTime.from(d.createdAt()));
            z.putNextEntry(e);
            Files.copy(f, z);
            z.closeEntry();
          }
        }
        Durable.syncFile(part);
        Files.move(part, zip, StandardCopyOption.ATOMIC_MOVE);
        Durable.syncDir(dir);
        return zip;
      } finally {
        Trees.delete(work);
      }
    }
  }

}
