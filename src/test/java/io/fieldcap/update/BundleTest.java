package io.fieldcap.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldcap.json.Json;
import io.fieldcap.keys.SigningKeys;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.DeviceId;
import io.fieldcap.protocol.Topics;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bundle manifest, its signature, and the rules a device applies to what it receives. */
class BundleTest {
  private static final KeyPair KEYS = SigningKeys.generate();
  private static final Instant T = Instant.parse("2026-11-29T12:00:00Z");

  private static Bundle bundle(String target, long sequence) {
    return new Bundle(Bundle.VERSION, "model", "yolo.onnx", target, sequence, T, T.plusSeconds(86400), "0.1.0",
        List.of(new Bundle.FileEntry("yolo.onnx", "a".repeat(64), 70_000, 16384)), List.of("person", "car"),
        new Bundle.Golden(0.5, 0.9, Map.of("b.jpg", List.of(), "a.jpg", List.of(new Bundle.Expected("car", 1, 2, 3, 4)))),
        null);
  }

  @Test
  void theCanonicalFormHasSortedKeysNoSpaceAndNoNulls_soEverySignerWritesTheSameBytes() {
    String c = bundle("all", 7).canonical();
    assertThat(c).startsWith("{\"classes\":[\"person\",\"car\"],\"created\":\"2026-11-29T12:00:00Z\",\"expires\":")
        .doesNotContain(" ").doesNotContain("settings").doesNotContain("null");
    assertThat(c.indexOf("\"a.jpg\"")).isLessThan(c.indexOf("\"b.jpg\""));
    assertThat(Signed.sign(bundle("all", 7), KEYS.getPrivate()).signature())
        .as("Ed25519 is deterministic: the same bundle signs to the same bytes")
        .isEqualTo(Signed.sign(bundle("all", 7), KEYS.getPrivate()).signature());
  }

  @Test
  void aSignedBundleVerifiesWithItsKeyAndRoundTrips() throws Exception {
    Signed s = Signed.decode(Signed.sign(bundle("group:north", 7), KEYS.getPrivate()).encode());
    Bundle b = s.verify(KEYS.getPublic());
    assertThat(b).isEqualTo(bundle("group:north", 7));
    assertThat(b.files().get(0).chunks()).isEqualTo(5);
    assertThat(b.targets("cam-1", List.of("north"))).isTrue();
    assertThat(b.targets("cam-1", List.of("south"))).isFalse();
    assertThat(bundle("device:cam-1", 1).targets("cam-1", List.of())).isTrue();
    assertThat(bundle("device:cam-1", 1).targets("cam-10", List.of())).isFalse();
    assertThat(bundle("all", 1).targets("anyone", List.of())).isTrue();
  }

