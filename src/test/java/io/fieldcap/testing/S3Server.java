package io.fieldcap.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 API for tests: S3Proxy with its filesystem back end, in its own JVM, on a free loopback port,
 * with a fresh bucket. With {@code FIELDCAP_TEST_S3_ENDPOINT} (and {@code FIELDCAP_TEST_S3_BUCKET},
 * {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, optionally {@code AWS_REGION}) the same
 * tests run against that endpoint instead: AWS, Ceph RGW, Garage, MinIO.
 */
public final class S3Server implements AutoCloseable {
  private final ChildProcess process;
  public final String endpoint;
  public final String bucket;
  public final String accessKey;
  public final String secretKey;
  public final String region;

  private S3Server(ChildProcess process, String endpoint, String bucket, String accessKey, String secretKey, String region) {
    this.process = process;
    this.endpoint = endpoint;
    this.bucket = bucket;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.region = region;
  }

  public static S3Server start(Path dir) throws Exception {
    String given = System.getenv("FIELDCAP_TEST_S3_ENDPOINT");
    if (given != null) {
      return new S3Server(null, given, System.getenv("FIELDCAP_TEST_S3_BUCKET"), System.getenv("AWS_ACCESS_KEY_ID"),
          System.getenv("AWS_SECRET_ACCESS_KEY"), System.getenv().getOrDefault("AWS_REGION", "us-east-1"));
    }
    Files.createDirectories(dir.resolve("data"));
    int port = TestMedia.freePort();
    String endpoint = "http://127.0.0.1:" + port;
    Path props = Files.writeString(dir.resolve("s3proxy.properties"), String.join("\n",
        "s3proxy.endpoint=" + endpoint, "s3proxy.authorization=aws-v2-or-v4", "s3proxy.identity=fieldcap-test",
        "s3proxy.credential=fieldcap-test-secret", "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + dir.resolve("data")) + "\n");
    String jar = System.getProperty("s3proxy.jar", "target/s3proxy.jar");
    ChildProcess p = ChildProcess.start(List.of("java", "-Xmx256m", "-jar", jar, "--properties", props.toString()));
    if (!p.waitForLine(l -> l.contains("Started Server"), Duration.ofSeconds(60))) {
      p.close();
      throw new IOException("S3Proxy did not start: " + p.output());
    }
    S3Server s = new S3Server(p, endpoint, "fieldcap-test", "fieldcap-test", "fieldcap-test-secret", "us-east-1");
    try (S3Client c = s.client()) {
      c.createBucket(b -> b.bucket(s.bucket));
    }
    return s;
  }

  /**
   * Makes this server's credentials the AWS SDK's in this JVM (its system properties), for tests that
   * open a store in-process; {@link #close()} takes them back.
   */
  public S3Server credentialsInThisJvm() {
    System.setProperty("aws.accessKeyId", accessKey);
    System.setProperty("aws.secretAccessKey", secretKey);
    return this;
  }

  /** A client with this server's credentials. */
  public S3Client client() {
    return S3Client.builder().endpointOverride(URI.create(endpoint)).region(Region.of(region)).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .httpClient(UrlConnectionHttpClient.create())
        .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
        .build();
  }

  @Override
  public void close() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    if (process != null) {
      process.close();
    }
  }
}
