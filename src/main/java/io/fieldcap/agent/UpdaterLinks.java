package io.fieldcap.agent;

import io.fieldcap.inference.Detector;
import io.fieldcap.sync.SyncService;
import io.fieldcap.update.Updater;
import java.util.concurrent.atomic.AtomicReference;

/** The updater's view of the agent: the sync connection it shares, and the model it may swap. */
final class UpdaterLinks {
  private UpdaterLinks() {}

  /** The updater's MQTT link: sync's own connection. */
  static Updater.Link of(SyncService s) {
    return new Updater.Link() {
      @Override
      public void subscribe(String filter) throws Exception {
        s.subscribe(filter);
      }

      @Override
      public void unsubscribe(String filter) throws Exception {
        s.unsubscribe(filter);
      }

      @Override
      public void publish(String topic, byte[] payload, boolean retained) throws Exception {
        s.publish(topic, payload, retained);
      }

      @Override
      public boolean connected() {
        return s.connected();
      }
    };
  }

  /** The model in use: the preparer reads it per frame; the labeler closes the old one after its last frame. */
  static Updater.Models of(AtomicReference<Detector> model) {
    return new Updater.Models() {
      @Override
      public Detector current() {
        return model.get();
      }

      @Override
      public void swap(Detector next) {
        model.set(next);
      }
    };
  }
}
