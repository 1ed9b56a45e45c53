package io.fieldcap.cli;

import io.fieldcap.config.ConfigException;
import io.fieldcap.config.ObjectStoreConfig;
import io.fieldcap.store.Migration;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fieldcap server migrate}: a SQLite data folder to PostgreSQL (and its images to S3). */
@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = {"Move a server's data folder from SQLite to PostgreSQL, and its images to an S3-compatible",
        "object store if --store is given. Stop the servers first. Resumable: run it again after an",
        "interruption. The folder is switched over only once every row and image is confirmed;",
        "then every server and command given the folder uses PostgreSQL (set server.database too)."})
final class ServerMigrateCommand implements Callable<Integer> {
  @Option(names = "--from", required = true, paramLabel = "sqlite:DIR", description = "The data folder (sqlite:DIR or DIR).")
  String from;

  @Option(names = "--to", required = true, paramLabel = "URL",
      description = "postgresql://[user@]host[:port]/database (password: PGPASSWORD or ~/.pgpass).")
  String to;

  @Option(names = "--store", paramLabel = "s3://BUCKET[/PREFIX]", description = "Move the images into this bucket too.")
  String store;

  @Option(names = "--s3-endpoint", paramLabel = "URL", description = "The S3 API endpoint (MinIO, Garage, Ceph RGW); AWS without it.")
  String endpoint;

  @Option(names = "--s3-region", paramLabel = "REGION", defaultValue = "us-east-1", description = "The signing region (default ${DEFAULT-VALUE}).")
  String region;

  @Option(names = "--s3-path-style", description = "endpoint/bucket/key addressing (default: on when --s3-endpoint is given).")
  Boolean pathStyle;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Path dir = Path.of(from.startsWith("sqlite:") ? from.substring("sqlite:".length()) : from);
    if (from.contains("://")) {
      throw new ConfigException("--from: '" + from + "' is not a data folder; expected sqlite:DIR");
    }
    ObjectStoreConfig s3 = null;
    if (store != null) {
      if (ObjectStoreConfig.problem(store) != null) {
        throw new ConfigException("--store: " + ObjectStoreConfig.problem(store));
      }
      if (endpoint != null && !endpoint.matches("https?://[^/\\s]+/?")) {
        throw new ConfigException("--s3-endpoint: '" + endpoint + "' is not allowed; expected http(s)://host[:port]");
      }
      s3 = ObjectStoreConfig.of(store, endpoint, region, pathStyle != null ? pathStyle : endpoint != null, 2L << 30);
    }
    PrintWriter out = spec.commandLine().getOut();
    try {
      Migration.Result r = Migration.run(dir, to, s3, out);
      out.println("rows: " + r.rows() + "; images uploaded: " + r.imagesUploaded() + ", already there: " + r.imagesPresent()
          + "; frames digest " + r.frameDigest());
      return ExitCodes.OK;
    } catch (IOException e) {
      out.flush();
      spec.commandLine().getErr().println("fieldcap: server migrate: " + e.getMessage());
      return ExitCodes.FAILURE;
    } catch (NoClassDefFoundError e) {
      spec.commandLine().getErr().println("fieldcap: server migrate: this jar has no PostgreSQL driver or S3 client;"
          + " run fieldcap-server.jar (the device jar leaves them out)");
      return ExitCodes.FAILURE;
    }
  }
}
