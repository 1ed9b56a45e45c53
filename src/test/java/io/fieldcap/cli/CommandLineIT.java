package io.fieldcap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages of the packaged command line. */
class CommandLineIT {
  @TempDir Path tmp;

  @Test
  void helpAndVersionExitZero() throws Exception {
    for (String[] args : new String[][] {{"--help"}, {"agent", "--help"}, {"config", "check", "--help"},
        {"spool", "stats", "--help"}, {"server", "--help"}, {"export", "--help"}, {"demo", "--help"},
        {"bench", "sync", "--help"}, {"push", "model", "--help"}, {"push", "config", "--help"}, {"--version"}}) {
      ChildProcess p = ChildProcess.fieldcapRun(args);
      assertThat(p.exitCode()).as(String.join(" ", args) + ": " + p.output()).isZero();
    }
    assertThat(ChildProcess.fieldcapRun("--help").output()).contains("agent", "server", "export", "demo", "bench",
        "config", "spool");
  }

  @Test
  void givenBadPushArguments_thenEachIsNamedWithoutAStackTrace() throws Exception {
    ChildProcess.fieldcapRun("keys", "generate", "--out", tmp.resolve("keys").toString(), "--name", "update");
    String model = "src/test/resources/models/yolov8-detect.onnx";
    String pub = tmp.resolve("keys/update.pub").toString();
    String key = tmp.resolve("keys/update.key").toString();
    int closed = io.fieldcap.testing.TestMedia.freePort();
    String[][] cases = {
        {"2", "holds a public key where a private key is expected", "push", "model", "--key", pub, "--device", "a", "--model", model},
        {"2", "Missing required argument (specify one of these): (--device", "push", "model", "--key", key, "--model", model},
        {"2", "--canary needs --group or --all", "push", "model", "--key", key, "--device", "a", "--canary", "1", "--model", model},
        {"2", "--model: model file nope.onnx not found", "push", "model", "--key", key, "--all", "--model", "nope.onnx"},
        {"2", "give either --file FILE or one or more --set KEY=VALUE", "push", "config", "--key", key, "--all"},
        {"2", "--set 'fps' is not KEY=VALUE", "push", "config", "--key", key, "--all", "--set", "fps"},
        {"1", "the broker: Unable to connect to server", "push", "model", "--key", key, "--all", "--model", model,
            "--broker", "tcp://127.0.0.1:" + closed},
    };
    for (String[] c : cases) {
      ChildProcess p = ChildProcess.fieldcapRun(java.util.Arrays.copyOfRange(c, 2, c.length));
      assertThat(p.exitCode()).as(p.output()).isEqualTo(Integer.parseInt(c[0]));
      assertThat(p.output()).contains(c[1]).doesNotContain("\tat ");
    }
  }

