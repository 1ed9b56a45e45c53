package io.fieldcap.store;

import io.fieldcap.config.ObjectStoreConfig;
import io.fieldcap.model.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Images in an S3-compatible object store (AWS S3, Ceph RGW, Garage, MinIO, S3Proxy), under {@code
 * PREFIX/images/DEVICE/DAY/FRAME.jpg}. A put sends {@code Content-MD5} (the store refuses bytes that
 * do not match it) and the SHA-256 as object metadata, then reads the object's head back and checks
 * size, ETag (the MD5 of a single-part upload) and SHA-256 before it returns, so an ack follows only
 * a confirmed write. The written file stays in a local read cache ({@code DATA/cache}), bounded by
 * {@code server.s3.cache-bytes}; an image not in the cache is fetched on first read and checked
 * against its SHA-256. Credentials come from the standard AWS places (environment variables
 * {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, {@code ~/.aws/credentials}, instance roles).
 */
public final class S3Images implements ImageStore {
  private static final Logger log = LoggerFactory.getLogger(S3Images.class);

  private final ObjectStoreConfig s;
  private final S3Client client;
  private final Path cache;

  S3Images(ObjectStoreConfig s, Path cache) throws IOException {
    this.s = s;
    this.cache = cache;
    Files.createDirectories(cache.resolve(".tmp"));
    var b = S3Client.builder()
        .region(Region.of(s.region()))
        .forcePathStyle(s.pathStyle())
        .httpClient(UrlConnectionHttpClient.create())
        // Content-MD5 and a read-back instead of the SDK's default trailing checksums, which many
        // S3-compatible stores do not accept
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    if (s.endpoint() != null) {
      b.endpointOverride(URI.create(s.endpoint()));
    }
    this.client = b.build();
    try {
      client.headBucket(r -> r.bucket(s.bucket())); // fail at start, with the reason, rather than at every frame
    } catch (S3Exception e) {
      client.close();
      throw new IOException(s.describe() + ": " + (e.statusCode() == 404 ? "no such bucket"
          : e.statusCode() == 403 ? "access denied (check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or ~/.aws/credentials)"
          : "HTTP " + e.statusCode()) + " (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
    } catch (SdkClientException e) {
      client.close();
      throw new IOException(s.describe() + ": " + e.getMessage().lines().findFirst().orElse(""), e);
    }
  }

  private String objectKey(String key) {
    return s.prefix().isEmpty() ? key : s.prefix() + "/" + key;
  }

  @Override
  public void put(String key, Path file, String sha256) throws IOException {
    long size = Files.size(file);
    byte[] md5 = md5(file);
    try {
      client.putObject(PutObjectRequest.builder().bucket(s.bucket()).key(objectKey(key)).contentLength(size)
          .contentMD5(Base64.getEncoder().encodeToString(md5)).contentType(key.endsWith(".png") ? "image/png" : "image/jpeg")
          .metadata(Map.of("sha256", sha256)).build(), RequestBody.fromFile(file));
      HeadObjectResponse h = client.headObject(r -> r.bucket(s.bucket()).key(objectKey(key)));
      String etag = h.eTag() == null ? "" : h.eTag().replace("\"", "");
      if (h.contentLength() != size || !sha256.equals(h.metadata().get("sha256"))
          || !etag.equalsIgnoreCase(HexFormat.of().formatHex(md5))) {
        throw new IOException("the object store holds " + h.contentLength() + " bytes (ETag " + etag + ", sha256 "
            + h.metadata().get("sha256") + ") under " + objectKey(key) + " after writing " + size + " bytes");
      }
    } catch (S3Exception e) {
      throw new IOException(s.describe() + ": cannot store " + objectKey(key) + ": " + e.awsErrorDetails().errorMessage()
          + " (HTTP " + e.statusCode() + ")", e);
    } catch (SdkClientException e) {
      throw new IOException(s.describe() + ": cannot store " + objectKey(key) + ": " + e.getMessage(), e);
    }
    Path cached = cache.resolve(key);
    Files.createDirectories(cached.getParent());
    Files.move(file, cached, StandardCopyOption.REPLACE_EXISTING); // stored remotely: this copy is only a cache
  }

  private static byte[] md5(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("MD5");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean holds(String key, String sha256) throws IOException {
    try {
      HeadObjectResponse h = client.headObject(r -> r.bucket(s.bucket()).key(objectKey(key)));
      return sha256.equals(h.metadata().get("sha256"));
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw new IOException(s.describe() + ": cannot look up " + objectKey(key) + ": " + e.awsErrorDetails().errorMessage()
          + " (HTTP " + e.statusCode() + ")", e);
    } catch (SdkClientException e) {
      throw new IOException(s.describe() + ": cannot look up " + objectKey(key) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Path fetched(String key) throws IOException {
    Path cached = cache.resolve(key);
    if (Files.exists(cached)) {
      return cached;
    }
    Path tmp = cache.resolve(".tmp").resolve(UUID.randomUUID() + ".part");
    try {
      GetObjectResponse r = client.getObject(GetObjectRequest.builder().bucket(s.bucket()).key(objectKey(key)).build(),
          ResponseTransformer.toFile(tmp));
      String want = r.metadata().get("sha256");
      String got = Sha256.file(tmp);
      if (want != null && !want.equals(got)) {
        throw new IOException(objectKey(key) + " in " + s.describe() + " does not match its SHA-256 (" + got + " against " + want + ")");
      }
      Files.createDirectories(cached.getParent());
      Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return cached;
    } catch (S3Exception e) {
      throw new IOException(s.describe() + ": cannot read " + objectKey(key) + ": " + e.awsErrorDetails().errorMessage()
          + " (HTTP " + e.statusCode() + ")", e);
    } catch (SdkClientException e) {
      throw new IOException(s.describe() + ": cannot read " + objectKey(key) + ": " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public String describe() {
    return s.describe();
  }

  /** Deletes the least recently modified cached images until the cache is within its bound. */
  @Override
  public void trim() {
    try (Stream<Path> files = Files.walk(cache)) {
      List<Path> all = new ArrayList<>(files.filter(Files::isRegularFile).filter(p -> !p.startsWith(cache.resolve(".tmp"))).toList());
      long total = 0;
      for (Path p : all) {
        total += Files.size(p);
      }
      if (total <= s.cacheBytes()) {
        return;
      }
      all.sort(Comparator.comparingLong(p -> p.toFile().lastModified()));
      for (Path p : all) {
        if (total <= s.cacheBytes() * 9 / 10) {
          break;
        }
        total -= Files.size(p);
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      log.warn("cannot trim the image cache {}: {}", cache, e.getMessage());
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
