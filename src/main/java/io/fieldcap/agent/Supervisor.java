package io.fieldcap.agent;

import io.fieldcap.config.ConfigException;
import io.fieldcap.config.ConfigLoader;
import io.fieldcap.config.FieldcapConfig;
import io.fieldcap.inference.ModelException;
import io.fieldcap.update.Bundle;
import io.fieldcap.update.UpdateState;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the agent with the config in force: the device's own file and {@code --set}s, or the pushed
 * config that replaced them (docs/fleet.md). A pushed config is applied by stopping the agent and
 * starting it again in this process; one the agent cannot start with is rolled back at once. At the
 * first start, an update that was on probation when the process last ended uncleanly is counted,
 * and rolled back after a crash loop.
 */
public final class Supervisor {
  private static final Logger log = LoggerFactory.getLogger(Supervisor.class);

  /** The same checks as {@code fieldcap config check}, for a config about to replace the running one. */
  public interface Check {
    void check(FieldcapConfig candidate, FieldcapConfig running) throws ConfigException;
  }

  private final Path file;
  private final List<String> sets;
  private final InstantSource clock;
  private final Check check;
  private volatile Agent agent;
  private volatile boolean stopping;
  private volatile String restart;

  public Supervisor(Path file, List<String> sets, InstantSource clock, Check check) {
    this.file = file;
    this.sets = List.copyOf(sets);
    this.clock = clock;
    this.check = check;
  }

  /**
   * Runs until {@link #stop()}; returns whether the last agent stopped without a failure.
   *
   * @throws ConfigException when the device's own config is not valid
   * @throws ModelException when its model cannot be loaded (and no update is to blame)
   */
  public boolean run() throws ConfigException, ModelException, InterruptedException {
    FieldcapConfig base = ConfigLoader.load(file, sets);
    UpdateState state = UpdateState.load(base.spool().dir());
    List<String> rolledBack = state.boot(clock.instant());
    if (!rolledBack.isEmpty()) {
      log.error("updates: rolled back {} after a crash loop during probation", rolledBack);
    }
    while (true) {
      FieldcapConfig config = inForce(base, state);
      Agent a = new Agent(config, clock);
      restart = null;
      a.updates(state, (candidate, settings) -> validate(candidate, settings, config), reason -> {
        restart = reason;
        new Thread(a::stop, "restart").start();
      });
      agent = a;
      if (stopping) {
        return true;
      }
      try {
        a.start();
      } catch (ModelException | RuntimeException e) {
        if (state.activeConfig() == null || !state.kind(Bundle.CONFIG).inProbation()) {
          throw e;
        }
        log.error("updates: the agent does not start with config #{} ({}); rolling back", state.activeConfig().sequence,
            e.getMessage());
        a.stop();
        state.rollBack(Bundle.CONFIG, "the agent did not start with it: " + e.getMessage(), clock.instant());
        continue;
      }
      a.awaitStop();
      if (stopping || restart == null || a.failure() != null) {
        return a.failure() == null;
      }
      log.info("updates: restarting the agent in-process for {}", restart);
    }
  }

  /** The agent running now (null before the first start). */
  public Agent agent() {
    return agent;
  }

  public void stop() {
    stopping = true;
    Agent a = agent;
    if (a != null) {
      a.stop();
    }
  }

  /** The config in force: the device's own, or the pushed one (which falls back to the own if it no longer loads). */
  private FieldcapConfig inForce(FieldcapConfig base, UpdateState state) throws ConfigException {
    UpdateState.Applied c = state.activeConfig();
    if (c == null) {
      return base;
    }
    try {
      FieldcapConfig pushed = load(c.settings == null ? Path.of(c.dir).resolve(c.name) : null, c.settings);
      log.info("config {} #{} (pushed) instead of {}", c.name, c.sequence, file);
      return pushed;
    } catch (ConfigException e) {
      log.error("updates: the pushed config #{} no longer loads ({}); rolling back to {}", c.sequence, e.getMessage(), file);
      state.rollBack(Bundle.CONFIG, "it no longer loads: " + e.getMessage(), clock.instant());
      return base;
    }
  }

  /** A pushed whole file replaces the device's file; pushed settings go over it; the command line's --set stay on top of a whole file. */
  private FieldcapConfig load(Path pushedFile, List<String> settings) throws ConfigException {
    List<String> all = new ArrayList<>(sets);
    if (settings != null) {
      all.addAll(settings);
    }
    return ConfigLoader.load(pushedFile != null ? pushedFile : file, all);
  }

  private FieldcapConfig validate(Path pushedFile, List<String> settings, FieldcapConfig running) throws ConfigException {
    FieldcapConfig c = load(pushedFile, settings);
    List<String> problems = new ArrayList<>();
    if (!c.device().equals(running.device())) {
      problems.add("device.id: '" + c.device() + "' is not this device ('" + running.device() + "'); a pushed config may not change it");
    }
    if (!c.spool().dir().equals(running.spool().dir())) {
      problems.add("spool.dir: '" + c.spool().dir() + "' is not this device's spool ('" + running.spool().dir()
          + "'); a pushed config may not move it (the frames and the update record are there)");
    }
    if (!c.update().enabled()) {
      problems.add("update.key: missing (and no update.public-key); the device could never be updated again");
    }
    if (c.mqtt() == null) {
      problems.add("mqtt: missing; the device would lose the broker and never be updated again");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    check.check(c, running);
    return c;
  }
}
