package io.fieldcap.dataset.format;

import io.fieldcap.image.JpegHeader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** An image file's type and size from its header, without decoding it: JPEG and PNG, what datasets hold. */
public record ImageFile(String contentType, int width, int height) {
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  public static ImageFile read(Path f) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(f))) {
      in.mark(32);
      byte[] head = in.readNBytes(24);
      if (head.length >= 24 && Arrays.equals(head, 0, 8, PNG, 0, 8)) {
        int w = (head[16] & 0xff) << 24 | (head[17] & 0xff) << 16 | (head[18] & 0xff) << 8 | head[19] & 0xff;
        int h = (head[20] & 0xff) << 24 | (head[21] & 0xff) << 16 | (head[22] & 0xff) << 8 | head[23] & 0xff;
        return new ImageFile("image/png", w, h);
      }
      in.reset();
      JpegHeader.Size s;
      try {
        s = JpegHeader.read(in);
      } catch (IOException e) {
        throw new IOException("neither a JPEG nor a PNG: " + e.getMessage(), e);
      }
      return new ImageFile("image/jpeg", s.width(), s.height());
    }
  }
}
