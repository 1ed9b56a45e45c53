#!/usr/bin/python3
"""Serve an H.264 MP4 file as an RTSP stream with GStreamer's RTSP server, looping it.

A real RTSP server for trying the agent and for the integration tests:

    /usr/bin/python3 scripts/rtsp-server.py --port 8554 --mount /cam clip.mp4

Prints "READY rtsp://127.0.0.1:PORT/MOUNT" once it listens. Needs Debian's python3-gi,
gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-good and -bad.
"""
import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", help="an MP4 file with H.264 video")
    ap.add_argument("--port", type=int, default=8554)
    ap.add_argument("--mount", default="/cam")
    args = ap.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    factory = GstRtspServer.RTSPMediaFactory()
    # multifilesrc loop=true plays the clip forever, as a camera would keep streaming.
    location = args.file.replace("\\", "\\\\").replace('"', '\\"')
    factory.set_launch(
        f'( filesrc location="{location}" ! qtdemux ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 )'
    )
    factory.set_shared(True)
    factory.set_eos_shutdown(False)
    server.get_mount_points().add_factory(args.mount, factory)
    if server.attach(None) == 0:
        print(f"cannot listen on 127.0.0.1:{args.port}", file=sys.stderr)
        return 1
    print(f"READY rtsp://127.0.0.1:{args.port}{args.mount}", flush=True)
    GLib.MainLoop().run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
