package io.fieldcap.cli;

import io.fieldcap.bench.SyncBench;
import io.fieldcap.config.ConfigException;
import io.fieldcap.config.Sizes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fieldcap bench}: measurements for docs/benchmarks.md. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (figures for docs/benchmarks.md).",
    subcommands = BenchCommand.Sync.class)
final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (sync)");
  }

  /** {@code fieldcap bench sync --broker URI}. */
  @Command(name = "sync", mixinStandardHelpOptions = true,
      description = {"Sync throughput of frames against raw Paho publishing of the same bytes through the same broker,",
          "and capture-to-ack latency of a live agent. Needs a running broker (scripts/bench-sync.sh starts one)."})
  static final class Sync implements Callable<Integer> {
    @Option(names = "--broker", required = true, paramLabel = "URI", description = "A broker to measure through.")
    String broker;

    @Option(names = "--frames", defaultValue = "300", description = "Frames for the throughput run (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--frame-bytes", defaultValue = "200KB", description = "Size of each frame (default ${DEFAULT-VALUE}).")
    String frameBytes;

    @Option(names = "--chunk-bytes", defaultValue = "128KiB", description = "Chunk size (default ${DEFAULT-VALUE}).")
    String chunkBytes;

    @Option(names = "--latency-seconds", defaultValue = "30", description = "Length of the latency run (default ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(names = "--fps", defaultValue = "5", description = "Capture rate of the latency run (default ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--clip", paramLabel = "FILE", description = "Clip for the latency run (default: opencv-doc's vtest.avi).")
    Path clip;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Path c = Samples.clip(clip);
      if (frames < 1 || latencySeconds < 1) {
        throw new ConfigException("--frames and --latency-seconds must be at least 1");
      }
      Path work = Files.createTempDirectory("fieldcap-bench");
      var out = spec.commandLine().getOut();
      SyncBench b = new SyncBench(broker, work, out);
      b.throughput(frames, (int) Sizes.parse(frameBytes), (int) Sizes.parse(chunkBytes));
      b.latency(c, fps, latencySeconds);
      return ExitCodes.OK;
    }
  }
}
