package io.fieldcap.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.config.ServerConfig;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.testing.ChildProcess;
import io.fieldcap.testing.SampleStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/datasets/NAME/export}: a frozen dataset as a zip for a trainer on another machine,
 * for the trainer role (and admin) only, with its length, a stable ETag and byte ranges to resume.
 */
class DatasetDownloadIT {
  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<byte[]> get(String url, String token, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The sample store with dataset v1 (a 0.7/0.3 train/test split). */
  private Path sampleWithDataset() throws Exception {
    Path data = tmp.resolve("data");
    SampleStore.create(data);
    ChildProcess d = ChildProcess.fieldcapRun("dataset", "create", "v1", "--data-dir", data.toString(), "--labels", "best",
        "--split", "train=0.7,test=0.3");
    assertThat(d.exitCode()).as(d::output).isZero();
    return data;
  }

  @Test
  void aTrainerDownloadsTheFrozenDatasetAsAZipAndResumesIt() throws Exception {
    Path data = sampleWithDataset();
    Path tokens = tmp.resolve("tokens");
    String trainer = Tokens.add(tokens, "tess", Tokens.Role.TRAINER);
    String reviewer = Tokens.add(tokens, "rob", Tokens.Role.REVIEWER);
    String admin = Tokens.add(tokens, "ada", Tokens.Role.ADMIN);
    try (LocalFrameStore st = LocalFrameStore.open(data);
        WebApp app = new WebApp(st, new ServerConfig.Http("127.0.0.1", 0, tokens, null, null))) {
      String base = app.start();
      String url = base + "/api/datasets/v1/export?format=yolo";
      HttpResponse<byte[]> refused = get(url, reviewer);
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(new String(refused.body())).contains("downloading a dataset needs the trainer role");

      HttpResponse<byte[]> whole = get(url, trainer);
      assertThat(whole.statusCode()).isEqualTo(200);
      assertThat(whole.headers().firstValueAsLong("Content-Length").orElse(-1)).isEqualTo(whole.body().length);
      assertThat(whole.headers().firstValue("Accept-Ranges")).contains("bytes");
      String etag = whole.headers().firstValue("ETag").orElseThrow();
      List<String> names = new ArrayList<>();
      int images = 0;
      try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(whole.body()))) {
        for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
          names.add(e.getName());
          images += e.getName().startsWith("v1/images/") ? 1 : 0;
        }
      }
      assertThat(names).contains("v1/data.yaml");
      assertThat(images).isEqualTo(SampleStore.FRAMES);
      assertThat(names).anyMatch(n -> n.startsWith("v1/images/test/")).anyMatch(n -> n.startsWith("v1/images/train/"));

      // interrupted after 1000 bytes: the rest by range, the same bytes
      HttpResponse<byte[]> head = get(url, trainer, "Range", "bytes=0-999");
      assertThat(head.statusCode()).isEqualTo(206);
      assertThat(head.headers().firstValue("Content-Range")).contains("bytes 0-999/" + whole.body().length);
      HttpResponse<byte[]> rest = get(url, admin, "Range", "bytes=1000-", "If-Range", etag);
      assertThat(rest.statusCode()).isEqualTo(206);
      ByteArrayOutputStream joined = new ByteArrayOutputStream();
      joined.write(head.body());
      joined.write(rest.body());
      assertThat(joined.toByteArray()).isEqualTo(whole.body());
      assertThat(get(url, trainer).headers().firstValue("ETag")).as("made once: the same zip").contains(etag);

      assertThat(get(url, trainer, "Range", "bytes=" + whole.body().length + "-").statusCode()).isEqualTo(416);
      assertThat(get(base + "/api/datasets/v9/export", trainer).statusCode()).isEqualTo(404);
      HttpResponse<byte[]> bad = get(url.replace("yolo", "tiff"), trainer);
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(new String(bad.body())).contains("format: 'tiff' is not one of");
    }
  }

  /** {@code fieldcap train --server}: the dataset downloaded (resuming a cut download), the trainer run on it, the model left with its lineage. */
  @Test
  void aWorkstationTrainsOnADatasetDownloadedFromTheServer() throws Exception {
    Path data = sampleWithDataset();
    Path tokens = tmp.resolve("tokens");
    String trainer = Tokens.add(tokens, "tess", Tokens.Role.TRAINER);
    String viewer = Tokens.add(tokens, "vera", Tokens.Role.VIEWER);
    Path model = Path.of("src/test/resources/models/yolov8-detect.onnx").toAbsolutePath();
    Path work = tmp.resolve("work");
    try (LocalFrameStore st = LocalFrameStore.open(data);
        WebApp app = new WebApp(st, new ServerConfig.Http("127.0.0.1", 0, tokens, null, null))) {
      String base = app.start();
      ChildProcess refused = ChildProcess.fieldcapRun("train", "--server", base, "--token", viewer, "--dataset", "v1", "--work",
          work.toString(), "--trainer", "true");
      assertThat(refused.exitCode()).isEqualTo(2);
      assertThat(refused.output()).contains("--token: the server refused it (403)", "the trainer role");
      ChildProcess fails = ChildProcess.fieldcapRun("train", "--server", base, "--token", trainer, "--dataset", "v1", "--work",
          work.toString(), "--trainer", "exit 4");
      assertThat(fails.exitCode()).isEqualTo(1);
      assertThat(fails.output()).contains("downloading dataset v1", "the trainer exited 4");
      // the download cut after 1000 bytes: the next run resumes it by range
      byte[] whole = java.nio.file.Files.readAllBytes(work.resolve("dataset.zip"));
      java.nio.file.Files.delete(work.resolve("dataset.zip"));
      java.nio.file.Files.write(work.resolve("dataset.zip.part"), java.util.Arrays.copyOf(whole, 1000));
      ChildProcess ok = ChildProcess.fieldcapRun("train", "--server", base, "--token", trainer, "--dataset", "v1", "--work",
          work.toString(), "--json", "--trainer", "test -f {data_yaml} && cp '" + model + "' {out}/model.onnx");
      assertThat(ok.exitCode()).as(ok::output).isZero();
      assertThat(ok.output()).contains("resuming (from byte 1000) dataset v1");
      assertThat(work.resolve("dataset.zip")).hasBinaryContent(whole);
      assertThat(work.resolve("dataset/data.yaml")).exists();
      try (var images = java.nio.file.Files.walk(work.resolve("dataset/images"))) {
        assertThat(images.filter(java.nio.file.Files::isRegularFile).count()).isEqualTo(SampleStore.FRAMES);
      }
      var lineage = io.fieldcap.json.Json.MAPPER.readTree(work.resolve("lineage.json").toFile());
      assertThat(lineage.get("dataset").asText()).isEqualTo("v1");
      assertThat(Path.of(lineage.get("model").asText())).hasSameBinaryContentAs(model);
    }
  }
}
