package io.fieldcap.image;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.NativeLongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JPEG through the system's libturbojpeg (TurboJPEG API 2), called through JNA. The source and
 * destination buffers are native memory allocated once per frame size and reused, so a frame costs
 * one copy in, the encode, and one copy out.
 */
final class TurboJpegEncoder implements JpegEncoder {
  private static final int TJPF_BGR = 1;
  private static final int TJSAMP_420 = 2;
  private static final int TJFLAG_NOREALLOC = 1024;

  /** The part of the TurboJPEG API this encoder calls. */
  interface TurboJpeg extends Library {
    Pointer tjInitCompress();

    int tjCompress2(Pointer handle, Pointer src, int width, int pitch, int height, int pixelFormat,
        PointerByReference jpegBuf, NativeLongByReference jpegSize, int subsamp, int quality, int flags);

    NativeLong tjBufSize(int width, int height, int subsamp);

    String tjGetErrorStr2(Pointer handle);

    int tjDestroy(Pointer handle);
  }

  /** The library name JNA looks up: libturbojpeg.so.0 from Debian's libturbojpeg0. */
  static final String LIBRARY = "turbojpeg";

  private static final Map<String, TurboJpeg> LOADED = new ConcurrentHashMap<>();

  private final TurboJpeg lib;
  private final Pointer handle;
  private Memory src;
  private Memory dst;
  private int width;
  private int height;
  private final PointerByReference dstRef = new PointerByReference();
  private final NativeLongByReference size = new NativeLongByReference();

  private TurboJpegEncoder(TurboJpeg lib, Pointer handle) {
    this.lib = lib;
    this.handle = handle;
  }

  static TurboJpegEncoder open(String library) {
    TurboJpeg l = LOADED.computeIfAbsent(library, TurboJpegEncoder::load);
    Pointer h = l.tjInitCompress();
    if (h == null) {
      throw new IllegalStateException("libturbojpeg could not create a compressor: " + l.tjGetErrorStr2(null));
    }
    return new TurboJpegEncoder(l, h);
  }

  private static TurboJpeg load(String library) {
    try {
      return Native.load(library, TurboJpeg.class);
    } catch (UnsatisfiedLinkError e) {
      String why = e.getMessage() == null ? "not found" : e.getMessage().lines().findFirst().orElse("not found");
      throw new IllegalStateException("cannot load libturbojpeg (install the package libturbojpeg0): " + why);
    }
  }

  @Override
  public byte[] encode(int width, int height, byte[] bgr, int quality) {
    if (bgr.length != width * height * 3) {
      throw new IllegalArgumentException("a " + width + "x" + height + " BGR frame needs " + width * height * 3
          + " bytes, got " + bgr.length);
    }
    if (width != this.width || height != this.height) {
      src = new Memory((long) width * height * 3);
      dst = new Memory(lib.tjBufSize(width, height, TJSAMP_420).longValue());
      this.width = width;
      this.height = height;
    }
    src.write(0, bgr, 0, bgr.length);
    dstRef.setValue(dst);
    size.setValue(new NativeLong(dst.size()));
    int rc = lib.tjCompress2(handle, src, width, 0, height, TJPF_BGR, dstRef, size, TJSAMP_420, quality,
        TJFLAG_NOREALLOC);
    if (rc != 0) {
      throw new IllegalStateException("libturbojpeg could not encode a " + width + "x" + height + " frame: "
          + lib.tjGetErrorStr2(handle));
    }
    return dst.getByteArray(0, (int) size.getValue().longValue());
  }

  @Override
  public String name() {
    return "turbojpeg";
  }

  @Override
  public void close() {
    lib.tjDestroy(handle);
  }
}
