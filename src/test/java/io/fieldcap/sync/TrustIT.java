package io.fieldcap.sync;

import static io.fieldcap.sync.SyncIT.agentConfig;
import static io.fieldcap.sync.SyncIT.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.fieldcap.agent.Agent;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.config.FieldcapConfig;
import io.fieldcap.config.SpoolConfig.WhenFull;
import io.fieldcap.ingest.Manifests;
import io.fieldcap.json.Json;
import io.fieldcap.keys.SigningKeys;
import io.fieldcap.model.FrameId;
import io.fieldcap.model.Sha256;
import io.fieldcap.protocol.Ack;
import io.fieldcap.protocol.AckSignature;
import io.fieldcap.protocol.Codec;
import io.fieldcap.protocol.Manifest;
import io.fieldcap.server.Server;
import io.fieldcap.spool.Spool;
import io.fieldcap.spool.SpoolEntry;
import io.fieldcap.store.FrameStore;
import io.fieldcap.store.LocalFrameStore;
import io.fieldcap.store.StoredFrame;
import io.fieldcap.testing.Closer;
import io.fieldcap.testing.Mosquitto;
import io.fieldcap.testing.MqttWatcher;
import io.fieldcap.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device deletes a frame only on an ack it can trust: through a real Mosquitto, an attacker that
 * reads every manifest (so it knows every frame id and SHA-256) and answers each with forged acks
 * makes the device delete nothing, while the real server's signed acks still settle every frame.
 */
