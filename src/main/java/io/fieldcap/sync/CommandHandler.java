package io.fieldcap.sync;

/**
 * Takes the commands sent to this device on {@code ROOT/DEVICE/commands} (today: capture now). Sync
 * only carries them; what a command means is the agent's business, which wires a handler in.
 */
@FunctionalInterface
public interface CommandHandler {
  /** Acts on one command; false when it is not one this handler knows (sync then logs and ignores it). */
  boolean command(byte[] payload);
}
