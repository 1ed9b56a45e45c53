package io.fieldcap.config;

/**
 * An S3-compatible object store for the server's images ({@code server.store: s3://bucket/prefix} and
 * {@code server.s3.*}). Credentials are not here: they come from the standard AWS environment
 * variables or files.
 *
 * @param bucket the bucket
 * @param prefix a key prefix without leading or trailing slash, or empty
 * @param endpoint the S3 API endpoint ({@code https://s3.example.org}), or null for AWS
 * @param region the signing region
 * @param pathStyle {@code endpoint/bucket/key} instead of {@code bucket.endpoint/key} (MinIO, Garage, S3Proxy)
 * @param cacheBytes the local read cache's bound
 */
public record ObjectStoreConfig(String bucket, String prefix, String endpoint, String region, boolean pathStyle,
    long cacheBytes) {
  public String describe() {
    return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix) + (endpoint == null ? "" : " at " + endpoint);
  }
}