class TrustIT {
  @TempDir Path tmp;
  private final Closer cleanup = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    cleanup.close();
  }

  private Server server(String broker, Path data, String... more) throws Exception {
    List<String> sets = new ArrayList<>(List.of("mqtt.broker=" + broker, "server.data-dir=" + data));
    sets.addAll(List.of(more));
    Server s = new Server(ConfigLoader.loadServer(null, sets), InstantSource.system());
    s.start();
    cleanup.add(s::stop);
    assertThat(s.awaitConnected(Duration.ofSeconds(10))).isTrue();
    return s;
  }

  /** Answers every manifest it sees with a stored ack, a duplicate ack and a rejection, unsigned and signed by its own key. */
  private static final class Forger implements AutoCloseable {
    final MqttWatcher watcher;
    final Thread thread;
    final Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();

    Forger(String broker, String device) throws Exception {
      watcher = new MqttWatcher(broker, "forger", "fieldcap/v1/" + device + "/frames/+/manifest");
      var wrongKey = new AckSignature.Signer(SigningKeys.generate().getPrivate());
      thread = new Thread(() -> {
        try {
          while (!Thread.currentThread().isInterrupted()) {
            MqttWatcher.Message msg = watcher.next(Duration.ofMillis(100));
            if (msg == null) {
              continue;
            }
            Manifest m = Codec.manifest(msg.payload());
            seen.add(m.frameId());
            String acks = "fieldcap/v1/" + device + "/acks";
            for (Ack a : List.of(Ack.stored(m.frameId(), m.sha256()), Ack.duplicate(m.frameId(), m.sha256()),
                Ack.rejected(m.frameId(), m.sha256(), io.fieldcap.protocol.RejectReason.TOO_LARGE, "forged"))) {
              watcher.publish(acks, Json.encode(a));
              watcher.publish(acks, Json.encode(wrongKey.sign(device, a)));
            }
          }
        } catch (InterruptedException e) {
          // done
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, "forger");
      thread.start();
    }

    @Override
    public void close() throws Exception {
      thread.interrupt();
      thread.join(2000);
      watcher.close();
    }
  }

  @Test
  void givenADevicePinningTheServerKey_whenAnAttackerAnswersEveryManifest_thenNothingIsDeletedUntilTheRealServerAcks()
      throws Exception {
    Mosquitto m = Mosquitto.plain(tmp.resolve("mosquitto")).start();
    cleanup.add(m);
    Path keys = tmp.resolve("keys");
    SigningKeys.write(SigningKeys.generate(), keys, "server");
    Forger forger = new Forger(m.uri(), "cam-pinned");
    cleanup.add(forger);
    // 10 s of clip at 2 fps: 20 frames; no server yet, so only the forger answers
    Agent agent = new Agent(agentConfig(tmp, "cam-pinned", m.uri(), TestMedia.vtestMp4(10),
        "mqtt.server-key=" + keys.resolve("server.pub"), "mqtt.ack-timeout=1s", "mqtt.window=32"), InstantSource.system());
    agent.start();
    cleanup.add(agent::stop);
    waitFor(() -> agent.spool().stats().captured() == 20 && forger.seen.size() == 20 && agent.spool().stats().forgedAcks() >= 120,
        Duration.ofSeconds(60), "every frame offered and forged acks answered");
    var s = agent.spool().stats();
    assertThat(s.acked()).as("no forged ack settled a frame").isZero();
    assertThat(s.failed()).as("no forged rejection gave a frame up").isZero();
    assertThat(s.pending() + s.inFlight()).isEqualTo(20);
    try (var files = Files.walk(tmp.resolve("spool-cam-pinned/frames"))) {
      assertThat(files.filter(p -> p.toString().endsWith(".jpg")).count()).isEqualTo(20);
    }

    Path data = tmp.resolve("data");
    Server server = server(m.uri(), data, "server.signing-key=" + keys.resolve("server.key"));
    waitFor(() -> agent.spool().stats().acked() == 20, Duration.ofSeconds(60), "the real server's acks");
    assertThat(server.ingest().stored()).isEqualTo(20);
    assertThat(agent.spool().stats().failed()).isZero();
    List<StoredFrame> stored = new ArrayList<>();
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      st.forEach(stored::add);
    }
    assertThat(stored).hasSize(20);
  }

  @Test
  void givenADeviceWithoutAKey_thenAcksNamingNoOrAnotherSha256AreIgnoredAndCounted() throws Exception {
    Mosquitto m = Mosquitto.plain(tmp.resolve("mosquitto")).start();
    cleanup.add(m);
    MqttWatcher forger = new MqttWatcher(m.uri(), "forger", "fieldcap/v1/cam-open/frames/+/manifest");
    cleanup.add(forger);
    Agent agent = new Agent(agentConfig(tmp, "cam-open", m.uri(), TestMedia.vtestMp4(3), "mqtt.window=1"),
        InstantSource.system());
    agent.start();
    cleanup.add(agent::stop);
    Manifest offered = Codec.manifest(forger.next(Duration.ofSeconds(30)).payload());
    String acks = "fieldcap/v1/cam-open/acks";
    String other = Sha256.hex(new byte[] {1});
    forger.publish(acks, Json.encode(new Ack(1, offered.frameId(), io.fieldcap.protocol.AckStatus.STORED, null, null,
        null, null, null)));
    forger.publish(acks, Json.encode(Ack.stored(offered.frameId(), other)));
    forger.publish(acks, Json.encode(Ack.conflict(offered.frameId(), other)));
    waitFor(() -> agent.spool().stats().forgedAcks() == 3, Duration.ofSeconds(10), "three forged acks counted");
    assertThat(agent.spool().stats().acked()).isZero();
    // frames pending but never offered (window 1) are not touched by acks naming them, whatever they carry
    waitFor(() -> agent.spool().stats().captured() == 6, Duration.ofSeconds(30), "6 frames captured");
    int forgedForPending = 0;
    try (var files = Files.walk(tmp.resolve("spool-cam-open/frames"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".jpg")).toList()) {
        String id = f.getFileName().toString().replace(".jpg", "");
        if (!id.equals(offered.frameId())) { // the forger learned the id and SHA-256 of a frame not yet offered
          forger.publish(acks, Json.encode(Ack.stored(id, Sha256.hex(Files.readAllBytes(f)))));
          forgedForPending++;
        }
      }
    }
    assertThat(forgedForPending).isGreaterThanOrEqualTo(4);
    Thread.sleep(1000);
    assertThat(agent.spool().stats().acked()).as("acks for frames not in flight change nothing").isZero();
    assertThat(agent.spool().stats().pending() + agent.spool().stats().inFlight()).isEqualTo(6);
  }

  @Test
  void givenTheServerHoldsOtherBytesUnderAFramesId_thenTheDeviceOffersItAgainUnderANewIdAndBothAreKept() throws Exception {
    Mosquitto m = Mosquitto.plain(tmp.resolve("mosquitto")).start();
    cleanup.add(m);
    Path data = tmp.resolve("data");
    byte[] first = Files.readAllBytes(TestMedia.samples().resolve("fruits.jpg"));
    byte[] second = Files.readAllBytes(TestMedia.samples().resolve("baboon.jpg"));
    Instant at = Instant.parse("2026-11-29T10:00:00Z");
    FrameId id = FrameId.of(at, 0);
    // what a device stored before its spool was wiped and its sequence numbers started over
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      Manifest old = new Manifest(1, id.value(), "cam-wiped", at, 0, Sha256.hex(first), first.length, 128 * 1024,
          Manifest.chunkCount(first.length, 128 * 1024), "image/jpeg", 512, 480, null, null);
      assertThat(st.commit(Manifests.frame(old), first, at)).isEqualTo(FrameStore.Outcome.STORED);
    }
    Server server = server(m.uri(), data);
    FieldcapConfig c = ConfigLoader.load(null, List.of("device.id=cam-wiped", "source.uri=dir://" + tmp,
        "spool.dir=" + tmp.resolve("spool"), "mqtt.broker=" + m.uri()));
    try (Spool spool = Spool.open(c.spool().dir(), 1 << 30, 0, WhenFull.EVICT_OLDEST, InstantSource.system())) {
      spool.put(new SpoolEntry(id, spool.nextSequence(), at, 512, 512, second, null, 0, "all", null));
      SyncService sync = new SyncService(c.device(), c.mqtt(), spool, false, InstantSource.system(), SyncListener.NONE);
      sync.start();
      try {
        waitFor(() -> spool.stats().acked() == 1, Duration.ofSeconds(30), "the re-keyed frame stored");
      } finally {
        sync.stop(Duration.ofSeconds(2));
      }
    }
    assertThat(server.ingest().conflicts()).isEqualTo(1);
    List<StoredFrame> stored = new ArrayList<>();
    try (LocalFrameStore st = LocalFrameStore.open(data)) {
      st.forEach(stored::add);
    }
    assertThat(stored).hasSize(2);
    Set<String> shas = new HashSet<>();
    for (StoredFrame f : stored) {
      assertThat(Sha256.hex(Files.readAllBytes(f.image().fetch()))).isEqualTo(f.sha256());
      assertThat(f.capturedAt()).isEqualTo(at);
      shas.add(f.sha256());
    }
    assertThat(shas).containsExactlyInAnyOrder(Sha256.hex(first), Sha256.hex(second));
    assertThat(stored).filteredOn(f -> f.frameId().equals(id.value())).singleElement()
        .extracting(StoredFrame::sha256).isEqualTo(Sha256.hex(first));
  }
}
