package io.fieldcap.capture;

import io.fieldcap.model.Frame;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one source on its own thread: opens it, stamps each image with the capture time and the next
 * sequence number, and hands it to the sink. A retryable failure closes the source and reopens it
 * with backoff, logging each change of state once; a terminal failure or the end of a file ends the
 * loop. Lifecycle: {@link #start()}, then {@link #stop(Duration)} once.
 */
public final class CaptureLoop {
  private static final Logger log = LoggerFactory.getLogger(CaptureLoop.class);

  /** What the loop is doing, for logs and status. */
  public enum State { STARTING, OPENING, STREAMING, RECONNECTING, ENDED, FAILED, STOPPED }

  private final FrameSource source;
  private final FrameSink sink;
  private final LongSupplier sequence;
  private final InstantSource clock;
  private final Backoff backoff;
  private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Object sleeper = new Object();
  private volatile boolean stopping;
  private volatile String lastError;
  private final Waits waits = new Waits();
  private volatile Consumer<Throwable> onCrash = e -> {};
  private Thread thread;

  public CaptureLoop(FrameSource source, FrameSink sink, LongSupplier sequence, InstantSource clock,
      Duration reconnectMaxDelay) {
    this.source = source;
    this.sink = sink;
    this.sequence = sequence;
    this.clock = clock;
    this.backoff = new Backoff(Duration.ofMillis(500), reconnectMaxDelay);
  }

  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("capture of " + source.describe() + " was already started");
    }
    thread = new Thread(this::run, "capture"); // at the process's priority: it must keep up with a live source
    thread.start();
  }

  /** The last 4096 times the capture thread spent handing a frame over (sequence number and sink), in ns. */
  private static final class Waits {
    private final long[] ring = new long[4096];
    private long n;

    synchronized void add(long nanos) {
      ring[(int) (n++ % ring.length)] = nanos;
    }

    synchronized long percentile(double p) {
      int size = (int) Math.min(n, ring.length);
      if (size == 0) {
        return 0;
      }
      long[] copy = Arrays.copyOf(ring, size);
      Arrays.sort(copy);
      return copy[Math.min(size - 1, (int) Math.ceil(p * size) - 1)];
    }
  }

  /**
   * How long the capture thread waited to hand over a frame (take a sequence number, queue the frame),
   * at percentile {@code p} (0..1) of the last 4096 frames, in nanoseconds. For a live source this
   * should stay near zero whatever the disk does.
   */
  public long handOverNanos(double p) {
    return waits.percentile(p);
  }

  /** Told (on the capture thread) when capture fails unexpectedly (a bug, not a source's error). */
  public void onCrash(Consumer<Throwable> listener) {
    this.onCrash = listener;
  }

  public State state() {
    return state.get();
  }

  /** The last error the source reported, or {@code null}. */
  public String lastError() {
    return lastError;
  }

  /** Blocks until the loop has ended (file end, terminal failure or stop); true if it did in time. */
  public boolean awaitEnd(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops capture: closes the source (which unblocks a pending read) and waits for the thread. */
  public void stop(Duration timeout) throws InterruptedException {
    stopping = true;
    synchronized (sleeper) {
      sleeper.notifyAll();
    }
    source.close();
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      t.interrupt();
      t.join(timeout.toMillis());
    }
  }

  private void run() {
    try {
      while (!stopping) {
        enter(State.OPENING, null);
        try {
          source.open();
          boolean first = true;
          Image image;
          while (!stopping && (image = source.next()) != null) {
            if (first) {
              enter(State.STREAMING, source.describe() + ": streaming " + image.width() + "x" + image.height());
              backoff.reset();
              first = false;
            }
            long t0 = System.nanoTime();
            sink.accept(new Frame(sequence.getAsLong(), image.takenAt() != null ? image.takenAt() : clock.instant(),
                image.width(), image.height(), image.bgr(), image.sourceItem(), image.photo(), null));
            waits.add(System.nanoTime() - t0);
          }
          if (!stopping) {
            enter(State.ENDED, source.describe() + ": source ended; capture stopped");
            return;
          }
        } catch (SourceException e) {
          if (stopping) {
            break;
          }
          lastError = e.getMessage();
          source.close();
          if (!e.retryable()) {
            enter(State.FAILED, source.describe() + ": " + e.getMessage() + "; capture stopped");
            return;
          }
          Duration wait = backoff.next();
          enter(State.RECONNECTING, source.describe() + ": " + e.getMessage() + "; retrying in "
              + wait.toMillis() + " ms (retries continue with backoff)");
          pause(wait);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      lastError = e.toString();
      log.error("{}: capture failed unexpectedly", source.describe(), e);
      state.set(State.FAILED);
      onCrash.accept(e);
    } finally {
      source.close();
      if (stopping) {
        state.set(State.STOPPED);
      }
      finished.countDown();
    }
  }

  /** Logs a state change once; repeated failures in RECONNECTING are logged at debug level. */
  private void enter(State next, String message) {
    State prev = state.getAndSet(next);
    if (message == null) {
      return;
    }
    if (next == State.RECONNECTING && prev == State.OPENING && lastLogged == State.RECONNECTING) {
      log.debug(message);
      return;
    }
    lastLogged = next;
    switch (next) {
      case FAILED, RECONNECTING -> log.warn(message);
      default -> log.info(message);
    }
  }

  private State lastLogged;

  private void pause(Duration d) throws InterruptedException {
    long until = System.nanoTime() + d.toNanos();
    synchronized (sleeper) {
      long left;
      while (!stopping && (left = until - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(sleeper, left);
      }
    }
  }
}
