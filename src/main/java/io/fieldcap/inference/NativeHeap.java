package io.fieldcap.inference;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Gives the C heap's free pages back to the system (glibc's {@code malloc_trim}). Loading a model
 * parses and optimises its graph in memory that ONNX Runtime frees once the session is built, but
 * glibc keeps freed pages in its heaps for later allocations: about 60 MB for a 17.6 MB model at 640,
 * resident for the life of the agent unless given back (docs/benchmarks.md, "Agent memory"). Where
 * there is no glibc (musl), it does nothing.
 */
final class NativeHeap {
  /** The part of the C library this calls. */
  interface LibC extends Library {
    int malloc_trim(long pad);
  }

  private static final LibC LIBC = load();

  private NativeHeap() {}

  private static LibC load() {
    try {
      return Native.load("c", LibC.class);
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return null;
    }
  }

  /** Returns free heap pages to the system; whether the C library has the call. */
  static boolean trim() {
    if (LIBC == null) {
      return false;
    }
    try {
      LIBC.malloc_trim(0);
      return true;
    } catch (UnsatisfiedLinkError e) { // a C library without malloc_trim
      return false;
    }
  }
}
