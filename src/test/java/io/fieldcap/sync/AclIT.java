package io.fieldcap.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.testing.Closer;
import io.fieldcap.testing.Mosquitto;
import io.fieldcap.testing.MqttWatcher;
import io.fieldcap.testing.TestMedia;
import io.fieldcap.transport.Tls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker configuration that scripts/gen-certs.sh writes, run by a real Mosquitto: one
 * certificate per device, the certificate's CN as the user name, pattern ACLs. Every pair of
 * (identity, topic) that matters is tried: every cross-device and forged-ack publish must be denied
 * (not delivered to anyone), every legitimate one delivered.
 */
class AclIT {
  private static final String ROOT = "fieldcap/v1";
  @TempDir Path tmp;
  private final Closer cleanup = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    cleanup.close();
  }

  /** A client authenticated by one of the generated certificates; records every message it receives. */
  private final class Client {
    final String name;
    final MqttWatcher mqtt;
    private final Set<String> received = ConcurrentHashMap.newKeySet();

    Client(String uri, Path certs, String name, String pem, String key) throws Exception {
      this.name = name;
      MqttConnectionOptions o = new MqttConnectionOptions();
      o.setSocketFactory(Tls.socketFactory(certs.resolve("ca.pem"), certs.resolve(pem), certs.resolve(key)));
      mqtt = new MqttWatcher(uri, "acl-" + name, o);
      cleanup.add(mqtt);
    }

    void subscribe(String filter) throws MqttException {
      mqtt.subscribe(filter);
    }

    Set<String> received() {
      mqtt.drain().forEach(m -> received.add(new String(m.payload(), StandardCharsets.UTF_8)));
      return received;
    }

    /** Publishes a unique payload; returns it. */
    String publish(String topic, String label) throws MqttException {
      String payload = name + " -> " + topic + " (" + label + ")";
      mqtt.publish(topic, payload.getBytes(StandardCharsets.UTF_8));
      return payload;
    }
  }

  /** Certificates and broker configuration from scripts/gen-certs.sh for {@code devices}, run by a real Mosquitto. */
  private Mosquitto generatedBroker(Path certs, String... devices) throws Exception {
    int port = TestMedia.freePort();
    List<String> cmd = new ArrayList<>(List.of("scripts/gen-certs.sh", certs.toString(), "--port", Integer.toString(port),
        "--listen", "127.0.0.1"));
    cmd.addAll(List.of(devices));
    TestMedia.run(cmd);
    Mosquitto broker = Mosquitto.fromConfig(tmp.resolve("mosquitto"), certs.resolve("mosquitto.conf"), port).start();
    cleanup.add(broker);
    return broker;
  }

  @Test
  void givenTheGeneratedBrokerConfig_thenDevicesReachOnlyTheirOwnTopicsAndOnlyTheServerAcks() throws Exception {
    Path certs = tmp.resolve("certs");
    String uri = generatedBroker(certs, "cam-a", "cam-b").uri();
    Client server = new Client(uri, certs, "server", "server.pem", "server.key");
    Client a = new Client(uri, certs, "cam-a", "devices/cam-a.pem", "devices/cam-a.key");
    Client b = new Client(uri, certs, "cam-b", "devices/cam-b.pem", "devices/cam-b.key");
    Client push = new Client(uri, certs, "push", "push.pem", "push.key");
    String group = Files.readString(certs.resolve("share-group")).strip();
    assertThat(group).matches("fieldcap-ingest-[0-9a-f]{24}");
    server.subscribe("$share/" + group + "/" + ROOT + "/+/frames/#");
    server.subscribe(ROOT + "/+/status");
    a.subscribe(ROOT + "/cam-a/acks");
    a.subscribe(ROOT + "/cam-a/commands");
    a.subscribe(ROOT + "/cam-a/update/+");
    a.subscribe(ROOT + "/_fleet/#");
    push.subscribe(ROOT + "/+/status");
    b.subscribe(ROOT + "/cam-b/acks");
    // a device that tries to listen to everything, and to join the servers' shared group under the default
    // name (Mosquitto's acl_file cannot refuse a subscription: the secret group name is what keeps it out)
    b.subscribe(ROOT + "/#");
    b.subscribe("$share/fieldcap-ingest/" + ROOT + "/+/frames/#");
    b.subscribe("$share/ingest/" + ROOT + "/+/frames/#");

    Map<String, Client> legit = new TreeMap<>(); // payload -> who must receive it
    Map<String, List<Client>> denied = new TreeMap<>(); // payload -> who must not receive it
    String frame = ROOT + "/cam-a/frames/20261129T045522123Z-000000000042/";
    for (int i = 0; i < 5; i++) {
      legit.put(a.publish(frame + "manifest", "own manifest " + i), server);
      legit.put(a.publish(frame + "chunk/" + i, "own chunk"), server);
      legit.put(a.publish(ROOT + "/cam-a/status", "own status " + i), server);
      legit.put(server.publish(ROOT + "/cam-a/acks", "ack " + i), a);
      legit.put(server.publish(ROOT + "/cam-a/commands", "command " + i), a);
      legit.put(b.publish(ROOT + "/cam-b/frames/20261129T045522123Z-000000000001/manifest", "b's own manifest " + i), server);

      // forged acks: by another device, by the device itself
      denied.put(b.publish(ROOT + "/cam-a/acks", "forged ack " + i), List.of(a, server, b));
      denied.put(a.publish(ROOT + "/cam-a/acks", "self-ack " + i), List.of(a, server, b));
      denied.put(a.publish(ROOT + "/cam-b/acks", "ack for another " + i), List.of(a, server, b));
      // cross-device publishes
      denied.put(b.publish(frame + "manifest", "manifest as cam-a " + i), List.of(a, server, b));
      denied.put(b.publish(frame + "chunk/0", "chunk as cam-a " + i), List.of(a, server, b));
      denied.put(b.publish(ROOT + "/cam-a/status", "status as cam-a " + i), List.of(a, server, b));
      denied.put(b.publish(ROOT + "/cam-a/commands", "command to cam-a " + i), List.of(a, server, b));
      denied.put(a.publish(ROOT + "/cam-a/commands", "command to itself " + i), List.of(a, server, b));
      // outside the tree
      denied.put(a.publish("elsewhere/x", "outside the root " + i), List.of(a, server, b));
      // update bundles: only the push identity publishes them
      legit.put(push.publish(ROOT + "/cam-a/update/model", "bundle for cam-a " + i), a);
      legit.put(push.publish(ROOT + "/_fleet/all/model", "bundle for all " + i), a);
      legit.put(a.publish(ROOT + "/cam-a/status", "status the operator sees " + i), push);
      denied.put(b.publish(ROOT + "/cam-a/update/model", "bundle for cam-a by cam-b " + i), List.of(a, push));
      denied.put(b.publish(ROOT + "/_fleet/all/model", "bundle for all by cam-b " + i), List.of(a, push, b));
      denied.put(server.publish(ROOT + "/_fleet/all/model", "bundle for all by the server " + i), List.of(a, push, b));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline && legit.entrySet().stream().anyMatch(e -> !e.getValue().received().contains(e.getKey()))) {
      Thread.sleep(50);
    }
    Thread.sleep(500); // time for anything wrongly let through to arrive
    List<String> notDelivered = new ArrayList<>();
    legit.forEach((payload, to) -> {
      if (!to.received().contains(payload)) {
        notDelivered.add(payload);
      }
    });
    List<String> leaked = new ArrayList<>();
    denied.forEach((payload, notTo) -> notTo.forEach(c -> {
      if (c.received().contains(payload)) {
        leaked.add(payload + " reached " + c.name);
      }
    }));
    assertThat(notDelivered).as("legitimate publishes not delivered (of %d)", legit.size()).isEmpty();
    assertThat(leaked).as("denied publishes delivered (of %d)", denied.size()).isEmpty();
    assertThat(b.received()).as("cam-b subscribed to everything but may read only its own acks, commands and the fleet's bundles")
        .allMatch(p -> p.contains("/cam-b/acks") || p.contains("/cam-b/commands") || p.contains("/_fleet/"));
    assertThat(legit).hasSize(45);
    assertThat(denied).hasSize(60);
  }

  @Test
  void givenTheGeneratedBrokerConfigAndSignedAcks_thenAnAgentAndTheServerSyncEveryFrame() throws Exception {
    Path certs = tmp.resolve("certs");
    Mosquitto broker = generatedBroker(certs, "gate-3");
    io.fieldcap.keys.SigningKeys.write(io.fieldcap.keys.SigningKeys.generate(), certs, "acks");
    Path data = tmp.resolve("data");
    var server = new io.fieldcap.server.Server(io.fieldcap.config.ConfigLoader.loadServer(null, List.of(
        "mqtt.broker=" + broker.uri(), "server.data-dir=" + data, "mqtt.ca-file=" + certs.resolve("ca.pem"),
        "mqtt.cert-file=" + certs.resolve("server.pem"), "mqtt.key-file=" + certs.resolve("server.key"),
        "server.share-group=" + Files.readString(certs.resolve("share-group")).strip(),
        "server.signing-key=" + certs.resolve("acks.key"))), java.time.InstantSource.system());
    server.start();
    cleanup.add(server::stop);
    assertThat(server.awaitConnected(Duration.ofSeconds(10))).isTrue();
    var agent = new io.fieldcap.agent.Agent(SyncIT.agentConfig(tmp, "gate-3", broker.uri(), TestMedia.vtestMp4(5),
        "mqtt.ca-file=" + certs.resolve("ca.pem"), "mqtt.cert-file=" + certs.resolve("devices/gate-3.pem"),
        "mqtt.key-file=" + certs.resolve("devices/gate-3.key"), "mqtt.server-key=" + certs.resolve("acks.pub")),
        java.time.InstantSource.system());
    agent.start();
    cleanup.add(agent::stop);
    SyncIT.waitFor(() -> agent.spool().stats().acked() == 10, Duration.ofSeconds(60), "10 frames acked");
    assertThat(server.ingest().stored()).isEqualTo(10);
    assertThat(agent.spool().stats().forgedAcks()).isZero();
    assertThat(agent.spool().stats().failed()).isZero();
  }

  @Test
  void givenTheGeneratedBrokerConfig_thenClientsWithoutACertificateFromTheCaAreRefused() throws Exception {
    Path certs = tmp.resolve("certs");
    Mosquitto broker = generatedBroker(certs, "cam-a");
    Path other = tmp.resolve("other-ca");
    TestMedia.run(List.of("scripts/gen-certs.sh", other.toString(), "cam-a"));
    // the same device id, certified by another CA
    MqttClient impostor = new MqttClient(broker.uri(), "impostor", new MemoryPersistence());
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setSocketFactory(Tls.socketFactory(certs.resolve("ca.pem"), other.resolve("devices/cam-a.pem"),
        other.resolve("devices/cam-a.key")));
    o.setConnectionTimeout(5);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> impostor.connect(o)).isInstanceOf(MqttException.class);
    // no certificate at all
    MqttConnectionOptions none = new MqttConnectionOptions();
    none.setSocketFactory(Tls.socketFactory(certs.resolve("ca.pem"), null, null));
    none.setConnectionTimeout(5);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> impostor.connect(none)).isInstanceOf(MqttException.class);
    impostor.close(true);
  }
}
