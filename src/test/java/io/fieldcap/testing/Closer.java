package io.fieldcap.testing;

import java.util.ArrayDeque;
import java.util.Deque;

/** What a test started, closed in reverse order at its end (brokers after the clients that use them). */
public final class Closer implements AutoCloseable {
  private final Deque<AutoCloseable> open = new ArrayDeque<>();

  public void add(AutoCloseable c) {
    open.push(c);
  }

  @Override
  public void close() throws Exception {
    Exception first = null;
    while (!open.isEmpty()) {
      try {
        open.pop().close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
