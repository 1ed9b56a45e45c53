package io.fieldcap.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldcap.config.SourceConfig.SourceKind;
import io.fieldcap.config.SpoolConfig.WhenFull;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path tmp;

  private Path write(String yaml) throws IOException {
    Path f = tmp.resolve("agent.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private String base() throws IOException {
    Files.createDirectories(tmp.resolve("in"));
    return """
        device:
          id: cam-north-01
        source:
          uri: dir://%s
          fps: 2
        spool:
          dir: %s
          max-bytes: 2GiB
        """.formatted(tmp.resolve("in"), tmp.resolve("spool"));
  }

  private static List<String> errors(Path file, String... sets) {
    try {
      ConfigLoader.load(file, List.of(sets));
    } catch (ConfigException e) {
      return e.errors();
    }
    throw new AssertionError("expected the config to be rejected");
  }

  @Test
  void givenAValidFile_whenLoaded_thenEveryKeyIsReadAndDefaultsFillTheRest() throws Exception {
    FieldcapConfig c = ConfigLoader.load(write(base()), List.of());
    assertThat(c.device().value()).isEqualTo("cam-north-01");
    assertThat(c.source().kind()).isEqualTo(SourceKind.DIR);
    assertThat(c.source().path()).isEqualTo(tmp.resolve("in"));
    assertThat(c.source().fps()).isEqualTo(2.0);
    assertThat(c.spool().maxBytes()).isEqualTo(2L << 30);
    assertThat(c.spool().whenFull()).isEqualTo(WhenFull.EVICT_OLDEST);
    assertThat(c.spool().jpegQuality()).isEqualTo(90);
    assertThat(c.spool().jpegEncoder()).isEqualTo(JpegEncoderKind.AUTO);
    assertThat(c.mqtt()).isNull();
  }

  @Test
  void givenATypoInAKey_thenTheErrorNamesTheKeyItsLineAndTheNearestKnownKey() throws Exception {
    Path f = write(base().replace("  fps: 2", "  fsp: 2"));
    assertThat(errors(f)).singleElement().asString()
        .startsWith(f + ":5: source.fsp: unknown key")
        .contains("did you mean 'source.fps'?");
  }

  @Test
  void givenAnUnknownSection_thenItIsRejectedWithItsLine() throws Exception {
    Path f = write(base() + "spoool:\n  dir: /x\n");
    assertThat(errors(f)).singleElement().asString().startsWith(f + ":9: spoool: unknown section")
        .contains("did you mean 'spool'?");
  }

  @Test
  void givenOutOfRangeValues_thenEveryErrorIsReportedAtOnceWithValueAndAllowedRange() throws Exception {
    Path f = write(base().replace("fps: 2", "fps: 0").replace("max-bytes: 2GiB", "max-bytes: lots")
        + "  jpeg-quality: 101\n  when-full: panic\n  jpeg-encoder: fastest\n");
    List<String> errors = errors(f);
    assertThat(errors).hasSize(5);
    assertThat(errors.get(0)).isEqualTo(f + ":5: source.fps: '0' is out of range; expected frames taken per second, "
        + "a number greater than 0 and at most 120");
    assertThat(errors).anySatisfy(e -> assertThat(e).startsWith(f + ":8: spool.max-bytes: 'lots' is not a size"));
    assertThat(errors).anySatisfy(e -> assertThat(e).startsWith(f + ":9: spool.jpeg-quality: '101' is out of range")
        .contains("from 1 to 100"));
    assertThat(errors).anySatisfy(e -> assertThat(e)
        .isEqualTo(f + ":10: spool.when-full: 'panic' is not allowed; expected one of [evict-oldest, reject-new]"));
    assertThat(errors).anySatisfy(e -> assertThat(e)
        .isEqualTo(f + ":11: spool.jpeg-encoder: 'fastest' is not allowed; expected one of [auto, turbojpeg, opencv]"));
  }

  @Test
  void givenADeviceIdThatCouldEscapeAPath_thenItIsRejected() throws Exception {
    for (String bad : new String[] {"../etc", "a/b", "..", "", "x".repeat(65), "cam 1", "cam+1"}) {
      Path f = write(base().replace("id: cam-north-01", "id: '" + bad + "'"));
      assertThat(errors(f)).as(bad).singleElement().asString().contains("device.id");
    }
  }

  @Test
  void givenSetOverrides_thenTheyReplaceFileValuesAsTypedScalarsAndCanAddKeys() throws Exception {
    FieldcapConfig c = ConfigLoader.load(write(base()), List.of("source.fps=0.5", "source.loop=true",
        "mqtt.broker=tcp://10.0.0.5:1883", "device.id=cam-south-02"));
    assertThat(c.source().fps()).isEqualTo(0.5);
    assertThat(c.source().loop()).isTrue();
    assertThat(c.mqtt().broker().toString()).isEqualTo("tcp://10.0.0.5:1883");
    assertThat(c.device().value()).isEqualTo("cam-south-02");
  }

  @Test
  void givenABadSetOverride_thenTheErrorNamesTheSetOption() throws Exception {
    assertThat(errors(write(base()), "source.fpz=3")).singleElement().asString()
        .startsWith("--set source.fpz: source.fpz: unknown key");
    assertThat(errors(write(base()), "nonsense")).singleElement().asString()
        .contains("expected key=value");
    assertThat(errors(write(base()), "source.fps=fast")).singleElement().asString()
        .startsWith("--set source.fps: source.fps: 'fast' is out of range");
  }

  @Test
  void givenSourceUris_thenTheKindIsInferredAndLocalPathsAreChecked() throws Exception {
    Path clip = Files.writeString(tmp.resolve("clip.mp4"), "x");
    assertThat(ConfigLoader.load(write(base()), List.of("source.uri=rtsp://user:pw@cam/1")).source().kind())
        .isEqualTo(SourceKind.RTSP);
    assertThat(ConfigLoader.load(write(base()), List.of("source.uri=http://cam:8080/video.mjpg")).source().kind())
        .isEqualTo(SourceKind.HTTP);
    assertThat(ConfigLoader.load(write(base()), List.of("source.uri=/dev/video0")).source().kind())
        .isEqualTo(SourceKind.CAMERA);
    assertThat(ConfigLoader.load(write(base()), List.of("source.uri=2")).source().cameraIndex()).isEqualTo(2);
    assertThat(ConfigLoader.load(write(base()), List.of("source.uri=file://" + clip)).source().path()).isEqualTo(clip);
    assertThat(errors(write(base()), "source.uri=file:///no/such/clip.mp4")).singleElement().asString()
        .contains("source.uri: video file '/no/such/clip.mp4' does not exist");
    assertThat(errors(write(base()), "source.uri=dir:///no/such/folder")).singleElement().asString()
        .contains("folder '/no/such/folder' does not exist");
    assertThat(errors(write(base()), "source.uri=ftp://cam/x")).singleElement().asString()
        .contains("is not a source this agent knows");
  }

  @Test
  void givenMissingRequiredKeys_thenEachIsNamed() throws Exception {
    List<String> errors = errors(write("spool:\n  dir: /tmp/x\n"));
    assertThat(errors).anySatisfy(e -> assertThat(e).contains("device.id: missing"));
    assertThat(errors).anySatisfy(e -> assertThat(e).contains("source.uri: missing"));
  }

  @Test
  void givenBrokenYamlOrAMissingFile_thenTheErrorSaysSoWithTheLine() throws Exception {
    Path f = write("device:\n  id: [unclosed\n");
    assertThat(errors(f)).singleElement().asString().startsWith(f + ":").contains("not valid YAML");
    assertThat(errors(tmp.resolve("none.yaml"))).singleElement().asString().endsWith("none.yaml: config file not found");
    assertThat(errors(write("- a\n- b\n"))).singleElement().asString().contains("top level must be a mapping");
  }

  @Test
  void givenMqttSettings_thenBrokerSchemeAndFilesAreChecked() throws Exception {
    assertThat(errors(write(base()), "mqtt.broker=http://x:1883")).singleElement().asString()
        .contains("mqtt.broker: 'http://x:1883' is not allowed; expected tcp://host:1883 or ssl://host:8883");
    assertThat(errors(write(base()), "mqtt.broker=ssl://x:8883", "mqtt.ca-file=/no/ca.pem")).singleElement()
        .asString().contains("mqtt.ca-file: '/no/ca.pem' is not a readable file");
    assertThat(errors(write(base()), "mqtt.broker=tcp://x:1883", "mqtt.topic-root=a/#")).singleElement()
        .asString().contains("mqtt.topic-root");
  }

  @Test
  void sizesAndDurationsReadAsPeopleWriteThem() {
    assertThat(Sizes.parse("2GiB")).isEqualTo(2L << 30);
    assertThat(Sizes.parse("500MB")).isEqualTo(500_000_000L);
    assertThat(Sizes.parse("64 KiB")).isEqualTo(65536);
    assertThat(Sizes.parse("1048576")).isEqualTo(1048576);
    assertThatThrownBy(() -> Sizes.parse("2 bananas")).hasMessageContaining("'2 bananas' is not a size");
    assertThat(Durations.parse("30s").toMillis()).isEqualTo(30_000);
    assertThat(Durations.parse("5m").toMinutes()).isEqualTo(5);
    assertThat(Durations.parse("250ms").toMillis()).isEqualTo(250);
    assertThatThrownBy(() -> Durations.parse("soon")).hasMessageContaining("'soon' is not a duration");
  }

  @Test
  void givenCaptureRules_thenEachIsReadWithItsSettingsAndBadOnesAreNamedWithTheirLines() throws Exception {
    FieldcapConfig c = ConfigLoader.load(write(base() + """
        capture:
          max-per-hour: 600
          rules:
            people:
              type: detections
              classes: [person, dog]
              min-count: 2
              priority: 5
              max-per-minute: 10
            baseline:
              type: interval
              every: 10m
        """), List.of());
    assertThat(c.capture().budget().perHour()).isEqualTo(600);
    assertThat(c.capture().rules()).extracting(CaptureConfig.Rule::name).containsExactly("people", "baseline");
    CaptureConfig.Rule people = c.capture().rules().get(0);
    assertThat(people.type()).isEqualTo(CaptureConfig.Type.DETECTIONS);
    assertThat(people.classes()).containsExactly("person", "dog");
    assertThat(people.minCount()).isEqualTo(2);
    assertThat(people.minScore()).isEqualTo(0.5);
    assertThat(people.budget().perMinute()).isEqualTo(10);
    assertThat(c.capture().rules().get(1).every()).isEqualTo(java.time.Duration.ofMinutes(10));
    assertThat(ConfigLoader.load(write(base()), List.of()).capture().rules()).as("no rules: keep all").isEmpty();

    Path f = write(base() + """
        capture:
          rules:
            unsure:
              type: uncertain
              score-from: 0.7
              score-to: 0.4
            typo:
              type: uncertian
            nothing:
              priority: 3
            flat: 7
        """);
    List<String> errors = errors(f);
    assertThat(errors).anySatisfy(e -> assertThat(e).startsWith(f + ":14: capture.rules.unsure.score-to: '0.4' must be above"));
    assertThat(errors).anySatisfy(e -> assertThat(e).startsWith(f + ":16: capture.rules.typo.type: 'uncertian' is not allowed"));
    assertThat(errors).anySatisfy(e -> assertThat(e).startsWith(f + ":17: capture.rules.nothing.type: missing; expected one of"));
    assertThat(errors).anySatisfy(e -> assertThat(e).startsWith(f + ":19: capture.rules.flat: must be a mapping"));
  }

  @Test
  void givenPrivacySettings_thenMasksAndTheFaceModelAreCheckedWithClearErrors() throws Exception {
    Path model = Files.writeString(tmp.resolve("faces.onnx"), "x");
    FieldcapConfig c = ConfigLoader.load(write(base()), List.of("privacy.faces=pixelate", "privacy.face-model=" + model,
        "privacy.classes=person", "privacy.masks=0.6,0 1,0 1,0.4", "model.path=" + model));
    assertThat(errors(write(base()), "privacy.classes=person")).as("classes fail closed: no model, no start")
        .anySatisfy(e -> assertThat(e).contains("privacy.classes: needs a model (model.path) to find [person]"));
    assertThat(c.privacy().faces()).isEqualTo(PrivacyConfig.Mode.PIXELATE);
    assertThat(c.privacy().classes()).containsExactly("person");
    assertThat(c.privacy().masks()).hasSize(1);
    assertThat(c.privacy().masks().get(0)).hasSize(3);
    assertThat(ConfigLoader.load(write(base()), List.of()).privacy().active()).as("off by default").isFalse();
    List<String> errors = errors(write(base()), "privacy.faces=blur", "privacy.face-model=" + tmp.resolve("none.onnx"),
        "privacy.masks=0,0 2,0 1,1");
    assertThat(errors).anySatisfy(e -> assertThat(e).contains("privacy.face-model: '" + tmp.resolve("none.onnx")
        + "' is not a readable file"));
    assertThat(errors).anySatisfy(e -> assertThat(e).contains("privacy.masks: '2,0' is not a point x,y with both from 0 to 1"));
  }

  @Test
  void givenGeoGpsd_thenHostAndPortAreReadAndABadAddressIsNamed() throws Exception {
    GeoConfig g = ConfigLoader.load(write(base()), List.of("geo.gpsd=gps.local:2948", "geo.max-age=2s")).geo();
    assertThat(g.gpsdHost()).isEqualTo("gps.local");
    assertThat(g.gpsdPort()).isEqualTo(2948);
    assertThat(g.maxAge()).isEqualTo(java.time.Duration.ofSeconds(2));
    assertThat(ConfigLoader.load(write(base()), List.of("geo.gpsd=localhost")).geo().gpsdPort()).isEqualTo(2947);
    assertThat(ConfigLoader.load(write(base()), List.of()).geo().gpsdHost()).as("no GPS by default").isNull();
    assertThat(errors(write(base()), "geo.gpsd=gps local")).singleElement().asString()
        .contains("geo.gpsd: 'gps local' is not HOST:PORT");
    assertThat(ConfigLoader.load(write(base()), List.of("geo.mavlink-port=14550")).geo().mavlinkPort()).isEqualTo(14550);
    assertThat(errors(write(base()), "geo.mavlink-port=14550", "geo.gpsd=localhost")).singleElement().asString()
        .contains("geo.mavlink-port: and geo.gpsd are both set; choose one source of positions");
  }

  @Test
  void givenTags_thenEachIsAShortTextAndNestedValuesAreRefused() throws Exception {
    FieldcapConfig c = ConfigLoader.load(write(base() + "tags:\n  site: north-gate\n  camera-angle: 35\n"), List.of());
    assertThat(c.tags()).containsExactly(java.util.Map.entry("site", "north-gate"), java.util.Map.entry("camera-angle", "35"));
    Path f = write(base() + "tags:\n  site:\n    name: x\n");
    assertThat(errors(f)).singleElement().asString().contains("tags.site: '{\"name\":\"x\"}' is not allowed");
  }

  @Test
  void givenTheWebApp_thenItIsOffUnlessListenIsSetAndThenNeedsATokensFile() throws Exception {
    assertThat(ConfigLoader.loadServer(null, java.util.List.of("mqtt.broker=tcp://127.0.0.1:1883", "server.data-dir=/tmp/x")).http()).isNull();
    assertThatThrownBy(() -> ConfigLoader.loadServer(null, java.util.List.of("mqtt.broker=tcp://127.0.0.1:1883", "server.data-dir=/tmp/x",
        "server.http.listen=127.0.0.1:8080"))).hasMessageContaining("server.http.tokens-file: is required with server.http.listen");
    assertThatThrownBy(() -> ConfigLoader.loadServer(null, java.util.List.of("mqtt.broker=tcp://127.0.0.1:1883", "server.data-dir=/tmp/x",
        "server.http.listen=eight-thousand"))).hasMessageContaining("'eight-thousand' is not HOST:PORT");
    Path tokens = java.nio.file.Files.createTempFile("tokens", "");
    var http = ConfigLoader.loadServer(null, java.util.List.of("mqtt.broker=tcp://127.0.0.1:1883", "server.data-dir=/tmp/x", "server.http.listen=0.0.0.0:8443",
        "server.http.tokens-file=" + tokens)).http();
    assertThat(http.host()).isEqualTo("0.0.0.0");
    assertThat(http.port()).isEqualTo(8443);
    assertThat(http.publicUrl()).isNull();
    assertThat(ConfigLoader.loadServer(null, java.util.List.of("mqtt.broker=tcp://127.0.0.1:1883", "server.data-dir=/tmp/x",
        "server.http.listen=0.0.0.0:8443", "server.http.tokens-file=" + tokens, "server.http.public-url=https://cams.example:8443/"))
        .http().publicUrl()).hasToString("https://cams.example:8443");
    assertThatThrownBy(() -> ConfigLoader.loadServer(null, java.util.List.of("mqtt.broker=tcp://127.0.0.1:1883", "server.data-dir=/tmp/x",
        "server.http.listen=0.0.0.0:8443", "server.http.tokens-file=" + tokens, "server.http.public-url=ftp://cams.example")))
        .hasMessageContaining("server.http.public-url: is not an http:// or https:// URL with a host");
    assertThatThrownBy(() -> ConfigLoader.loadServer(null, java.util.List.of("mqtt.broker=tcp://127.0.0.1:1883", "server.data-dir=/tmp/x",
        "server.http.listen=127.0.0.1:1", "server.http.tokens-file=" + tokens, "server.http.tls-cert=" + tokens)))
        .hasMessageContaining("server.http.tls-key: is required with server.http.tls-cert");
    assertThatThrownBy(() -> ConfigLoader.loadServer(null, java.util.List.of("mqtt.broker=tcp://127.0.0.1:1883", "server.data-dir=/tmp/x", "server.http.port=1")))
        .hasMessageContaining("server.http.port: unknown key");
  }

  @Test
  void trackingIsOffUnlessAskedAndNeedsAModelAndSensibleThresholds() throws Exception {
    java.util.List<String> base = java.util.List.of("device.id=m", "source.uri=0", "spool.dir=/tmp/m");
    assertThat(ConfigLoader.load(null, base).tracking().enabled()).isFalse();
    java.util.List<String> noModel = new java.util.ArrayList<>(base);
    noModel.add("tracking.enabled=true");
    assertThatThrownBy(() -> ConfigLoader.load(null, noModel))
        .hasMessageContaining("tracking.enabled: tracking follows the model's detections: give model.path too");
    java.util.List<String> upside = new java.util.ArrayList<>(base);
    upside.addAll(java.util.List.of("tracking.high=0.3", "tracking.low=0.4", "tracking.max-age=0"));
    assertThatThrownBy(() -> ConfigLoader.load(null, upside)).hasMessageContaining("tracking.low: '0.4' is above tracking.high (0.3)")
        .hasMessageContaining("tracking.max-age");
  }

  @Test
  void rulesOverTracksTurnTrackingOnAndAreCheckedLikeTheOthers() throws Exception {
    Path model = java.nio.file.Files.createTempFile("model", ".onnx");
    java.util.List<String> base = java.util.List.of("device.id=m", "source.uri=0", "spool.dir=/tmp/m", "model.path=" + model);
    java.util.List<String> best = new java.util.ArrayList<>(base);
    best.addAll(java.util.List.of("capture.rules.animals.type=best-shot", "capture.rules.animals.classes=deer",
        "capture.rules.animals.per-track=2", "capture.rules.animals.max-wait=30s", "capture.rules.animals.clip=true",
        "capture.rules.first.type=new-track", "capture.rules.first.min-length=5"));
    FieldcapConfig c = ConfigLoader.load(null, best);
    assertThat(c.tracking().enabled()).isTrue();
    var animals = c.capture().rules().get(0);
    assertThat(animals.type()).isEqualTo(CaptureConfig.Type.BEST_SHOT);
    assertThat(animals.classes()).containsExactly("deer");
    assertThat(animals.tracks().perTrack()).isEqualTo(2);
    assertThat(animals.tracks().maxWait()).hasSeconds(30);
    assertThat(animals.tracks().spacing()).hasSeconds(1);
    assertThat(animals.clip()).isTrue();
    assertThat(c.capture().rules().get(1).tracks().minLength()).isEqualTo(5);
    assertThat(c.clips().pre()).hasSeconds(5);

    java.util.List<String> off = new java.util.ArrayList<>(best);
    off.addAll(java.util.List.of("tracking.enabled=false", "capture.rules.animals.max-held=1", "clips.pre=90s", "clips.max=60s"));
    assertThatThrownBy(() -> ConfigLoader.load(null, off))
        .hasMessageContaining("tracking.enabled: is false, but capture rule 'animals' follows tracks: leave tracking on")
        .hasMessageContaining("capture.rules.animals.max-held: '1' is below per-track (2)")
        .hasMessageContaining("clips.max: 'PT1M' must be longer than clips.pre (PT1M30S)");
    java.util.List<String> noModel = new java.util.ArrayList<>(best.subList(0, 3));
    noModel.addAll(best.subList(4, best.size()));
    assertThatThrownBy(() -> ConfigLoader.load(null, noModel))
        .hasMessageContaining("tracking.enabled: on for capture rule 'animals'; tracking follows the model's detections");
    java.util.List<String> wrongKey = new java.util.ArrayList<>(base);
    wrongKey.addAll(java.util.List.of("capture.rules.first.type=new-track", "capture.rules.first.per-track=2"));
    assertThatThrownBy(() -> ConfigLoader.load(null, wrongKey)).hasMessageContaining("capture.rules.first.per-track: unknown key");
  }

  @Test
  void givenAgentNice_thenItDefaultsToNineteenAndIsKeptWithinZeroToNineteen() throws Exception {
    java.util.List<String> base = java.util.List.of("device.id=m", "source.uri=0", "spool.dir=/tmp/m");
    assertThat(ConfigLoader.load(null, base).agent().nice()).isEqualTo(19);
    java.util.List<String> off = new java.util.ArrayList<>(base);
    off.add("agent.nice=0");
    assertThat(ConfigLoader.load(null, off).agent().nice()).isZero();
    java.util.List<String> bad = new java.util.ArrayList<>(base);
    bad.add("agent.nice=-5");
    assertThatThrownBy(() -> ConfigLoader.load(null, bad)).hasMessageContaining("agent.nice");
  }

  @Test
  void givenACoverageRule_thenItsSharesAreReadAndChecked() throws Exception {
    var base = java.util.List.of("device.id=m", "source.uri=0", "spool.dir=/tmp/m");
    Path yaml = Files.writeString(tmp.resolve("coverage.yaml"), """
        capture:
          rules:
            weed: {type: coverage, classes: [weed, thistle], min: 0.05}
            unsure: {type: uncertain, margin-below: 0.2}
        """);
    var rules = ConfigLoader.load(yaml, base).capture().rules();
    var weed = rules.stream().filter(r -> r.name().equals("weed")).findFirst().orElseThrow();
    assertThat(weed.classes()).containsExactly("weed", "thistle");
    assertThat(weed.minCoverage()).isEqualTo(0.05);
    assertThat(weed.maxCoverage()).isEqualTo(1.0);
    assertThat(rules.stream().filter(r -> r.name().equals("unsure")).findFirst().orElseThrow().marginBelow()).isEqualTo(0.2);
    var none = new java.util.ArrayList<>(base);
    none.add("capture.rules.weed.type=coverage");
    assertThatThrownBy(() -> ConfigLoader.load(null, none)).hasMessageContaining("capture.rules.weed.min: missing");
    var upside = new java.util.ArrayList<>(base);
    upside.addAll(java.util.List.of("capture.rules.weed.type=coverage", "capture.rules.weed.min=0.5", "capture.rules.weed.max=0.2"));
    assertThatThrownBy(() -> ConfigLoader.load(null, upside)).hasMessageContaining("must not be below min (0.5)");
  }

  @Test
  void givenSemanticModelSettings_thenTheyAreOptionalAndCheckedByName() throws Exception {
    String model = "model.path=src/test/resources/models/semantic.onnx";
    var base = java.util.List.of("device.id=m", "source.uri=0", "spool.dir=/tmp/m", model);
    var m = ConfigLoader.load(null, base).model();
    assertThat(m.resize()).isNull(); // the family's default
    assertThat(m.normalize()).isNull();
    assertThat(m.minArea()).isZero();
    var set = ConfigLoader.load(null, java.util.List.of("device.id=m", "source.uri=0", "spool.dir=/tmp/m", model,
        "model.format=semantic", "model.resize=letterbox", "model.normalize=unit", "model.min-area=50")).model();
    assertThat(set.format()).isEqualTo("semantic");
    assertThat(set.resize()).isEqualTo("letterbox");
    assertThat(set.normalize()).isEqualTo("unit");
    assertThat(set.minArea()).isEqualTo(50);
    assertThatThrownBy(() -> ConfigLoader.load(null, java.util.List.of("device.id=m", "source.uri=0", "spool.dir=/tmp/m",
        model, "model.resize=crop", "model.normalize=0..255", "model.min-area=-1")))
        .hasMessageContaining("model.resize: 'crop' is not allowed; expected letterbox or stretch")
        .hasMessageContaining("model.normalize: '0..255' is not allowed; expected unit or imagenet")
        .hasMessageContaining("model.min-area");
  }

  @Test
  void givenBinaryModelSettings_thenTheClassThresholdUnclipAndInputSizeAreReadAndChecked() throws Exception {
    String model = "model.path=src/test/resources/models/binary.onnx";
    var base = java.util.List.of("device.id=m", "source.uri=0", "spool.dir=/tmp/m", model);
    var m = ConfigLoader.load(null, base).model();
    assertThat(m.classes()).isEmpty();
    assertThat(m.threshold()).isEqualTo(0.5);
    assertThat(m.unclip()).isZero();
    assertThat(m.inputWidth()).as("the model's own size").isZero();
    var set = ConfigLoader.load(null, java.util.List.of("device.id=m", "source.uri=0", "spool.dir=/tmp/m", model,
        "model.format=binary", "model.classes=crack", "model.threshold=0.3", "model.unclip=1.5",
        "model.input-size=640x480")).model();
    assertThat(set.classes()).containsExactly("crack");
    assertThat(set.threshold()).isEqualTo(0.3);
    assertThat(set.unclip()).isEqualTo(1.5);
    assertThat(set.inputWidth()).isEqualTo(640);
    assertThat(set.inputHeight()).isEqualTo(480);
    assertThatThrownBy(() -> ConfigLoader.load(null, java.util.List.of("device.id=m", "source.uri=0", "spool.dir=/tmp/m",
        model, "model.format=binary", "model.threshold=1.5", "model.input-size=640", "model.unclip=-1")))
        .hasMessageContaining("model.threshold: '1.5' is out of range; expected binary segmentation: the probability at or "
            + "above which a pixel belongs to the class, a number from 0 to 1")
        .hasMessageContaining("model.input-size: '640' is not allowed; expected WIDTHxHEIGHT with 8 to 8192 pixels a side")
        .hasMessageContaining("model.unclip");
    assertThat(errors(write("device:\n  id: m\nsource:\n  uri: '0'\nspool:\n  dir: /tmp/m\nmodel:\n"
        + "  path: src/test/resources/models/binary.onnx\n  format: binary\n  classes: [crack, water]\n")))
        .anySatisfy(e -> assertThat(e).endsWith("model.classes: names 2 classes; a binary segmentation model "
            + "(model.format: binary) has one"));
    assertThatThrownBy(() -> ConfigLoader.load(null, java.util.List.of("device.id=m", "source.uri=0", "spool.dir=/tmp/m",
        model, "model.classes=crack", "model.labels=src/test/resources/models/binary.onnx")))
        .hasMessageContaining("model.classes: and model.labels both name the classes; give one of them");
  }

  @Test
  void givenAgentMetrics_thenTheyAreOffUnlessSetAndTheAddressIsChecked() throws Exception {
    assertThat(ConfigLoader.load(null, java.util.List.of("device.id=m", "source.uri=0", "spool.dir=/tmp/m")).agent().metricsListen())
        .isNull();
    assertThat(ConfigLoader.load(null, java.util.List.of("device.id=m", "source.uri=0", "spool.dir=/tmp/m",
        "agent.metrics-listen=127.0.0.1:9464")).agent().metricsListen()).isEqualTo("127.0.0.1:9464");
    assertThatThrownBy(() -> ConfigLoader.load(null, java.util.List.of("device.id=m", "source.uri=0", "spool.dir=/tmp/m",
        "agent.metrics-listen=everywhere"))).hasMessageContaining("agent.metrics-listen: 'everywhere' is not HOST:PORT");
  }

  @Test
  void givenUpdateSettings_thenGroupsKeyAndProbationAreCheckedAndOffByDefault(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    var base = java.util.List.of("device.id=m", "source.uri=0", "spool.dir=/tmp/m");
    FieldcapConfig c = ConfigLoader.load(null, base);
    assertThat(c.update().key()).isNull();
    assertThat(c.update().probation()).isEqualTo(java.time.Duration.ofMinutes(10));
    assertThat(c.groups()).isEmpty();
    io.fieldcap.keys.SigningKeys.write(io.fieldcap.keys.SigningKeys.generate(), dir, "update");
    var more = new java.util.ArrayList<>(base);
    more.addAll(java.util.List.of("device.groups=north,gates", "update.key=" + dir.resolve("update.pub"), "update.probation=30s"));
    c = ConfigLoader.load(null, more);
    assertThat(c.groups()).containsExactly("north", "gates");
    assertThat(c.update().probation()).isEqualTo(java.time.Duration.ofSeconds(30));
    var bad = new java.util.ArrayList<>(base);
    bad.addAll(java.util.List.of("device.groups=no/slash", "update.key=" + dir.resolve("nope.pub"), "update.probation=0s",
        "update.collapse-ratio=2"));
    assertThatThrownBy(() -> ConfigLoader.load(null, bad)).hasMessageContaining("device.groups: group 'no/slash'")
        .hasMessageContaining("update.key: '" + dir.resolve("nope.pub") + "' is not a readable file")
        .hasMessageContaining("update.probation").hasMessageContaining("update.collapse-ratio");
  }
}
