package io.fieldcap.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.config.Redact;

import io.fieldcap.model.Frame;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The loop's reconnect and end-of-source logic, with a scripted source (real sources are tested in *IT). */
class CaptureLoopTest {
  /** Each script step: "frame", "lose" (retryable), "fatal" (terminal) or "end". */
  static final class ScriptedSource implements FrameSource {
    final Deque<String> script;
    final AtomicInteger opens = new AtomicInteger();

    ScriptedSource(String... steps) {
      script = new ArrayDeque<>(List.of(steps));
    }

    @Override
    public void open() {
      opens.incrementAndGet();
    }

    @Override
    public Image next() throws SourceException {
      String step = script.isEmpty() ? "end" : script.poll();
      return switch (step) {
        case "frame" -> new Image(2, 1, new byte[6], null);
        case "lose" -> throw new SourceException("connection reset", true);
        case "fatal" -> throw new SourceException("not a video", false);
        default -> null;
      };
    }

    @Override
    public void close() {}

    @Override
    public String describe() {
      return "scripted";
    }
  }

  static final class Collect implements FrameSink {
    final List<Frame> frames = new CopyOnWriteArrayList<>();

    @Override
    public void accept(Frame frame) {
      frames.add(frame);
    }

    @Override
    public void skipped(String origin, String reason) {}
  }

  @Test
  void givenAStreamThatDrops_thenItIsReopenedAndFramesKeepIncreasingSequenceNumbers() throws Exception {
    ScriptedSource src = new ScriptedSource("frame", "frame", "lose", "frame", "lose", "frame", "end");
    Collect sink = new Collect();
    AtomicLong seq = new AtomicLong(100);
    CaptureLoop loop = new CaptureLoop(src, sink, seq::getAndIncrement, InstantSource.system(), Duration.ofMillis(600));
    loop.start();
    assertThat(loop.awaitEnd(Duration.ofSeconds(10))).isTrue();
    assertThat(src.opens.get()).isEqualTo(3);
    assertThat(sink.frames).extracting(Frame::seq).containsExactly(100L, 101L, 102L, 103L);
    assertThat(loop.state()).isEqualTo(CaptureLoop.State.ENDED);
    assertThat(loop.lastError()).isEqualTo("connection reset");
  }

  @Test
  void givenATerminalFailure_thenCaptureStopsWithoutRetrying() throws Exception {
    ScriptedSource src = new ScriptedSource("frame", "fatal", "frame");
    Collect sink = new Collect();
    AtomicLong seq = new AtomicLong();
    CaptureLoop loop = new CaptureLoop(src, sink, seq::getAndIncrement, InstantSource.system(), Duration.ofSeconds(1));
    loop.start();
    assertThat(loop.awaitEnd(Duration.ofSeconds(5))).isTrue();
    assertThat(loop.state()).isEqualTo(CaptureLoop.State.FAILED);
    assertThat(src.opens.get()).isEqualTo(1);
    assertThat(sink.frames).hasSize(1);
  }

  @Test
  void givenASourceThatKeepsFailing_whenStopped_thenTheLoopEndsPromptlyDuringBackoff() throws Exception {
    ScriptedSource src = new ScriptedSource("lose", "lose", "lose", "lose", "lose", "lose", "lose", "lose");
    CaptureLoop loop = new CaptureLoop(src, new Collect(), new AtomicLong()::getAndIncrement, InstantSource.system(),
        Duration.ofMinutes(5));
    loop.start();
    Thread.sleep(1500);
    long t0 = System.nanoTime();
    loop.stop(Duration.ofSeconds(2));
    assertThat(loop.awaitEnd(Duration.ofSeconds(2))).isTrue();
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
    assertThat(loop.state()).isEqualTo(CaptureLoop.State.STOPPED);
  }

  @Test
  void rateGateKeepsOneFramePerPeriodWithoutBursting() {
    RateGate g = new RateGate(2); // 500 ms
    long ms = 1_000_000;
    assertThat(g.due(0)).isTrue();
    assertThat(g.due(100 * ms)).isFalse();
    assertThat(g.due(500 * ms)).isTrue();
    assertThat(g.due(990 * ms)).isFalse();
    assertThat(g.due(1000 * ms)).isTrue();
    // after a 5 s stall, one frame, not ten
    assertThat(g.due(6000 * ms)).isTrue();
    assertThat(g.due(6100 * ms)).isFalse();
    assertThat(g.nanosUntilDue(6100 * ms)).isEqualTo(400 * ms);
  }

  @Test
  void backoffDoublesUpToItsCeilingAndResets() {
    Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(3));
    assertThat(List.of(b.next(), b.next(), b.next(), b.next(), b.next())).extracting(Duration::toMillis)
        .containsExactly(500L, 1000L, 2000L, 3000L, 3000L);
    b.reset();
    assertThat(b.next().toMillis()).isEqualTo(500);
  }

  @Test
  void credentialsAreMaskedInDescriptions() {
    assertThat(Redact.uri("rtsp://admin:s3cret@10.0.0.2:554/s1")).isEqualTo("rtsp://admin:***@10.0.0.2:554/s1");
    assertThat(Redact.uri("http://cam/video.mjpg")).isEqualTo("http://cam/video.mjpg");
  }
}
