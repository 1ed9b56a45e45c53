package io.fieldcap.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Sockets with TCP_NODELAY. The protocol exchanges small messages (a manifest, then a "send"
 * answer) before the bulk: with Nagle's algorithm and delayed ACKs each exchange can stall for
 * tens of milliseconds, which capped sync at a few frames per second per frame in flight.
 */
public final class NoDelaySocketFactory extends SocketFactory {
  private final SocketFactory inner;

  public NoDelaySocketFactory(SocketFactory inner) {
    this.inner = inner;
  }

  private static Socket noDelay(Socket s) throws IOException {
    s.setTcpNoDelay(true);
    return s;
  }

  @Override
  public Socket createSocket() throws IOException {
    return noDelay(inner.createSocket());
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return noDelay(inner.createSocket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
    return noDelay(inner.createSocket(host, port, local, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return noDelay(inner.createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress local, int localPort) throws IOException {
    return noDelay(inner.createSocket(address, port, local, localPort));
  }
}
