package io.fieldcap.demo;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** HiveMQ CE embedded, listening on one loopback port; for the demo only. */
final class EmbeddedBroker implements AutoCloseable {
  private final EmbeddedHiveMQ hivemq;

  private EmbeddedBroker(EmbeddedHiveMQ hivemq) {
    this.hivemq = hivemq;
  }

  /** Whether this jar carries the broker (fieldcap-server.jar does, fieldcap.jar does not). */
  static boolean available() {
    try {
      Class.forName("com.hivemq.embedded.EmbeddedHiveMQ", false, EmbeddedBroker.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  static EmbeddedBroker start(Path dir, int port) throws Exception {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(conf.resolve("config.xml"), """
        <?xml version="1.0"?>
        <hivemq>
          <listeners>
            <tcp-listener>
              <port>%d</port>
              <bind-address>127.0.0.1</bind-address>
            </tcp-listener>
          </listeners>
          <anonymous-usage-statistics>
            <enabled>false</enabled>
          </anonymous-usage-statistics>
        </hivemq>
        """.formatted(port));
    EmbeddedHiveMQ h = EmbeddedHiveMQ.builder()
        .withConfigurationFolder(conf)
        .withDataFolder(Files.createDirectories(dir.resolve("data")))
        .withExtensionsFolder(Files.createDirectories(dir.resolve("extensions")))
        .withoutLoggingBootstrap()
        .build();
    h.start().get(60, TimeUnit.SECONDS);
    return new EmbeddedBroker(h);
  }

  @Override
  public void close() throws IOException {
    try {
      hivemq.stop().get(30, TimeUnit.SECONDS);
      hivemq.close();
    } catch (Exception e) {
      throw new IOException("the embedded broker did not stop cleanly: " + e, e);
    }
  }
}