  @Test
  void givenNoSystemOpenCv_thenTheDeviceJarSaysWhichPackageToInstall() throws Exception {
    // the device jar with its manifest's Class-Path (the system's libopencv-java) taken away
    Path jar = tmp.resolve("fieldcap.jar");
    try (var in = new java.util.jar.JarFile(System.getProperty("fieldcap.jar", "target/fieldcap.jar"))) {
      java.util.jar.Manifest manifest = in.getManifest();
      assertThat(manifest.getMainAttributes().remove(java.util.jar.Attributes.Name.CLASS_PATH)).isNotNull();
      try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest)) {
        for (var e = in.entries(); e.hasMoreElements(); ) {
          var entry = e.nextElement();
          if (!entry.getName().equalsIgnoreCase("META-INF/MANIFEST.MF")) {
            out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
            try (var data = in.getInputStream(entry)) {
              data.transferTo(out);
            }
          }
        }
      }
    }
    ChildProcess p = ChildProcess.start(java.util.List.of("java", "-jar", jar.toString(), "label", "--model",
        "src/test/resources/models/yolov8-detect.onnx", "/usr/share/doc/opencv-doc/examples/data/HappyFish.jpg"));
    p.waitFor(java.time.Duration.ofSeconds(60));
    assertThat(p.exitCode()).as(p.output()).isEqualTo(1);
    assertThat(p.output()).contains("OpenCV's Java bindings are not installed", "libopencv-java")
        .doesNotContain("\tat ");
  }

  @Test
  void nativeLibrariesAreKeptInTheCacheFolderAndNothingIsLeftInTheTemporaryFolder() throws Exception {
    Path temp = Files.createDirectories(tmp.resolve("tmp"));
    Path cache = tmp.resolve("cache");
    for (int run = 0; run < 2; run++) { // the second run finds the libraries already there
      ChildProcess p = ChildProcess.fieldcapWithJvm(java.util.List.of("-Djava.io.tmpdir=" + temp),
          java.util.Map.of("XDG_CACHE_HOME", cache.toString()), "label", "--model",
          "src/test/resources/models/yolov8-detect.onnx", "/usr/share/doc/opencv-doc/examples/data/HappyFish.jpg");
      p.waitFor(java.time.Duration.ofSeconds(60));
      assertThat(p.exitCode()).as(p.output()).isZero();
    }
    assertThat(cache.resolve("fieldcap/onnxruntime-linux-x64/libonnxruntime.so")).isRegularFile();
    assertThat(cache.resolve("fieldcap/onnxruntime-linux-x64/libonnxruntime4j_jni.so")).isRegularFile();
    try (var left = Files.list(temp)) {
      assertThat(left).as("ONNX Runtime's own loader would leave a folder here per process").isEmpty();
    }
  }

  @Test
  void badUsageExitsTwo() throws Exception {
    ChildProcess p = ChildProcess.fieldcapRun("agnet");
    assertThat(p.exitCode()).isEqualTo(2);
    assertThat(p.output()).contains("agnet");
    assertThat(ChildProcess.fieldcapRun().exitCode()).isEqualTo(2);
    assertThat(ChildProcess.fieldcapRun("agent", "--bogus").exitCode()).isEqualTo(2);
  }

  @Test
  void givenABadConfig_thenConfigCheckAndAgentExitTwoNamingEveryProblem() throws Exception {
    Path f = Files.writeString(tmp.resolve("bad.yaml"), """
        device:
          id: cam/1
        source:
          uri: file:///no/such/clip.mp4
          fps: -1
        spool:
          dir: %s
          max-byte: 1GiB
        """.formatted(tmp.resolve("spool")));
    for (String[] args : new String[][] {{"config", "check", f.toString()}, {"agent", "--config", f.toString()}}) {
      ChildProcess p = ChildProcess.fieldcapRun(args);
      assertThat(p.exitCode()).as(p.output()).isEqualTo(2);
      assertThat(p.output()).contains(f + ":2: device.id: device id 'cam/1' must be 1 to 64 characters from [A-Za-z0-9._-]")
          .contains(f + ":4: source.uri: video file '/no/such/clip.mp4' does not exist")
          .contains(f + ":5: source.fps: '-1' is out of range")
          .contains(f + ":8: spool.max-byte: unknown key (did you mean 'spool.max-bytes'?)");
    }
    assertThat(tmp.resolve("spool")).as("nothing was created by a rejected config").doesNotExist();
  }

  @Test
  void givenAValidConfig_thenConfigCheckSaysSoAndExitsZero() throws Exception {
    ChildProcess p = ChildProcess.fieldcapRun("config", "check", "device-config/usb-camera.yaml");
    assertThat(p.exitCode()).as(p.output()).isZero();
    assertThat(p.output()).contains("device-config/usb-camera.yaml: valid", "cam-north-01", "/dev/video0");
  }

  @Test
  void exportAndServerRefuseBadArgumentsWithTwo() throws Exception {
    ChildProcess p = ChildProcess.fieldcapRun("export", "--data-dir", tmp.toString(), "--out", tmp.resolve("o").toString());
    assertThat(p.exitCode()).isEqualTo(2);
    assertThat(p.output()).contains("--data-dir: no fieldcap.db or database.json in " + tmp);
    p = ChildProcess.fieldcapRun("export", "--data-dir", tmp.toString(), "--format", "tfrecord", "--out", tmp.toString());
    assertThat(p.exitCode()).isEqualTo(2);
    assertThat(p.output()).contains("unknown export format 'tfrecord'; known formats: [coco, yolo, voc, labelme, labelstudio, cvat, cvat-video, mot]");
    p = ChildProcess.fieldcapRun("export", "--data-dir", tmp.toString(), "--format", "mot", "--split", "train=0.8,val=0.2",
        "--out", tmp.resolve("o").toString());
    assertThat(p.exitCode()).isEqualTo(2);
    assertThat(p.output()).contains("--split: a mot export is one sequence per device, in capture order");
    p = ChildProcess.fieldcapRun("clips", "export", "--data-dir", tmp.toString(), "--out", tmp.resolve("o").toString());
    assertThat(p.exitCode()).isEqualTo(2);
    assertThat(p.output()).contains("--data-dir: no fieldcap.db or database.json in " + tmp);
    Files.writeString(Files.createDirectories(tmp.resolve("o-full")).resolve("x"), "x");
    p = ChildProcess.fieldcapRun("clips", "export", "--data-dir", tmp.toString(), "--out", tmp.resolve("o-full").toString());
    assertThat(p.exitCode()).isEqualTo(2);
    assertThat(p.output()).contains("--out: " + tmp.resolve("o-full") + " is not empty");
    p = ChildProcess.fieldcapRun("server", "--broker", "http://x", "--data-dir", tmp.toString());
    assertThat(p.exitCode()).isEqualTo(2);
    assertThat(p.output()).contains("mqtt.broker: 'http://x' is not allowed");
    p = ChildProcess.fieldcapRun("server", "--broker", "tcp://127.0.0.1:1");
    assertThat(p.exitCode()).isEqualTo(2);
    assertThat(p.output()).contains("server.data-dir: missing");
  }

  @Test
  void givenKeysGenerate_thenTheKeysWorkInConfigsAndBrokenKeyOrTlsFilesAreExitTwoBeforeAnythingStarts() throws Exception {
    Path keys = tmp.resolve("keys");
    ChildProcess p = ChildProcess.fieldcapRun("keys", "generate", "--out", keys.toString());
    assertThat(p.exitCode()).as(p.output()).isZero();
    assertThat(p.output()).contains("server.key", "server.pub");
    p = ChildProcess.fieldcapRun("keys", "generate", "--out", keys.toString());
    assertThat(p.exitCode()).as("never overwrites a key").isEqualTo(2);
    assertThat(p.output()).contains(keys.resolve("server.key") + " already exists");
    // openssl reads what fieldcap wrote
    ChildProcess o = ChildProcess.start(java.util.List.of("openssl", "pkey", "-in", keys.resolve("server.key").toString(),
        "-noout", "-text"));
    assertThat(o.waitFor(java.time.Duration.ofSeconds(10))).as(o.output()).isZero();
    assertThat(o.output()).contains("ED25519 Private-Key");

    String device = "--set device.id=cam --set source.uri=0 --set spool.dir=" + tmp.resolve("spool")
        + " --set mqtt.broker=tcp://127.0.0.1:1";
    p = ChildProcess.fieldcapRun(("config check device-config/usb-camera.yaml --set mqtt.server-key=" + keys.resolve("server.pub"))
        .split(" "));
    assertThat(p.exitCode()).as(p.output()).isZero();
    assertThat(p.output()).contains("acks signed by " + keys.resolve("server.pub"));

    Path broken = Files.writeString(tmp.resolve("broken.pem"), "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n");
    for (String cmd : new String[] {"config check device-config/usb-camera.yaml", "agent"}) {
      p = ChildProcess.fieldcapRun((cmd + " " + device + " --set mqtt.server-key=" + broken).split(" "));
      assertThat(p.exitCode()).as(cmd + ": " + p.output()).isEqualTo(2);
      assertThat(p.output()).contains("mqtt.server-key: " + broken + ":");
      p = ChildProcess.fieldcapRun((cmd + " " + device + " --set mqtt.server-key=" + keys.resolve("server.key")).split(" "));
      assertThat(p.exitCode()).as(cmd + ": " + p.output()).isEqualTo(2);
      assertThat(p.output()).contains("holds a private key where a public key is expected");
      p = ChildProcess.fieldcapRun((cmd + " " + device + " --set mqtt.ca-file=" + broken).split(" "));
      assertThat(p.exitCode()).as(cmd + ": " + p.output()).isEqualTo(2);
      assertThat(p.output()).contains("mqtt TLS files (" + broken + ")");
    }
    assertThat(tmp.resolve("spool")).as("nothing started").doesNotExist();
    p = ChildProcess.fieldcapRun("server", "--broker", "tcp://127.0.0.1:1", "--data-dir", tmp.resolve("data").toString(),
        "--set", "server.signing-key=" + keys.resolve("server.pub"));
    assertThat(p.exitCode()).as(p.output()).isEqualTo(2);
    assertThat(p.output()).contains("server.signing-key: " + keys.resolve("server.pub") + ": holds a public key where a private key is expected");
    assertThat(tmp.resolve("data")).doesNotExist();
  }

  @Test
  void givenWhatWouldFailAtStart_thenConfigCheckFindsItFirstWithExitTwo() throws Exception {
    Path notAModel = Files.writeString(tmp.resolve("best.onnx"), "not a model");
    String base = "config check device-config/usb-camera.yaml --set spool.dir=" + tmp.resolve("spool");
    ChildProcess p = ChildProcess.fieldcapRun((base + " --set model.path=" + notAModel).split(" "));
    assertThat(p.exitCode()).as(p.output()).isEqualTo(2);
    assertThat(p.output()).contains("model: ").contains("best.onnx");
    p = ChildProcess.fieldcapRun((base + " --set model.path=src/test/resources/models/yolov8-detect.onnx").split(" "));
    assertThat(p.exitCode()).as("a good model passes: " + p.output()).isZero();
    try (java.net.DatagramSocket taken = new java.net.DatagramSocket(0)) {
      p = ChildProcess.fieldcapRun((base + " --set geo.mavlink-port=" + taken.getLocalPort()).split(" "));
      assertThat(p.exitCode()).as(p.output()).isEqualTo(2);
      assertThat(p.output()).contains("geo.mavlink-port: cannot listen on UDP port " + taken.getLocalPort());
    }
  }

  @Test
  void benchSyncMovesItsFramesThroughARealBrokerAndReportsBothRates(@TempDir Path brokerDir) throws Exception {
    Path temp = Files.createDirectories(tmp.resolve("bench-tmp"));
    try (io.fieldcap.testing.Mosquitto m = io.fieldcap.testing.Mosquitto.plain(brokerDir).start()) {
      ChildProcess p = ChildProcess.fieldcapRun("bench", "sync", "--broker", m.uri(), "--frames", "20",
          "--latency-seconds", "3");
      assertThat(p.exitCode()).as(p.output()).isZero();
      assertThat(p.output()).contains("raw Paho QoS 1", "fieldcap sync, spool to stored + acked", "ratio fieldcap / raw",
          "after a warm-up round of 20", "serverReceive=", "subscriberReceive=", "median");

      ChildProcess j = ChildProcess.fieldcapWithJvm(java.util.List.of("-Djava.io.tmpdir=" + temp), java.util.Map.of(),
          "bench", "sync", "--broker", m.uri(), "--frames", "20", "--warm-up", "0", "--latency-seconds", "2", "--json");
      j.waitFor(java.time.Duration.ofSeconds(120));
      var r = lastJson(j);
      assertThat(r.get("frames").asInt()).isEqualTo(20);
      assertThat(r.get("warmUp").asInt()).isZero();
      assertThat(r.get("rawMBps").asDouble()).isPositive();
      assertThat(r.get("syncMBps").asDouble()).isPositive();
      assertThat(r.get("ratio").asDouble()).isPositive();
      assertThat(r.at("/cpuMsPerFrame/serverReceive").asDouble()).isPositive();
      assertThat(r.at("/cpuMsPerFrame/serverLanes").asDouble()).isPositive();
      assertThat(r.at("/cpuMsPerFrame/deviceSync").asDouble()).isPositive();
      assertThat(r.at("/rawCpuMsPerFrame/subscriberReceive").asDouble()).isPositive();
      assertThat(r.at("/cpuMsPerFrame/process").asDouble()).isGreaterThan(r.at("/cpuMsPerFrame/serverReceive").asDouble());
      assertThat(r.get("latencyMedianMs").asLong()).isPositive();
      try (var left = Files.list(temp)) {
        assertThat(left).as("the bench's work folder is removed").noneMatch(f -> f.getFileName().toString().startsWith("fieldcap-bench"));
      }
    }
    ChildProcess bad = ChildProcess.fieldcapRun("bench", "sync", "--broker", "tcp://127.0.0.1:1", "--warm-up", "-1");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.output()).contains("--warm-up at least 0");
  }

  @Test
  void benchExportExportsASyntheticStoreAndReportsItsRate() throws Exception {
    ChildProcess p = ChildProcess.fieldcapRun("bench", "export", "--frames", "500", "--format", "voc");
    assertThat(p.exitCode()).as(p.output()).isZero();
    String json = p.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
    var r = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    assertThat(r.get("frames").asInt()).isEqualTo(500);
    assertThat(r.get("annotations").asInt()).isEqualTo(1000);
    assertThat(r.get("framesPerSecond").asLong()).isPositive();
    assertThat(ChildProcess.fieldcapRun("bench", "export", "--format", "tfrecord").exitCode()).isEqualTo(2);
  }

  private static com.fasterxml.jackson.databind.JsonNode lastJson(ChildProcess p) throws Exception {
    assertThat(p.exitCode()).as(p.output()).isZero();
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        p.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
  }

  @Test
  void benchCleanWebAndAugmentRunSmall() throws Exception {
    var clean = lastJson(ChildProcess.fieldcapRun("bench", "clean", "--frames", "2000"));
    assertThat(clean.get("nearDuplicatesMarked").asInt()).isEqualTo(clean.get("nearDuplicatesPlanted").asInt()).isEqualTo(199);
    assertThat(clean.get("measureMillisPerImage").asDouble()).isPositive();
    var web = lastJson(ChildProcess.fieldcapRun("bench", "web", "--frames", "2000"));
    assertThat(web.get("firstPageFrames").asInt()).isEqualTo(48);
    assertThat(web.at("/firstPage/medianMs").asDouble()).isPositive();
    var augment = lastJson(ChildProcess.fieldcapRun("bench", "augment", "--frames", "10", "--copies", "2"));
    assertThat(augment.get("imagesWritten").asInt()).isEqualTo(30);
    assertThat(augment.get("copiesPerSecond").asLong()).isPositive();
  }

  @Test
  void givenNoSpoolYet_thenSpoolStatsFailsWithOneAndSaysWhy() throws Exception {
    ChildProcess p = ChildProcess.fieldcapRun("spool", "stats", "--set", "device.id=x", "--set", "source.uri=0",
        "--set", "spool.dir=" + tmp.resolve("none"));
    assertThat(p.exitCode()).isEqualTo(1);
    assertThat(p.output()).contains("no spool at " + tmp.resolve("none"));
  }

  @Test
  void benchStartupRestartsOnABacklogAndReportsBothStarts() throws Exception {
    ChildProcess p = ChildProcess.fieldcapRun("bench", "startup", "--frames", "3000");
    assertThat(p.exitCode()).as(p.output()).isZero();
    String json = p.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
    com.fasterxml.jackson.databind.JsonNode r = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    assertThat(r.get("backlogFrames").asInt()).isEqualTo(3000);
    assertThat(r.get("backlogFirstFrameMs").asLong()).isPositive().isGreaterThanOrEqualTo(r.get("backlogStartMs").asLong());
    assertThat(r.get("emptyFirstFrameMs").asLong()).isPositive();
    assertThat(p.output()).contains("agent bench started").doesNotContain("Exception");
    ChildProcess bad = ChildProcess.fieldcapRun("bench", "startup", "--frames", "0");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.output()).contains("--frames must be at least 1");
  }
}
