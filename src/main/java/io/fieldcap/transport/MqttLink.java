package io.fieldcap.transport;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * One MQTT v5 connection. QoS 1 publishes are bounded by the broker's receive maximum from its
 * CONNACK (Mosquitto grants 20, HiveMQ 10): {@link #publish} waits for a free slot instead of
 * overrunning the broker. Slots are freed on Paho's callback thread, the one that also delivers
 * incoming messages: never call {@link #publish} from {@link Listener#message}. Paho's own persistence is in memory: what must survive a crash is in the
 * spool (device) or the data folder (server), and idempotency makes resending safe.
 *
 * <p>Lifecycle: {@link #connect()} (again after a loss), {@link #close()} once.
 */
public final class MqttLink implements AutoCloseable {
  /** What the link reports; called on Paho's threads. */
  public interface Listener {
    void message(String topic, byte[] payload);

    void lost(String why);
  }

  private final MqttAsyncClient client;
  private final MqttConnectionOptions options;
  private volatile Semaphore permits = new Semaphore(0);
  private volatile int receiveMaximum;

  public MqttLink(String clientId, MqttConnectionOptions options, Listener listener) {
    this.options = options;
    try {
      client = new MqttAsyncClient(options.getServerURIs()[0], clientId, new MemoryPersistence());
    } catch (MqttException e) {
      throw new IllegalArgumentException("cannot create an MQTT client for " + options.getServerURIs()[0] + ": " + e, e);
    }
    client.setCallback(new MqttCallback() {
      @Override
      public void disconnected(MqttDisconnectResponse r) {
        permits = new Semaphore(0);
        listener.lost(r.getReasonString() != null ? r.getReasonString()
            : r.getException() != null ? String.valueOf(r.getException().getMessage()) : "disconnected by the broker");
      }

      @Override
      public void mqttErrorOccurred(MqttException e) {
        listener.lost(e.getMessage());
      }

      @Override
      public void messageArrived(String topic, MqttMessage message) {
        listener.message(topic, message.getPayload());
      }

      @Override
      public void deliveryComplete(IMqttToken token) {}

      @Override
      public void connectComplete(boolean reconnect, String serverURI) {}

      @Override
      public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    });
  }

  /** Connects, waiting up to the connection timeout; learns the broker's receive maximum. */
  public void connect() throws MqttException {
    IMqttToken t = client.connect(options);
    t.waitForCompletion(TimeUnit.SECONDS.toMillis(options.getConnectionTimeout() + 5L));
    if (!client.isConnected()) {
      throw new MqttException(MqttClientException.REASON_CODE_CLIENT_TIMEOUT);
    }
    receiveMaximum = MqttOptions.receiveMaximum(t.getResponse());
    permits = new Semaphore(Math.min(receiveMaximum, 1000));
  }

  public int receiveMaximum() {
    return receiveMaximum;
  }

  public boolean connected() {
    return client.isConnected();
  }

  public void subscribe(String filter) throws MqttException {
    client.subscribe(filter, 1).waitForCompletion(10_000);
  }

  public void unsubscribe(String filter) throws MqttException {
    client.unsubscribe(filter).waitForCompletion(10_000);
  }

  /**
   * Publishes at QoS 1 once a slot under the receive maximum is free; the slot is returned when
   * the broker's PUBACK (or a failure) arrives.
   *
   * @throws MqttException when the link is down or the publish is refused
   */
  public void publish(String topic, byte[] payload, boolean retained) throws MqttException, InterruptedException {
    Semaphore p = permits;
    while (!p.tryAcquire(200, TimeUnit.MILLISECONDS)) {
      if (!client.isConnected()) {
        throw new MqttException(MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED);
      }
      p = permits;
    }
    Semaphore held = p;
    try {
      client.publish(topic, payload, 1, retained, null, new MqttActionListener() {
        @Override
        public void onSuccess(IMqttToken t) {
          held.release();
        }

        @Override
        public void onFailure(IMqttToken t, Throwable e) {
          held.release();
        }
      });
    } catch (MqttException | RuntimeException e) {
      held.release();
      throw e;
    }
  }

  /**
   * Disconnects politely, first publishing {@code lastWords} (retained) on {@code topic} when given.
   * When those cannot be published (every publish slot taken by frames in flight), the disconnect
   * asks the broker to publish the will instead (MQTT 5 reason code 0x04), so that a device that
   * stops cleanly never stays "online" in the fleet.
   */
  public void disconnect(byte[] lastWords, String topic) {
    if (!client.isConnected()) {
      return;
    }
    boolean said = lastWords == null;
    if (lastWords != null) {
      try {
        client.publish(topic, lastWords, 1, true).waitForCompletion(1000);
        said = true;
      } catch (MqttException e) {
        // no slot, or no answer in time: the will says it
      }
    }
    try {
      client.disconnect(500, null, null, said ? 0 : 4, new MqttProperties())
          .waitForCompletion(1000);
    } catch (MqttException e) {
      // going away anyway
    }
  }

  @Override
  public void close() {
    try {
      if (client.isConnected()) {
        client.disconnectForcibly(0, 1000, false);
      }
      client.close(true);
    } catch (MqttException e) {
      // nothing more to do
    }
  }
}
