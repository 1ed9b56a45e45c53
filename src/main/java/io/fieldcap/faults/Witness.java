package io.fieldcap.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The ground truth of the power-loss tests: with the system property {@code fieldcap.witness=FILE}
 * (a file on a disk that is not under test), fieldcap appends a line each time it makes a promise
 * that a power cut must not break: {@code put FRAME SHA256} when the spool accepted a frame (its
 * commit returned), {@code rekey OLD NEW} when a frame in flight got a new id, {@code ack DEVICE FRAME
 * SHA256 STATUS} before the server sends a {@code stored} or {@code duplicate} ack. Each line is one
 * {@code write} to a file opened for appending, so it survives the process being killed right after.
 *
 * <p>Without the property, {@link #record} is a field read.
 */
public final class Witness {
  private static final FileChannel OUT = open(System.getProperty("fieldcap.witness"));

  private Witness() {}

  private static FileChannel open(String file) {
    if (file == null || file.isBlank()) {
      return null;
    }
    try {
      return FileChannel.open(Path.of(file), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the witness file " + file, e);
    }
  }

  /** Whether a witness file is set: callers skip building lines when not. */
  public static boolean on() {
    return OUT != null;
  }

  /** Appends the words as one line. */
  public static void record(String... words) {
    if (OUT == null) {
      return;
    }
    ByteBuffer b = ByteBuffer.wrap((String.join(" ", words) + "\n").getBytes(StandardCharsets.UTF_8));
    try {
      synchronized (OUT) {
        while (b.hasRemaining()) {
          OUT.write(b);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the witness file", e);
    }
  }
}
