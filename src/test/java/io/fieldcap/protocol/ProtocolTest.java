package io.fieldcap.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldcap.json.Json;
import io.fieldcap.model.Box;
import io.fieldcap.model.Detection;
import io.fieldcap.model.LabelSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtocolTest {
  private final Topics topics = new Topics("fieldcap/v1");

  @Test
  void topicsRoundTripAndUnknownOnesAreNamed() {
    Topics.Parsed m = topics.parse("fieldcap/v1/cam-1/frames/F1/manifest");
    assertThat(m.device()).isEqualTo("cam-1");
    assertThat(m.frameId()).isEqualTo("F1");
    assertThat(m.manifest()).isTrue();
    Topics.Parsed c = topics.parse("fieldcap/v1/cam-1/frames/F1/chunk/3");
    assertThat(c.chunk()).isEqualTo(3);
    assertThat(c.problem()).isNull();
    assertThat(topics.parse("fieldcap/v1/cam-1/frames/F1/chunk/x").problem()).contains("chunk index 'x' is not a number");
    assertThat(topics.parse("fieldcap/v1/cam-1/frames/F1/thumb").problem()).startsWith("unknown topic");
    assertThat(topics.parse("other/cam-1/frames/F1/manifest").problem()).contains("is not under fieldcap/v1/");
    assertThat(topics.serverSubscription("g")).isEqualTo("$share/g/fieldcap/v1/+/frames/#");
  }

  @Test
  void chunkCountCoversEveryByte() {
    assertThat(Manifest.chunkCount(1, 131072)).isEqualTo(1);
    assertThat(Manifest.chunkCount(131072, 131072)).isEqualTo(1);
    assertThat(Manifest.chunkCount(131073, 131072)).isEqualTo(2);
    assertThat(Manifest.chunkCount(200_000, 131072)).isEqualTo(2);
  }

  @Test
  void manifestsSurviveTheWireWithLabelsAndTimesAsIsoText() throws Exception {
    Manifest m = new Manifest(1, "20261129T100000000Z-000000000001", "cam", Instant.parse("2026-11-29T10:00:00.123Z"), 1,
        "a".repeat(64), 1000, 65536, 1, "image/jpeg", 640, 480,
        new LabelSet("yolo11n", List.of(new Detection("person", 0.91, new Box(1, 2, 3, 4)), new Detection("day", 0.7, null))),
        Map.of("site", "north"));
    String json = new String(Json.encode(m));
    assertThat(json).contains("\"capturedAt\":\"2026-11-29T10:00:00.123Z\"");
    assertThat(Codec.manifest(json.getBytes())).isEqualTo(m);
  }

  @Test
  void brokenManifestsAreReportedWithTheReasonTheServerSendsBack() {
    assertThatThrownBy(() -> Codec.manifest("{oops".getBytes())).isInstanceOfSatisfying(ProtocolException.class,
        e -> assertThat(e.reason()).isEqualTo(RejectReason.MALFORMED_JSON));
    assertThatThrownBy(() -> Codec.manifest("{\"capturedAt\":\"yesterday\"}".getBytes()))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.BAD_MANIFEST));
  }

  @Test
  void acksUseLowerCaseWireCodesAndLeaveOutEmptyFields() throws Exception {
    assertThat(new String(Json.encode(Ack.rejected("F", null, RejectReason.CHECKSUM_MISMATCH, "bad"))))
        .isEqualTo("{\"v\":1,\"frameId\":\"F\",\"status\":\"rejected\",\"reason\":\"checksum-mismatch\",\"message\":\"bad\"}");
    assertThat(new String(Json.encode(Ack.send("F", "ab", List.of(0, 2)))))
        .isEqualTo("{\"v\":1,\"frameId\":\"F\",\"status\":\"send\",\"sha256\":\"ab\",\"missing\":[0,2]}");
    assertThat(Codec.ack("{\"v\":1,\"frameId\":\"F\",\"status\":\"conflict\"}".getBytes()).status()).isEqualTo(AckStatus.CONFLICT);
    assertThat(Codec.ack("{\"v\":1,\"frameId\":\"F\",\"status\":\"stored\"}".getBytes()).status()).isEqualTo(AckStatus.STORED);
    assertThat(RejectReason.fromCode("checksum-mismatch").retryable()).isTrue();
    assertThat(RejectReason.fromCode("too-large").retryable()).isFalse();
  }
}
