package io.fieldcap.transport;

import io.fieldcap.config.MqttConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.net.SocketFactory;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttConnAck;
import org.eclipse.paho.mqttv5.common.packet.MqttWireMessage;

/** Paho v5 connection options from the {@code mqtt} section. */
public final class MqttOptions {
  private MqttOptions() {}

  /**
   * @param will the last-will message (retained status "offline"), or null
   * @param willTopic its topic
   */
  public static MqttConnectionOptions from(MqttConfig c, String willTopic, byte[] will) {
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setServerURIs(new String[] {c.broker().toString()});
    o.setCleanStart(true);
    o.setAutomaticReconnect(false); // the owners reconnect with their own backoff and bookkeeping
    o.setKeepAliveInterval(30);
    o.setConnectionTimeout(10);
    if (c.username() != null) {
      o.setUserName(c.username());
    }
    char[] pw = c.password();
    if (pw != null) {
      o.setPassword(new String(pw).getBytes(StandardCharsets.UTF_8));
    }
    if ("ssl".equals(c.broker().getScheme())) {
      try {
        o.setSocketFactory(Tls.socketFactory(c.caFile(), c.certFile(), c.keyFile()));
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalArgumentException("TLS set-up for " + c.broker() + " failed: " + e.getMessage(), e);
      }
      o.setHttpsHostnameVerificationEnabled(true);
    } else {
      o.setSocketFactory(new NoDelaySocketFactory(SocketFactory.getDefault()));
    }
    if (will != null) {
      MqttMessage m = new MqttMessage(will, 1, true, null);
      o.setWill(willTopic, m);
    }
    return o;
  }

  /** The broker's receive maximum from its CONNACK (65535 when it states none). */
  public static int receiveMaximum(MqttWireMessage connack) {
    if (connack instanceof MqttConnAck ack && ack.getProperties() != null
        && ack.getProperties().getReceiveMaximum() != null) {
      return ack.getProperties().getReceiveMaximum();
    }
    return 65535;
  }
}
