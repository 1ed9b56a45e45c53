package io.fieldcap.ingest;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the server's work per device: each device's messages in the order they arrived, different
 * devices in parallel on a small pool, so that one device that floods the server or sends frames that
 * are slow to store delays itself, not the others. A lane runs a few tasks and then yields its thread
 * to the next device that waits.
 *
 * <p>Bounded twice: a device may have at most {@code perDevice} messages waiting (more are dropped
 * and counted: QoS 1 messages the device will offer again), and all devices together at most {@code
 * total}, past which {@link #submit} blocks the caller (Paho's callback thread), so the broker holds
 * back instead of the server's heap filling up.
 *
 * <p>Lifecycle: construct, {@link #submit} from one thread, {@link #close} once.
 */
public final class DeviceLanes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeviceLanes.class);
  private static final int BATCH = 16;

  private final ExecutorService pool;
  private final int perDevice;
  private final Semaphore total;
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
  private final LongAdder dropped = new LongAdder();
  private final Consumer<String> idle;

  private final class Lane implements Runnable {
    final String device;
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    boolean scheduled;

    Lane(String device) {
      this.device = device;
    }

    @Override
    public void run() {
      for (int i = 0; i < BATCH; i++) {
        Runnable next;
        synchronized (this) {
          next = tasks.poll();
        }
        if (next == null) {
          break;
        }
        try {
          next.run();
        } catch (RuntimeException e) {
          log.error("server: handling a message from device '{}' failed: {}", device, e.toString(), e);
        } finally {
          total.release();
        }
      }
      boolean dry;
      synchronized (this) {
        dry = tasks.isEmpty();
      }
      if (dry) {
        try {
          idle.accept(device); // still this lane's turn: nothing else runs this device's work meanwhile
        } catch (RuntimeException e) {
          log.error("server: finishing the work of device '{}' failed: {}", device, e.toString(), e);
        }
        synchronized (this) {
          if (tasks.isEmpty()) {
            scheduled = false;
            return;
          }
        }
      }
      try {
        pool.execute(this); // more waiting: back of the queue, so other devices get a turn
      } catch (RejectedExecutionException e) {
        // closing: what is left is not handled; its devices offer it again to a server that runs
      }
    }
  }

  public DeviceLanes(int threads, int perDevice, int total) {
    this(threads, perDevice, total, device -> {});
  }

  /**
   * @param idle told, on the device's lane, each time the device has no more messages waiting (the
   *     server commits the frames that completed meanwhile as one group then)
   */
  public DeviceLanes(int threads, int perDevice, int total, Consumer<String> idle) {
    this.idle = idle;
    this.perDevice = perDevice;
    this.total = new Semaphore(total);
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "ingest-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Queues {@code task} behind the device's earlier messages.
   *
   * @return false when the device already has {@code perDevice} messages waiting: the task is dropped
   */
  public boolean submit(String device, Runnable task) throws InterruptedException {
    total.acquire();
    boolean[] queued = new boolean[1];
    boolean[] start = new boolean[1];
    // compute() makes queueing atomic with trim(): a lane is never dropped while a task joins it
    Lane lane = lanes.compute(device == null ? "" : device, (k, l) -> {
      Lane ln = l == null ? new Lane(k) : l;
      synchronized (ln) {
        if (ln.tasks.size() < perDevice) {
          ln.tasks.add(task);
          queued[0] = true;
          start[0] = !ln.scheduled;
          ln.scheduled = true;
        }
      }
      return ln;
    });
    if (!queued[0]) {
      total.release();
      dropped.increment();
      return false;
    }
    if (start[0]) {
      pool.execute(lane);
    }
    return true;
  }

  /** Messages dropped because their device had too many waiting. */
  public long dropped() {
    return dropped.sum();
  }

  /** Forgets lanes with nothing waiting (devices that went quiet), so the map does not grow forever. */
  public void trim() {
    for (String device : lanes.keySet()) {
      lanes.computeIfPresent(device, (k, l) -> {
        synchronized (l) {
          return !l.scheduled && l.tasks.isEmpty() ? null : l;
        }
      });
    }
  }

  @Override
  public void close() {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(2, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
