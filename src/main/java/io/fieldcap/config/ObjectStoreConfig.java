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
  /** What {@code server.store} and {@code server migrate --store} take for a bucket. */
  public static final String URL = "s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[A-Za-z0-9!_.*'()/-]*)?";

  /** Why {@code url} is not an {@code s3://BUCKET[/PREFIX]}, or null when it is one. */
  public static String problem(String url) {
    return url.matches(URL) ? null : "'" + url + "' is not allowed; expected s3://BUCKET[/PREFIX]"
        + " (a bucket name of 3 to 63 characters from [a-z0-9.-])";
  }

  /** The store at {@code url} (checked with {@link #problem} first). */
  public static ObjectStoreConfig of(String url, String endpoint, String region, boolean pathStyle, long cacheBytes) {
    String rest = url.substring("s3://".length());
    int slash = rest.indexOf('/');
    return new ObjectStoreConfig(slash < 0 ? rest : rest.substring(0, slash),
        slash < 0 ? "" : rest.substring(slash + 1).replaceAll("^/+|/+$", ""), endpoint, region, pathStyle, cacheBytes);
  }

  public String describe() {
    return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix) + (endpoint == null ? "" : " at " + endpoint);
  }
}