  @Test
  void anotherKeyOrAnAlteredManifestOrNotAManifestAtAllIsRefused() throws Exception {
    Signed s = Signed.sign(bundle("all", 7), KEYS.getPrivate());
    assertThatThrownBy(() -> s.verify(SigningKeys.generate().getPublic())).isInstanceOf(Signed.Refused.class)
        .hasMessageContaining("does not verify with update.key");
    Signed altered = new Signed(s.manifest().replace("\"sequence\":7", "\"sequence\":8"), s.signature());
    assertThatThrownBy(() -> altered.verify(KEYS.getPublic())).hasMessageContaining("does not verify");
    assertThatThrownBy(() -> Signed.decode("{\"hello\": 1}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("'manifest' and 'signature' are required");
    assertThatThrownBy(() -> Signed.decode("not json".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not a signed bundle manifest");
  }

  @Test
  void aSignedManifestWithABadFileNameIsRefusedEvenThoughItsSignatureIsGood() {
    Bundle b = new Bundle(Bundle.VERSION, "model", "../x.onnx", "all", 1, T, T.plusSeconds(60), null,
        List.of(new Bundle.FileEntry("../x.onnx", "a".repeat(64), 1, 1024)), null, null, null);
    assertThatThrownBy(() -> Signed.sign(b, KEYS.getPrivate()).verify(KEYS.getPublic())).isInstanceOf(Signed.Refused.class)
        .hasMessageContaining("bad file entry");
    Bundle kind = new Bundle(Bundle.VERSION, "firmware", "x", "all", 1, T, T.plusSeconds(60), null, List.of(), null, null, null);
    assertThatThrownBy(() -> Signed.sign(kind, KEYS.getPrivate()).verify(KEYS.getPublic()))
        .hasMessageContaining("unknown bundle kind 'firmware'");
  }

  @Test
  void updateTopicsAreApartFromDeviceTopics() {
    Topics t = new Topics("fieldcap/v1");
    assertThat(t.update("device:cam-1", "model")).isEqualTo("fieldcap/v1/cam-1/update/model");
    assertThat(t.update("group:north", "config")).isEqualTo("fieldcap/v1/_fleet/groups/north/config");
    assertThat(t.update("all", "model")).isEqualTo("fieldcap/v1/_fleet/all/model");
    for (String topic : List.of(t.update("device:cam-1", "model"), t.update("group:north", "model"), t.update("all", "model"))) {
      assertThat(t.updateKind(topic)).isEqualTo("model");
    }
    assertThat(t.updateKind("fieldcap/v1/cam-1/status")).isNull();
    assertThat(t.updateKind("fieldcap/v1/_fleet/blobs/abc/0")).isNull();
    assertThat(t.blobOf(t.blob("abc", 3))).containsExactly("abc", "3");
    assertThat(t.statusDevice("fieldcap/v1/_fleet/all/model")).isNull();
    assertThat(t.updateSubscriptions(new DeviceId("cam-1"), List.of("north")))
        .containsExactly("fieldcap/v1/cam-1/update/+", "fieldcap/v1/_fleet/groups/north/+", "fieldcap/v1/_fleet/all/+");
    assertThat(DeviceId.problem("_fleet")).contains("fleet updates");
  }

  @Test
  void probationRollsBackOnErrorsOrACollapseOfTheDetectionRate_onlyOnceThereAreEnoughFrames() {
    Watch.Counts before = new Watch.Counts(100, 200, 0);
    assertThat(Watch.verdict(new Watch.Counts(4, 0, 0), before, 5, 0.1)).as("too few frames yet").isNull();
    assertThat(Watch.verdict(new Watch.Counts(20, 0, 0), before, 5, 0.1)).contains("collapsed: 0.00 detections per frame over 20")
        .contains("against 2.00");
    assertThat(Watch.verdict(new Watch.Counts(20, 10, 0), before, 5, 0.1)).as("0.5 per frame is a quarter, not a collapse").isNull();
    assertThat(Watch.verdict(new Watch.Counts(20, 0, 0), new Watch.Counts(100, 0, 0), 5, 0.1))
        .as("the previous model found nothing either").isNull();
    assertThat(Watch.verdict(new Watch.Counts(20, 0, 0), null, 5, 0.1)).as("no baseline (after a restart)").isNull();
    assertThat(Watch.verdict(new Watch.Counts(20, 40, 3), before, 5, 0.1)).contains("inference failed on 3 of 20");
    assertThat(Watch.verdict(new Watch.Counts(100, 200, 3), before, 5, 0.1)).as("3 in 100 is within a tenth").isNull();
    Watch w = new Watch();
    Object a = new Object();
    w.observe(a, 2, false);
    w.observe(a, 0, true);
    assertThat(w.counts(a)).isEqualTo(new Watch.Counts(2, 2, 1));
    assertThat(w.counts(new Object())).isEqualTo(new Watch.Counts(0, 0, 0));
  }

  @Test
  void goldenDetectionsMatchOneToOneByClassAndOverlap() {
    List<Bundle.Expected> want = List.of(new Bundle.Expected("car", 0, 0, 10, 10), new Bundle.Expected("car", 100, 100, 10, 10));
    List<Detection> found = List.of(new Detection("car", 0.9, new Box(1, 1, 10, 10)), new Detection("person", 0.9, new Box(100, 100, 10, 10)));
    assertThat(Golden.matched(want, found, 0.5)).as("the person is not the second car").isEqualTo(1);
    assertThat(Golden.matched(want.subList(0, 1), List.of(new Detection("car", 0.9, new Box(6, 6, 10, 10))), 0.5))
        .as("IoU 0.08").isZero();
  }

  @Test
  void versionsCompareByNumber() {
    assertThat(Versions.compare("0.10.0", "0.9.1")).isPositive();
    assertThat(Versions.compare("0.1.0-SNAPSHOT", "0.1.0")).isZero();
    assertThat(Versions.compare("1.2", "1.2.1")).isNegative();
  }

  @Test
  void theStateSurvivesAReloadAndACrashLoopDuringProbationRollsBackAtBoot(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    UpdateState s = UpdateState.load(dir);
    UpdateState.Kind k = s.kind("model");
    UpdateState.Applied a = new UpdateState.Applied();
    a.sequence = 5;
    a.digest = "d5";
    a.name = "new.onnx";
    a.dir = dir.resolve("updates/model/5").toString();
    k.active = a;
    k.lastSequence = 5;
    k.probationUntil = T.plusSeconds(600);
    s.set("model", null, "probation", null, T);
    assertThat(s.boot(T)).as("first start: nothing to count").isEmpty();
    assertThat(UpdateState.load(dir).boot(T)).as("ended uncleanly once").isEmpty();
    UpdateState third = UpdateState.load(dir);
    assertThat(third.boot(T)).containsExactly("model");
    assertThat(third.activeModel()).as("back to the configured model").isNull();
    assertThat(third.kind("model").refused).containsExactly("d5");
    assertThat(third.kind("model").lastSequence).as("no replay of what was rolled back").isEqualTo(5);
    third.stopped();
    assertThat(Json.MAPPER.readTree(dir.resolve("updates/state.json").toFile()).get("running").asBoolean()).isFalse();
  }
}
