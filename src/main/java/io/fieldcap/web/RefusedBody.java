package io.fieldcap.web;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * The body of an upload refused before it was read (no token, no role, a bad name): read and discarded (up to
 * {@link #MAX} bytes, within the body deadline) before the refusal is sent. Closing a connection with unread bytes
 * makes the kernel reset it, and the reset can reach the client before the answer does, which then sees no answer at
 * all. A larger body is not read: the answer goes at once, with the connection closed.
 */
final class RefusedBody {
  /** The most bytes of a refused upload read and discarded so that the refusal reaches its client. */
  static final long MAX = 64L << 20;

  private RefusedBody() {}

  /** Discards the request's body without holding a thread, then runs {@code then} on {@code pool}. */
  static void drainThen(Request request, Response response, ScheduledExecutorService timer, Executor pool, Duration deadline,
      Runnable then) {
    long declared = request.getLength();
    if (declared < 0 || declared > MAX) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
      then.run();
      return;
    }
    ScheduledFuture<?> late = timer.schedule(() -> request.fail(new TimeoutException("refused body too slow")),
        deadline.toMillis(), TimeUnit.MILLISECONDS);
    Runnable reader = new Runnable() {
      @Override
      public void run() {
        while (true) {
          Content.Chunk c = request.read();
          if (c == null) {
            request.demand(this);
            return;
          }
          boolean done = c.isLast() || Content.Chunk.isFailure(c);
          c.release();
          if (done) {
            late.cancel(false);
            pool.execute(then);
            return;
          }
        }
      }
    };
    reader.run();
  }
}
