package io.fieldcap.testing;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * A raw Paho client for tests: publishes anything, and queues what arrives on one topic filter.
 * (Paho 1.2.5's subscribe-with-listener overload recurses forever, so messages come through the callback.)
 */
public final class MqttWatcher implements AutoCloseable {
  /** A message that arrived. */
  public record Message(String topic, byte[] payload) {}

  private final MqttClient client;
  private final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();

  public MqttWatcher(String broker, String clientId, String filter) throws MqttException {
    this(broker, clientId, new MqttConnectionOptions());
    subscribe(filter);
  }

  /** Connected with {@code options} (TLS, credentials), subscribed to nothing yet. */
  public MqttWatcher(String broker, String clientId, MqttConnectionOptions options) throws MqttException {
    client = new MqttClient(broker, clientId, new MemoryPersistence());
    client.setCallback(new MqttCallback() {
      @Override
      public void disconnected(MqttDisconnectResponse r) {}

      @Override
      public void mqttErrorOccurred(MqttException e) {}

      @Override
      public void messageArrived(String topic, MqttMessage m) {
        messages.add(new Message(topic, m.getPayload()));
      }

      @Override
      public void deliveryComplete(IMqttToken t) {}

      @Override
      public void connectComplete(boolean reconnect, String uri) {}

      @Override
      public void authPacketArrived(int code, MqttProperties p) {}
    });
    client.connect(options);
  }

  public void subscribe(String filter) throws MqttException {
    client.subscribe(filter, 1);
  }

  /** Every message that arrived so far and was not yet taken. */
  public java.util.List<Message> drain() {
    java.util.List<Message> out = new java.util.ArrayList<>();
    messages.drainTo(out);
    return out;
  }

  public void publish(String topic, byte[] payload) throws MqttException {
    client.publish(topic, payload, 1, false);
  }

  /** The next message, or null after {@code timeout}. */
  public Message next(Duration timeout) throws InterruptedException {
    return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws MqttException {
    client.disconnectForcibly(100, 100, false);
    client.close(true);
  }
}
