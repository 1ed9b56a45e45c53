package io.fieldcap.config;

import io.fieldcap.config.SourceConfig.SourceKind;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/** The {@code source} section: what the agent captures from (a camera, a stream, a file or a folder), checked before anything opens. */
final class SourceSection {
  private SourceSection() {}

  static SourceConfig source(Section s) {
    String uri = s.string("uri", null,
        "a camera (/dev/video0 or an index), rtsp://..., http://..., file:///path/clip.mp4 or dir:///path/incoming");
    double fps = s.decimal("fps", 1.0, 0.0, 120.0, "frames taken per second");
    boolean loop = s.bool("loop", false);
    boolean realtime = s.bool("realtime", true);
    String transport = s.checked("rtsp-transport", "tcp", "tcp or udp",
        v -> v.equals("tcp") || v.equals("udp") ? null : "'" + v + "' is not allowed; expected tcp or udp");
    String ffmpeg = s.string("ffmpeg", "ffmpeg", "the ffmpeg executable, a name on PATH or a path");
    Duration maxDelay = s.duration("reconnect-max-delay", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofHours(1));
    s.finish();
    if (uri == null) {
      return null;
    }
    SourceKind kind;
    Path path = null;
    int index = -1;
    String problem = null;
    String lower = uri.toLowerCase(Locale.ROOT);
    if (uri.matches("\\d{1,3}")) {
      kind = SourceKind.CAMERA;
      index = Integer.parseInt(uri);
    } else if (uri.startsWith("/dev/")) {
      kind = SourceKind.CAMERA;
      path = Path.of(uri);
    } else if (lower.startsWith("rtsp://") || lower.startsWith("rtsps://")) {
      kind = SourceKind.RTSP;
      problem = checkNetworkUri(uri);
    } else if (lower.startsWith("http://") || lower.startsWith("https://")) {
      kind = SourceKind.HTTP;
      problem = checkNetworkUri(uri);
    } else if (lower.startsWith("dir:")) {
      kind = SourceKind.DIR;
      path = localPath(uri, "dir:");
      if (path == null) {
        problem = "'" + uri + "' is not a folder URI; expected dir:///absolute/path";
      } else if (!Files.isDirectory(path)) {
        problem = "folder '" + path + "' does not exist or is not a folder";
      }
    } else if (lower.startsWith("file:") || uri.startsWith("/") || uri.startsWith("./")) {
      kind = SourceKind.FILE;
      path = lower.startsWith("file:") ? localPath(uri, "file:") : Path.of(uri);
      if (path == null) {
        problem = "'" + uri + "' is not a file URI; expected file:///absolute/path/clip.mp4";
      } else if (!Files.isRegularFile(path)) {
        problem = "video file '" + path + "' does not exist";
      } else if (!Files.isReadable(path)) {
        problem = "video file '" + path + "' is not readable";
      }
    } else {
      s.reject("uri", "'" + uri + "' is not a source this agent knows; expected /dev/videoN, a camera index, "
          + "rtsp://, http(s)://, file:///path or dir:///path");
      return null;
    }
    if (problem != null) {
      s.reject("uri", problem);
    }
    return new SourceConfig(kind, uri, path, index, fps, loop, realtime, transport, ffmpeg, maxDelay);
  }

  private static String checkNetworkUri(String uri) {
    try {
      URI u = new URI(uri);
      if (u.getHost() == null) {
        return "'" + uri + "' has no host";
      }
      return null;
    } catch (URISyntaxException e) {
      return "'" + uri + "' is not a valid URI: " + e.getReason();
    }
  }

  private static Path localPath(String uri, String scheme) {
    String rest = uri.substring(scheme.length());
    if (rest.startsWith("//")) {
      rest = rest.substring(2);
    }
    if (!rest.startsWith("/")) {
      return null;
    }
    return Path.of(rest);
  }
}
