package io.fieldcap.dataset.imports;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * One HTTP GET with the crawler's limits: a deadline for the whole answer (connection, headers and
 * every byte of the body, however slowly it drips), a cap on the body's size, and no redirect
 * followed (the crawler follows them itself, reading each host's robots.txt). A body is read only
 * when {@code wanted} says so; otherwise the connection is let go at once.
 */
final class Fetcher {
  /** An answer: the status, its headers, and its body when it was read (else null). */
  record Answer(int status, HttpHeaders headers, byte[] body) {}

  /** A body over the cap: the transfer was stopped. */
  static final class TooLarge extends IOException {
    TooLarge(long max) {
      super("over the limit of " + max + " bytes");
    }
  }

  private final HttpClient http;
  private final String userAgent;

  Fetcher(Duration connectTimeout, String userAgent) {
    this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
    this.userAgent = userAgent;
  }

  /**
   * GETs {@code uri}: the whole answer within {@code deadline}, the body (read only when the status is
   * 200 and {@code wanted} accepts the headers) at most {@code maxBytes}.
   *
   * @throws HttpTimeoutException when the answer was not complete in time
   * @throws TooLarge when the body is larger than {@code maxBytes}
   */
  Answer get(URI uri, Duration deadline, long maxBytes, Predicate<HttpResponse.ResponseInfo> wanted)
      throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(deadline).header("User-Agent", userAgent).GET().build();
    CompletableFuture<HttpResponse<byte[]>> f = http.sendAsync(req,
        info -> new Capped(info.statusCode() == 200 && wanted.test(info) ? maxBytes : -1));
    try {
      HttpResponse<byte[]> r = f.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
      return new Answer(r.statusCode(), r.headers(), r.body());
    } catch (TimeoutException e) {
      f.cancel(true); // the exchange is aborted and its connection closed
      throw new HttpTimeoutException("no complete answer within " + deadline.toSeconds() + " s");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      throw new IOException(String.valueOf(c), c);
    }
  }

  /** Collects a body up to a cap; a cap below 0 takes none and lets the connection go. */
  private static final class Capped implements HttpResponse.BodySubscriber<byte[]> {
    private final long max;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> done = new CompletableFuture<>();
    private Flow.Subscription subscription;

    Capped(long max) {
      this.max = max;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return done;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (max < 0) {
        s.cancel();
        done.complete(null);
      } else {
        s.request(1);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        if (out.size() + (long) b.remaining() > max) {
          subscription.cancel();
          done.completeExceptionally(new TooLarge(max));
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        out.write(chunk, 0, chunk.length);
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      done.complete(out.toByteArray());
    }
  }
}
